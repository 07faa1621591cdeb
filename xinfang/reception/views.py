"""The staff pages of reception days: the schedule, a day's check-in list, records, figures.

Views validate input, call one service or selector and render; a step refused on a day
comes back to the day's page as a message, never half done. A day outside the user's
subtree answers 404, as one that does not exist.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError, ValidationFailed
from xinfang.common.http import or_404
from xinfang.petitions.access import sees_personal_data
from xinfang.reception import selectors, services
from xinfang.reception.forms import (
    BookForm,
    CancelForm,
    DayForm,
    MarkForm,
    MoveForm,
    PersonForm,
    RecordForm,
    StatsForm,
    slots_text,
)
from xinfang.reception.models import Appointment, ReceptionDay


def _refuse(form: forms.BaseForm, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _reader(request: AuthenticatedHttpRequest) -> None:
    if not selectors.may_read(request.user):
        raise Http404(_("页面不存在。"))


def _manager(request: AuthenticatedHttpRequest) -> None:
    if not selectors.may_manage(request.user):
        raise Http404(_("页面不存在。"))


def _day(request: AuthenticatedHttpRequest, pk: int) -> ReceptionDay:
    return or_404(selectors.day_get, request.user, pk)


@login_required
def day_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the reception days of the user's unit and the units below it."""
    _reader(request)
    days = selectors.day_list(request.user)[:200]
    return render(
        request,
        "reception/day_list.html",
        {"days": days, "may_manage": selectors.may_manage(request.user), "today": clock.today()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def day_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Schedule a leader's reception day with its slots."""
    _manager(request)
    form = DayForm(request.POST or None, leaders=selectors.leader_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            day = services.reception_day_create(
                actor=request.user, data=form.day(), ip=client_ip(request)
            )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(request, _("已安排接访日，发布后群众即可在网上预约。"))
            return redirect(day)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reception/day_form.html",
        {"form": form, "title": _("安排领导接访日")},
        status=status,
    )


@login_required
def day_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a day: its slots, the check-in list, the forms of the office and the records."""
    _reader(request)
    day = _day(request, pk)
    return _detail_page(request, day)


def _detail_page(
    request: AuthenticatedHttpRequest, day: ReceptionDay, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    slots = day.slots.order_by("start")
    appointments = list(selectors.day_appointments(day))
    manage = selectors.may_manage(request.user) and not day.is_cancelled
    context = {
        "day": day,
        "slots": slots,
        "appointments": appointments,
        "records": selectors.day_records(day),
        "may_manage": manage,
        "may_record": selectors.may_record(request.user, day) and not day.is_cancelled,
        "is_today": day.date <= clock.today(),
        "book_form": forms_.get("book_form") or BookForm(slots=slots),
        "walk_in_form": forms_.get("walk_in_form") or PersonForm(prefix="walk"),
        "cancel_form": CancelForm(),
        "statuses": Appointment.Status,
        "personal": sees_personal_data(request.user),
    }
    return render(request, "reception/day_detail.html", context, status=status)


def _day_step(
    take: Callable[[AuthenticatedHttpRequest, ReceptionDay], str],
) -> Callable[..., HttpResponse]:
    """Make the view of one office step on a day: done or refused, back to the day's page."""

    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        _manager(request)
        day = _day(request, pk)
        try:
            done = take(request, day)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
        return redirect(day)

    view.__doc__ = take.__doc__
    return view


def _publish(request: AuthenticatedHttpRequest, day: ReceptionDay) -> str:
    """Publish the day on the portal."""
    services.reception_day_publish(actor=request.user, day_id=day.pk, ip=client_ip(request))
    return _("已发布，群众可在网上信访平台预约。")


def _cancel(request: AuthenticatedHttpRequest, day: ReceptionDay) -> str:
    """Cancel the day and tell everyone booked."""
    form = CancelForm(request.POST)
    if not form.is_valid():
        raise _refusal(form)
    services.reception_day_cancel(
        actor=request.user, day_id=day.pk, reason=form.cleaned_data["reason"], ip=client_ip(request)
    )
    return _("已取消该接访日，并已短信告知已预约的群众。")


def _book(request: AuthenticatedHttpRequest, day: ReceptionDay) -> str:
    """Book a place for a person at the registrar's desk or on the phone."""
    form = BookForm(request.POST, slots=day.slots.all())
    if not form.is_valid():
        raise _refusal(form)
    booked = services.appointment_book(
        actor=request.user,
        slot_id=form.cleaned_data["slot"].pk,
        person=form.person(),
        ip=client_ip(request),
    )
    return _("已为%(name)s预约%(slot)s。") % {"name": booked.name, "slot": booked.slot}


def _mark(request: AuthenticatedHttpRequest, day: ReceptionDay) -> str:
    """Check a booked person in, or mark them as not come."""
    form = MarkForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("请选择要签到的预约。"))
    marked = services.appointment_mark(
        actor=request.user,
        day_id=day.pk,
        appointment_id=form.cleaned_data["appointment"],
        status=form.cleaned_data["status"],
        ip=client_ip(request),
    )
    return _("%(name)s：%(status)s。") % {
        "name": marked.name,
        "status": marked.get_status_display(),
    }


def _walk_in(request: AuthenticatedHttpRequest, day: ReceptionDay) -> str:
    """Add a person who came without booking, checked in."""
    form = PersonForm(request.POST, prefix="walk")
    if not form.is_valid():
        raise _refusal(form)
    added = services.appointment_walk_in(
        actor=request.user, day_id=day.pk, person=form.person(), ip=client_ip(request)
    )
    return _("已登记现场来访的%(name)s并签到。") % {"name": added.name}


def _refusal(form: forms.BaseForm) -> ValidationFailed:
    """Return a refused form's first error, named by its field, for the day's page."""
    name, errors = next(iter(form.errors.items()))
    label = form.fields[name].label if name in form.fields else ""
    return ValidationFailed(f"{label}：{errors[0]}" if label else str(errors[0]))


day_publish = _day_step(_publish)
day_cancel = _day_step(_cancel)
day_book = _day_step(_book)
day_mark = _day_step(_mark)
day_walk_in = _day_step(_walk_in)


@login_required
@require_http_methods(["GET", "POST"])
def day_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move a day to another date and times; everyone booked is told by SMS."""
    _manager(request)
    day = _day(request, pk)
    initial = {
        "date": day.date,
        "place": day.place,
        "slots": slots_text(day.slots.order_by("start")),
    }
    form = MoveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reception_day_move(
                actor=request.user,
                day_id=day.pk,
                date=form.cleaned_data["date"],
                slots=form.cleaned_data["slots"],
                place=form.cleaned_data["place"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(request, _("已调整接访日，并已短信告知已预约的群众。"))
            return redirect(day)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reception/day_form.html",
        {"form": form, "day": day, "title": _("调整接访日")},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Write the leader's record of one person received: a new case, or an existing one joined."""
    _reader(request)
    day = _day(request, pk)
    if not selectors.may_record(request.user, day):
        raise Http404(_("页面不存在。"))
    people = day.appointments.filter(status=Appointment.Status.CHECKED_IN)
    form = RecordForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            record = services.reception_record_create(
                actor=request.user,
                day_id=day.pk,
                appointment_id=d["appointment"].pk,
                request=d["request"],
                decision=d["decision"],
                title=d["title"] if d["outcome"] == "new" else "",
                join_petition_id=d["number"] if d["outcome"] == "join" else None,
                ip=client_ip(request),
            )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(
                request,
                _("已记录，信访事项%(number)s由%(leader)s包案。")
                % {"number": record.petition.number, "leader": day.leader},
            )
            return redirect(day)
    status = 400 if request.method == "POST" else 200
    return render(request, "reception/record_form.html", {"form": form, "day": day}, status=status)


@login_required
def statistics(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show per leader the days held, people received, cases created and solved in a period."""
    _reader(request)
    today = clock.today()
    form = StatsForm(request.GET or {"start": today.replace(month=1, day=1), "end": today})
    rows: list[selectors.LeaderFigures] = []
    if form.is_valid():
        start: dt.date = form.cleaned_data["start"]
        end: dt.date = form.cleaned_data["end"]
        rows = selectors.leader_statistics(request.user, start, end)
    status = 200 if form.is_valid() else 400
    return render(request, "reception/statistics.html", {"form": form, "rows": rows}, status=status)
