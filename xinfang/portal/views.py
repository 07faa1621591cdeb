"""The petitioner's side: submit a petition online, follow it, rate it, ask for review.

Tracking asks for the query code and the last four digits of the phone: a wrong code and
wrong digits get the same answer after the same work (access.access_petition_by_code).
Pages show only public labels and dates (portal.selectors), never internal states, notes,
handlers or the people complained about. Every door is rate-limited (portal.throttle),
and no answer that shows a case or a code is kept by a browser or proxy (never_cache).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.common.audit import audit_record, client_ip
from xinfang.common.errors import DomainError, NotFound
from xinfang.common.http import or_404
from xinfang.petitions import access, limits, notices, tracking
from xinfang.petitions.models import TimeLimitRule
from xinfang.portal import publicity, selectors, services, throttle
from xinfang.portal.forms import (
    OtpForm,
    PageForm,
    RateForm,
    ReviewForm,
    SubmitForm,
    TrackForm,
)
from xinfang.portal.models import PublicityPage

K = TimeLimitRule.Key


def _limited(request: HttpRequest, exc: throttle.RateLimited) -> HttpResponse:
    response = render(request, "portal/limited.html", {"message": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _refuse(form: forms.BaseForm, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _days() -> dict[str, int]:
    in_force = limits.time_limits()
    return {"route_days": in_force[K.ROUTE].days, "handle_days": in_force[K.HANDLE].days}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", _days())


def _submit_page(
    request: HttpRequest, form: SubmitForm, *, sent: bool = False, status: int = 200
) -> HttpResponse:
    context = {"form": form, "sent": sent, **_days()}
    return render(request, "portal/submit.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    street = services.portal_unit()
    if request.method != "POST":
        return _submit_page(request, SubmitForm(street=street))
    form = SubmitForm(request.POST, request.FILES, street=street)
    try:
        valid = form.is_valid()
        throttle.check(request, "submit", phone=form.cleaned_data.get("phone", ""))
        if valid:
            petition = services.online_petition_submit(
                data=form.petition(),
                otp=form.cleaned_data["otp"],
                files=request.FILES.getlist("attachments"),
                ip=client_ip(request),
            )
            return render(
                request,
                "portal/receipt.html",
                {
                    "number": petition.number,
                    "query_code": notices.format_query_code(petition.query_code),
                    "route_due": petition.route_due,
                    "track_url": tracking.tracking_url(petition.query_code, base="/"),
                    **_days(),
                },
            )
    except throttle.RateLimited as exc:
        return _limited(request, exc)
    except DomainError as exc:
        _refuse(form, exc)
    return _submit_page(request, form, status=400)


@never_cache
@require_POST
def otp(request: HttpRequest) -> HttpResponse:
    """Send a one-time code to the phone of the submission form and show the form again."""
    street = services.portal_unit()
    check = OtpForm(request.POST)
    # The rest of what was typed is kept (files cannot be: they are chosen after the code).
    form = SubmitForm(initial=request.POST.dict(), street=street)
    try:
        valid = check.is_valid()
        throttle.check(request, "otp", phone=check.cleaned_data.get("phone", ""))
        if valid:
            services.otp_issue(phone=check.cleaned_data["phone"])
            return _submit_page(request, form, sent=True)
    except throttle.RateLimited as exc:
        return _limited(request, exc)
    form.fields["phone"].widget.attrs["aria-invalid"] = "true"
    errors = [str(e) for e in check.errors.get("phone", [])]
    return render(
        request,
        "portal/submit.html",
        {"form": form, "sent": False, "phone_errors": errors, **_days()},
        status=400,
    )


def _track_page(
    request: HttpRequest,
    form: TrackForm,
    case: selectors.PublicCase | None = None,
    *,
    message: str = "",
    step: TrackForm | None = None,
    status: int = 200,
) -> HttpResponse:
    known = form.cleaned_data if case else None
    context: dict[str, Any] = {
        "form": form,
        "case": case,
        "message": message,
        "rate_form": step if isinstance(step, RateForm) else RateForm(initial=known),
        "review_form": step if isinstance(step, ReviewForm) else ReviewForm(initial=known),
    }
    return render(request, "portal/track.html", context, status=status)


def _find(request: HttpRequest) -> tuple[TrackForm, selectors.PublicCase | None]:
    """Return the posted code and digits and the case they name, after counting the try."""
    form = TrackForm(request.POST)
    valid = form.is_valid()
    throttle.check(request, "track", code=form.cleaned_data.get("code", ""))
    if not valid:
        return form, None
    try:
        case = selectors.public_case(form.cleaned_data["code"], form.cleaned_data["phone_last4"])
    except NotFound as exc:
        form.add_error(None, exc.message)
        return form, None
    return form, case


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # The QR code on paper carries the code; the digits are asked for on the page.
        return _track_page(request, TrackForm(initial={"code": request.GET.get("code", "")}))
    try:
        form, case = _find(request)
    except throttle.RateLimited as exc:
        return _limited(request, exc)
    return _track_page(request, form, case, status=200 if case else 400)


def _step(
    request: HttpRequest,
    step: TrackForm,
    take: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Take the petitioner's step the posted form asks for and show the case again."""
    try:
        form, case = _find(request)
    except throttle.RateLimited as exc:
        return _limited(request, exc)
    if case is None:
        return _track_page(request, form, status=400)
    if not step.is_valid():
        return _track_page(request, form, case, step=step, status=400)
    try:
        take(step.cleaned_data)
    except DomainError as exc:
        return _track_page(request, form, case, message=exc.message, status=400)
    case = selectors.public_case(form.cleaned_data["code"], form.cleaned_data["phone_last4"])
    return _track_page(request, form, case, message=done)


@never_cache
@require_POST
def track_rate(request: HttpRequest) -> HttpResponse:
    def take(d: dict[str, Any]) -> None:
        services.petition_rate(
            code=d["code"],
            phone_last4=d["phone_last4"],
            satisfaction_unit=d["satisfaction_unit"],
            satisfaction_office=d["satisfaction_office"],
            ip=client_ip(request),
        )

    return _step(request, RateForm(request.POST), take, _("感谢您的评价，我们已记录。"))


@never_cache
@require_POST
def track_review(request: HttpRequest) -> HttpResponse:
    def take(d: dict[str, Any]) -> None:
        services.petition_review_request(
            code=d["code"], phone_last4=d["phone_last4"], reason=d["reason"], ip=client_ip(request)
        )

    return _step(
        request,
        ReviewForm(request.POST),
        take,
        _("您的复查申请已提交，复查机关将在规定期限内出具复查意见。"),
    )


@never_cache
@require_POST
def track_notice(request: HttpRequest) -> HttpResponse:
    """Return one of the petitioner's own notices as PDF, by the same code and digits."""
    kind = request.POST.get("kind", "")
    try:
        form, case = _find(request)
    except throttle.RateLimited as exc:
        return _limited(request, exc)
    if case is None:
        # The tracking page's own refusal, alike for a wrong code and wrong digits.
        return _track_page(request, form, status=400)
    petition = access.access_petition_by_code(
        form.cleaned_data["code"], form.cleaned_data["phone_last4"]
    )
    if kind not in notices.available_notices(petition):
        form.add_error(None, _("告知书不存在。"))
        return _track_page(request, form, case, status=404)
    audit_record(
        actor=None,
        kind="download",
        obj=petition,
        summary=f"portal notice:{kind}",
        ip=client_ip(request),
    )
    base = tracking.public_base(request.build_absolute_uri("/"))
    response = HttpResponse(
        notices.render_notice_pdf(petition, kind, base=base), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{petition.number}-{kind}.pdf"'
    return response


# ---------------------------------------------------------------- publicity


def info(request: HttpRequest) -> HttpResponse:
    """List the published publicity pages by section."""
    sections: dict[str, list[PublicityPage]] = {}
    for page in selectors.published_pages():
        sections.setdefault(page.get_kind_display(), []).append(page)
    return render(request, "portal/info.html", {"sections": sections})


def info_page(request: HttpRequest, pk: int) -> HttpResponse:
    page = or_404(selectors.published_page, pk)
    return render(request, "portal/info_page.html", {"page": page})


def _office(request: HttpRequest) -> None:
    if not publicity.may_edit(request.user):
        raise Http404(_("页面不存在。"))


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """List every publicity page, drafts too, for the petition office to edit."""
    _office(request)
    pages = PublicityPage.objects.select_related("updated_by")
    return render(request, "portal/manage.html", {"pages": pages})


@login_required
@require_http_methods(["GET", "POST"])
def manage_edit(request: HttpRequest) -> HttpResponse:
    """Write a new publicity page, or the one `?id=` names, with the rich-text editor."""
    _office(request)
    page = None
    if request.GET.get("id"):
        page = PublicityPage.objects.filter(pk=_int(request.GET["id"])).first()
        if page is None:
            raise Http404(_("页面不存在。"))
    if request.method == "POST":
        form = PageForm(request.POST)
        if form.is_valid():
            try:
                saved = services.publicity_page_save(
                    actor=request.user,
                    page_id=page.pk if page else None,
                    data=form.page(),
                    ip=client_ip(request),
                )
            except DomainError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, _("已保存“%(t)s”。") % {"t": saved.title})
                return redirect("portal:manage")
        status = 400
    else:
        initial = (
            {
                "kind": page.kind,
                "title": page.title,
                "body": page.body,
                "is_published": page.is_published,
                "sort": page.sort,
            }
            if page
            else None
        )
        form, status = PageForm(initial=initial), 200
    return render(request, "portal/manage_edit.html", {"form": form, "page": page}, status=status)


def _int(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 19 else 0
