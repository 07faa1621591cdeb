"""The portal's reception-day pages: the published days, booking a place, one's bookings.

Booking asks for the phone's one-time code (the portal's, portal.services) and is
rate-limited at the portal's own doors (portal.throttle: "otp" for codes, "submit" for
what spends one). One's bookings are shown only once the phone is proved by a code; the
proof is kept in the session for PROOF_MINUTES, so that moving or cancelling needs no
second code. Nothing here says whether a phone has bookings before it is proved.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError, NotFound
from xinfang.portal import booking, services, throttle
from xinfang.portal.booking_forms import BookingForm, ChangeForm, MineForm
from xinfang.portal.forms import OtpForm
from xinfang.portal.views import _limited, _refuse
from xinfang.reception import selectors as reception
from xinfang.reception import services as reception_services

PROOF_KEY = "portal.reception.phone"
PROOF_MINUTES = 30


def days(request: HttpRequest) -> HttpResponse:
    """List the published reception days from today on, with the places left."""
    return render(
        request, "portal/booking_days.html", {"days": reception.public_days(clock.today())}
    )


def _slot(slot_id: Any) -> Any:
    try:
        return reception.public_slot(int(slot_id), clock.today())
    except (NotFound, TypeError, ValueError):
        return None


def _book_page(
    request: HttpRequest, form: BookingForm, slot: Any, *, sent: bool = False, status: int = 200,
    phone_errors: list[str] | None = None,
) -> HttpResponse:  # fmt: skip
    context = {"form": form, "slot": slot, "sent": sent, "phone_errors": phone_errors or []}
    return render(request, "portal/booking_form.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """Book a place in the slot `?slot=` names, the phone proved by its one-time code."""
    if request.method != "POST":
        slot = _slot(request.GET.get("slot"))
        form = BookingForm(initial={"slot": slot.pk if slot else ""})
        return _book_page(request, form, slot, status=200 if slot else 404)
    form = BookingForm(request.POST)
    slot = _slot(request.POST.get("slot"))
    try:
        valid = form.is_valid()
        throttle.check(request, "submit", phone=form.cleaned_data.get("phone", ""))
        if valid and slot is not None:
            appointment = booking.reception_book(
                slot_id=slot.pk,
                person=form.person(),
                otp=form.cleaned_data["otp"],
                ip=client_ip(request),
            )
            _prove(request, appointment.phone)
            return render(request, "portal/booking_done.html", {"appointment": appointment})
    except throttle.RateLimited as exc:
        return _limited(request, exc)
    except DomainError as exc:
        _refuse(form, exc)
    if slot is None:
        form.add_error(None, _("该接访时段不存在或已不能预约。"))
    return _book_page(request, form, slot, status=400)


@never_cache
@require_POST
def otp(request: HttpRequest) -> HttpResponse:
    """Send a one-time code to the phone typed, and show the booking or lookup form again."""
    check = OtpForm(request.POST)
    mine = request.POST.get("then") == "mine"
    try:
        valid = check.is_valid()
        throttle.check(request, "otp", phone=check.cleaned_data.get("phone", ""))
        if valid:
            services.otp_issue(phone=check.cleaned_data["phone"])
    except throttle.RateLimited as exc:
        return _limited(request, exc)
    errors = [] if valid else [str(e) for e in check.errors.get("phone", [])]
    status = 200 if valid else 400
    if mine:
        form = MineForm(initial=request.POST.dict())
        return _mine_page(request, form, sent=valid, phone_errors=errors, status=status)
    booked = BookingForm(initial=request.POST.dict())
    slot = _slot(request.POST.get("slot"))
    return _book_page(request, booked, slot, sent=valid, phone_errors=errors, status=status)


# ---------------------------------------------------------------- one's bookings


def _prove(request: HttpRequest, phone: str) -> None:
    until = clock.now() + dt.timedelta(minutes=PROOF_MINUTES)
    request.session[PROOF_KEY] = {"phone": phone, "until": until.isoformat()}


def _proved(request: HttpRequest) -> str | None:
    """Return the phone proved in this session, while the proof lasts."""
    proof = request.session.get(PROOF_KEY)
    if not proof or dt.datetime.fromisoformat(proof["until"]) <= clock.now():
        return None
    return str(proof["phone"])


def _mine_page(
    request: HttpRequest, form: MineForm | None = None, *, sent: bool = False,
    phone_errors: list[str] | None = None, message: str = "", status: int = 200,
) -> HttpResponse:  # fmt: skip
    phone = _proved(request)
    today = clock.today()
    context: dict[str, Any] = {
        "form": form or MineForm(),
        "sent": sent,
        "phone_errors": phone_errors or [],
        "message": message,
        "phone": phone,
        "appointments": list(reception.phone_appointments(phone, today)) if phone else [],
        "days": list(reception.public_days(today)) if phone else [],
    }
    return render(request, "portal/booking_mine.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """Show one's bookings, once the phone is proved by its one-time code."""
    if request.method != "POST":
        return _mine_page(request)
    form = MineForm(request.POST)
    try:
        valid = form.is_valid()
        throttle.check(request, "submit", phone=form.cleaned_data.get("phone", ""))
        if valid:
            services.otp_verify(phone=form.cleaned_data["phone"], code=form.cleaned_data["otp"])
            _prove(request, form.cleaned_data["phone"])
            return redirect("portal:reception_mine")
    except throttle.RateLimited as exc:
        return _limited(request, exc)
    except DomainError as exc:
        _refuse(form, exc)
    return _mine_page(request, form, status=400)


@never_cache
@require_POST
def change(request: HttpRequest) -> HttpResponse:
    """Move one's booking to the slot posted, or cancel it when none is."""
    phone = _proved(request)
    form = ChangeForm(request.POST)
    if phone is None or not form.is_valid():
        message = _("请先用短信验证码验证手机号。") if phone is None else _("请选择要更改的预约。")
        return _mine_page(request, message=message, status=400)
    d = form.cleaned_data
    try:
        if d["slot"]:
            booking.reception_move(
                appointment_id=d["appointment"],
                phone=phone,
                slot_id=d["slot"],
                ip=client_ip(request),
            )
            done = _("已改约，新的预约信息已短信发送给您。")
        else:
            reception_services.appointment_cancel_public(
                appointment_id=d["appointment"], phone=phone, ip=client_ip(request)
            )
            done = _("已取消预约。")
    except reception_services.BookedUnderAnotherPhone as exc:
        # The try spent the proof: the next needs a code of its own (booking).
        request.session.pop(PROOF_KEY, None)
        return _mine_page(request, message=exc.message, status=400)
    except DomainError as exc:
        return _mine_page(request, message=exc.message, status=400)
    return _mine_page(request, message=done)
