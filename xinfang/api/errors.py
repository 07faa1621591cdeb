"""Every refusal as one JSON shape: `{"code", "message"}`, plus `"fields"` for bad input.

Domain refusals carry their own status, code and message (xinfang.common.errors); this
module maps them once, and turns ninja's own failures (no token, a body of the wrong
shape) into the same shape with a Chinese message, so a client handles one format.
"""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from xinfang.common.errors import DomainError, ValidationFailed


class NotAuthenticated(DomainError):
    """No valid credentials came with the request."""

    code = "unauthenticated"
    status = 401


class InvalidFields(ValidationFailed):
    """Input that breaks field rules, with every field's messages."""

    def __init__(self, fields: dict[str, list[str]], message: str | None = None) -> None:
        super().__init__(message or _("提交的内容有误，请按提示修改。"))
        self.fields = fields

    @classmethod
    def from_form(
        cls,
        form: forms.BaseForm,
        *,
        formsets: dict[str, forms.BaseFormSet[Any]] | None = None,
    ) -> "InvalidFields":
        """Return the errors of the form and its formsets; an error of no one field is the message.

        A formset's rows are the items of the body's list named by the key of `formsets`:
        the second person's phone is reported as "petitioners.1.phone".
        """
        fields = {name: [str(m) for m in errors] for name, errors in form.errors.items()}
        general = fields.pop(NON_FIELD_ERRORS, None)
        for name, formset in (formsets or {}).items():
            if formset.non_form_errors():
                fields[name] = [str(m) for m in formset.non_form_errors()]
            rows = cast(list[dict[str, list[str]]], formset.errors)
            for i, row in enumerate(rows):
                for field, errors in row.items():
                    fields[f"{name}.{i}.{field}"] = [str(m) for m in errors]
        return cls(fields, general[0] if general else None)


class BodyTooLarge(DomainError):
    """A request body over the size the server reads (DATA_UPLOAD_MAX_MEMORY_SIZE)."""

    code = "too_large"
    status = 413


# Pydantic's messages are English; a client shows these instead, by error type.
_TYPE_MESSAGES = {
    "missing": gettext_lazy("此项为必填项。"),
    "string_type": gettext_lazy("应为文本。"),
    "int_type": gettext_lazy("应为整数。"),
    "int_parsing": gettext_lazy("应为整数。"),
    "int_from_float": gettext_lazy("应为整数。"),
    "bool_type": gettext_lazy("应为 true 或 false。"),
    "bool_parsing": gettext_lazy("应为 true 或 false。"),
    "date_type": gettext_lazy("日期格式应为 YYYY-MM-DD。"),
    "date_parsing": gettext_lazy("日期格式应为 YYYY-MM-DD。"),
    "date_from_datetime_parsing": gettext_lazy("日期格式应为 YYYY-MM-DD。"),
    "enum": gettext_lazy("不是可选的值。"),
    "greater_than_equal": gettext_lazy("数值小于允许的最小值。"),
    "less_than_equal": gettext_lazy("数值超过允许的最大值。"),
    "list_type": gettext_lazy("应为列表。"),
    "model_attributes_type": gettext_lazy("应为对象。"),
    "extra_forbidden": gettext_lazy("不是可接受的字段。"),
}


def _field_name(loc: list[Any]) -> str:
    # ninja reports ("body", <parameter>, field, …) for bodies and ("query", field) for
    # query schemas; the client knows only the field path.
    path = loc[2:] if loc and loc[0] == "body" else loc[1:]
    return ".".join(str(part) for part in path) or "body"


def _invalid_input(exc: NinjaValidationError) -> InvalidFields:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        message = _TYPE_MESSAGES.get(error.get("type", ""), gettext_lazy("取值不正确。"))
        fields.setdefault(_field_name(list(error.get("loc", ()))), []).append(str(message))
    return InvalidFields(fields)


def _is_unstorable_text(exc: ValueError) -> bool:
    """Return whether the database driver refused a text: a lone surrogate, or a NUL (PostgreSQL)."""
    if isinstance(exc, UnicodeEncodeError):
        return exc.reason == "surrogates not allowed"
    return "NUL (0x00)" in str(exc)


def error_body(exc: DomainError) -> dict[str, Any]:
    """Return the JSON body that reports `exc`."""
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    fields = getattr(exc, "fields", None) or ({exc.field: [exc.message]} if exc.field else None)
    if fields:
        body["fields"] = fields
    return body


def install(api: NinjaAPI) -> None:
    """Make `api` answer every refusal in the one JSON shape."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        response = api.create_response(request, error_body(exc), status=exc.status)
        if isinstance(exc, NotAuthenticated):
            response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(AuthenticationError)
    def no_credentials(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("请先取得令牌，并在请求头中以 Authorization: Bearer <令牌> 调用接口。")
        return domain_error(request, NotAuthenticated(message))

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return domain_error(request, _invalid_input(exc))

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        message = _("请求体过大，不能超过 %(n)d MB。") % {"n": limit}
        return domain_error(request, BodyTooLarge(message))

    @api.exception_handler(ValueError)
    def unstorable_text(request: HttpRequest, exc: ValueError) -> HttpResponse:
        # The forms refuse such text with a field's name; this catches any text that
        # reaches the database another way (a login name), which would otherwise be a 500.
        if not _is_unstorable_text(exc):
            raise exc
        return domain_error(request, ValidationFailed(_("提交的文本含有空字符或无法识别的字符。")))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises a bare 400 only for a body it cannot parse.
        if exc.status_code == 400:
            return domain_error(request, ValidationFailed(_("请求体不是有效的 JSON。")))
        body = {"code": "http_error", "message": str(exc)}
        return api.create_response(request, body, status=exc.status_code)
