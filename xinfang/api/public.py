"""The public API: what the portal's pages do, for a mobile app or a mini program (小程序).

No token: one-time codes, online submission and tracking, each through the portal's
forms (the one set of field rules, xinfang.api.formschema), services and selectors, and
rate-limited as the pages are (portal.throttle), answering 429 with Retry-After.
"""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, NinjaAPI, Query, Router, Schema

from xinfang.api.errors import InvalidFields, error_body
from xinfang.api.formschema import form_data, schema_from_form
from xinfang.api.schemas import ErrorOut
from xinfang.common.audit import client_ip
from xinfang.portal import selectors, services, throttle
from xinfang.portal.forms import OtpForm, RateForm, ReviewForm, SubmitForm, TrackForm

router = Router(tags=["public"])

ERRORS: dict[int, type[ErrorOut]] = {code: ErrorOut for code in (400, 404, 413, 429)}

OtpIn = schema_from_form(OtpForm, name="PublicOtpIn", doc="接收验证码的手机号。")
SubmitIn = schema_from_form(
    SubmitForm, name="PublicPetitionIn", exclude=("attachments",), doc="网上信访的内容。"
)
TrackQuery = schema_from_form(TrackForm, name="PublicTrackQuery")
RateIn = schema_from_form(RateForm, name="PublicRateIn", doc="查询码、手机号后四位和评价。")
ReviewIn = schema_from_form(ReviewForm, name="PublicReviewIn", doc="查询码、手机号后四位和理由。")


class OtpOut(Schema):
    sent: bool
    expires_in: int = Field(description="验证码有效秒数")


class ReceiptOut(Schema):
    query_code: str = Field(description="查询码，凭它和手机号后四位查询办理进展")
    number: str
    deadline: dt.date = Field(description="信访部门决定是否受理并告知的期限")


class NoticeOut(Schema):
    kind: str
    label: str


class LegalGuidanceOut(Schema):
    channel: str = Field(description="法定途径代码：litigation/arbitration/admin_review/other")
    label: str = Field(description="法定途径名称")
    reason: str = Field(description="不予受理的理由（同不予受理告知书）")
    how_to: str = Field(description="如何提出")
    page: str | None = Field(description="法定途径指引宣传页面的地址，无则为空")


class PublicCaseOut(Schema):
    number: str
    title: str
    status: str = Field(description="对外公开的办理状态")
    registered: dt.date
    replied: dt.date | None
    deadline: dt.date | None
    deadline_meaning: str
    notices: list[NoticeOut]
    legal_channel: str = Field(description="应通过的法定途径（诉访分离），无则为空")
    legal_guidance: LegalGuidanceOut | None = Field(description="法定途径指引，无则为空")
    rating_open: bool
    rating_refusal: str | None
    review_open: bool
    review_refusal: str | None


def _guidance(g: selectors.LegalGuidance | None) -> LegalGuidanceOut | None:
    if g is None:
        return None
    page = reverse("portal:info_page", args=[g.page.pk]) if g.page else None
    return LegalGuidanceOut(
        channel=g.channel, label=g.label, reason=g.reason, how_to=g.how_to, page=page
    )


def _case(case: selectors.PublicCase) -> PublicCaseOut:
    return PublicCaseOut(
        number=case.number,
        title=case.title,
        status=case.label,
        registered=case.registered,
        replied=case.replied,
        deadline=case.deadline,
        deadline_meaning=case.deadline_meaning,
        notices=[NoticeOut(kind=k, label=label) for k, label in case.notices],
        legal_channel=case.legal_channel,
        legal_guidance=_guidance(case.legal_guidance),
        rating_open=case.may_rate,
        rating_refusal=case.rate_refusal,
        review_open=case.may_review,
        review_refusal=case.review_refusal,
    )


def _valid(form: TrackForm, request: HttpRequest) -> dict[str, str]:
    """Return the form's cleaned data, after counting the try at the tracking door."""
    valid = form.is_valid()
    throttle.check(request, "track", code=form.cleaned_data.get("code", ""))
    if not valid:
        raise InvalidFields.from_form(form)
    return form.cleaned_data


@router.post("/otp", response={202: OtpOut, **ERRORS}, auth=None)
def otp_send(request: HttpRequest, payload: OtpIn) -> tuple[int, OtpOut]:  # type: ignore[valid-type]
    """Send a one-time code by SMS to the phone, for the submission that follows."""
    form = OtpForm(data=form_data(payload))
    valid = form.is_valid()
    throttle.check(request, "otp", phone=form.cleaned_data.get("phone", ""))
    if not valid:
        raise InvalidFields.from_form(form)
    row = services.otp_issue(phone=form.cleaned_data["phone"])
    return 202, OtpOut(sent=True, expires_in=int((row.expires_at - row.created_at).total_seconds()))


@router.post("/petitions", response={201: ReceiptOut, **ERRORS}, auth=None)
def petition_submit(
    request: HttpRequest,
    payload: SubmitIn,  # type: ignore[valid-type]  # derived from the portal's SubmitForm
) -> tuple[int, ReceiptOut]:
    """Submit a petition online with the one-time code sent to the phone."""
    form = SubmitForm(data=form_data(payload), street=services.portal_unit())
    valid = form.is_valid()
    throttle.check(request, "submit", phone=form.cleaned_data.get("phone", ""))
    if not valid:
        raise InvalidFields.from_form(form)
    petition = services.online_petition_submit(
        data=form.petition(), otp=form.cleaned_data["otp"], ip=client_ip(request)
    )
    return 201, ReceiptOut(
        query_code=petition.query_code, number=petition.number, deadline=petition.route_due
    )


@router.get("/track", response={200: PublicCaseOut, **ERRORS}, auth=None)
def track(request: HttpRequest, query: Query[TrackQuery]) -> PublicCaseOut:  # type: ignore[valid-type]
    """Return the public view of the case of the query code and the phone's last four digits."""
    d = _valid(TrackForm(data=form_data(query)), request)
    return _case(selectors.public_case(d["code"], d["phone_last4"]))


@router.post("/track/rate", response={200: PublicCaseOut, **ERRORS}, auth=None)
def track_rate(request: HttpRequest, payload: RateIn) -> PublicCaseOut:  # type: ignore[valid-type]
    """Rate the reply: satisfaction with the handling unit and with the office."""
    d = _valid(RateForm(data=form_data(payload)), request)
    services.petition_rate(
        code=d["code"],
        phone_last4=d["phone_last4"],
        satisfaction_unit=d["satisfaction_unit"],
        satisfaction_office=d["satisfaction_office"],
        ip=client_ip(request),
    )
    return _case(selectors.public_case(d["code"], d["phone_last4"]))


@router.post("/track/review", response={200: PublicCaseOut, **ERRORS}, auth=None)
def track_review(request: HttpRequest, payload: ReviewIn) -> PublicCaseOut:  # type: ignore[valid-type]
    """Ask for review (复查) of the reply, within the time limit."""
    d = _valid(ReviewForm(data=form_data(payload)), request)
    services.petition_review_request(
        code=d["code"], phone_last4=d["phone_last4"], reason=d["reason"], ip=client_ip(request)
    )
    return _case(selectors.public_case(d["code"], d["phone_last4"]))


def install(api: NinjaAPI) -> None:
    """Answer a request over its rate limit with 429, the error shape and Retry-After."""

    @api.exception_handler(throttle.RateLimited)
    def rate_limited(request: HttpRequest, exc: throttle.RateLimited) -> HttpResponse:
        response = api.create_response(request, error_body(exc), status=exc.status)
        response["Retry-After"] = str(exc.retry_after)
        return response
