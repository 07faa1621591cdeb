"""The portal's forms: the one set of field rules for its pages and the public API alike."""

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xinfang.organization.models import Unit
from xinfang.petitions.forms import IdChoiceField, TextField
from xinfang.petitions.models import QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH, Category, Satisfaction
from xinfang.petitions.validators import normalize_id_number, normalize_phone, validate_id_number
from xinfang.portal.models import PublicityPage
from xinfang.portal.services import OnlinePetition, PageData

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
MAX_FILES = 5


class MobileField(TextField):
    """A mainland mobile number, the one a one-time code can be sent to."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(max_length=20, **kwargs)

    def clean(self, value: Any) -> str:
        phone = normalize_phone(cast(str, super().clean(value)))
        if not _MOBILE_RE.match(phone):
            raise ValidationError(_("请填写11位手机号，用于接收验证码和办理进展。"))
        return phone


class OtpForm(forms.Form):
    phone = MobileField()


class SubmitForm(forms.Form):
    name = TextField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = TextField(label=_("身份证号"), max_length=18)
    phone = MobileField()
    otp = TextField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    title = TextField(label=_("标题"), max_length=200, help_text=_("用一句话概括您反映的问题"))
    content = TextField(
        label=_("信访内容"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("请写明事情经过、涉及的地点和时间，以及您的诉求"),
    )
    category = IdChoiceField(
        label=_("问题类别"),
        queryset=Category.objects.filter(parent__isnull=False, is_active=True).select_related(
            "parent"
        ),
        required=False,
        empty_label=_("不清楚，由工作人员确定"),
    )
    community = IdChoiceField(
        label=_("问题发生地（社区）"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("不清楚或不在本街道"),
        error_messages={"invalid_choice": _("社区不存在或不在本街道。")},
    )
    address = TextField(label=_("问题发生地址"), max_length=200, required=False)
    attachments = forms.FileField(
        label=_("材料（PDF/JPEG/PNG，至多5个，每个不超过20MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True}),
    )

    def __init__(self, *args: Any, street: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if street is not None:
            community = cast(IdChoiceField, self.fields["community"])
            community.queryset = Unit.objects.filter(
                kind=Unit.Kind.COMMUNITY, path__startswith=street.path
            )

    def clean_id_number(self) -> str:
        value = normalize_id_number(self.cleaned_data["id_number"])
        validate_id_number(value)
        return value

    def clean_otp(self) -> str:
        value: str = self.cleaned_data["otp"].strip()
        if not value.isdigit():
            raise ValidationError(_("验证码为6位数字。"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        files = self.files.getlist("attachments") if self.files else []
        if len(files) > MAX_FILES:
            self.add_error("attachments", _("至多上传%(n)d个文件。") % {"n": MAX_FILES})
        return data

    def petition(self) -> OnlinePetition:
        d = self.cleaned_data
        return OnlinePetition(
            name=d["name"].strip(),
            id_number=d["id_number"],
            phone=d["phone"],
            title=d["title"],
            content=d["content"],
            category_id=d["category"].pk if d["category"] else None,
            community_id=d["community"].pk if d["community"] else None,
            address=d["address"],
        )


class TrackForm(forms.Form):
    code = TextField(
        label=_("查询码"),
        max_length=20,
        help_text=_("登记回执或告知书上的12位查询码"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "XXXX-XXXX-XXXX"}),
    )
    phone_last4 = TextField(
        label=_("手机号后四位"),
        help_text=_("登记时所留手机号码的后四位"),
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace("-", "").replace(" ", "").upper()
        if len(code) != QUERY_CODE_LENGTH or any(c not in QUERY_CODE_ALPHABET for c in code):
            raise ValidationError(_("查询码应为12位字母和数字，请核对告知书上的查询码。"))
        return cast(str, code)

    def clean_phone_last4(self) -> str:
        value: str = self.cleaned_data["phone_last4"]
        if not value.isdigit():
            raise ValidationError(_("请填写手机号的后四位数字。"))
        return value


class RateForm(TrackForm):
    satisfaction_unit = forms.ChoiceField(
        label=_("对承办单位的办理"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    satisfaction_office = forms.ChoiceField(
        label=_("对信访部门的工作"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )


class ReviewForm(TrackForm):
    reason = TextField(
        label=_("申请复查的理由"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请写明您对处理意见的哪些方面不服，以及理由"),
    )


class PageForm(forms.Form):
    kind = forms.ChoiceField(label=_("栏目"), choices=PublicityPage.Kind.choices)
    title = TextField(label=_("标题"), max_length=200)
    body = TextField(
        label=_("正文"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 16, "data-rich-text": "1"}),
        help_text=_("可使用标题、加粗、列表和链接；其他格式和脚本会被自动清除"),
    )
    is_published = forms.BooleanField(label=_("发布到网上信访平台"), required=False)
    sort = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=0)

    def page(self) -> PageData:
        d = self.cleaned_data
        return PageData(
            kind=d["kind"],
            title=d["title"],
            body=d["body"],
            is_published=d["is_published"],
            sort=d["sort"],
        )
