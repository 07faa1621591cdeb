"""Reads of the reception days, already limited to what the user may see, and who may do what.

Staff see the days owned within their unit's subtree, as they see cases
(petitions.access.unit_q); the public sees published, scheduled days from today on.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.accounts.models import User
from xinfang.common.errors import NotFound
from xinfang.petitions import access
from xinfang.petitions.workflow import CASE_LEADER_ROLES
from xinfang.reception.models import Appointment, ReceptionDay, ReceptionRecord, ReceptionSlot

# The roles that read the schedule, the check-in lists and the statistics.
READER_ROLES = frozenset({"registrar", "unit_leader", "leading_group", "auditor", "admin"})

Status = ReceptionDay.Status


def may_manage(user: Any) -> bool:
    """Return whether `user` schedules days, books for people and checks them in: the office."""
    return bool(user.is_authenticated and not user.is_read_only and access.may_register(user))


def may_read(user: Any) -> bool:
    """Return whether `user` opens the reception pages (the menu's rule and the views')."""
    return bool(user.is_authenticated and user.role in READER_ROLES)


def may_record(user: Any, day: ReceptionDay) -> bool:
    """Return whether `user` writes the day's reception records: its leader or the office."""
    return access.may_record_reception(user, day.leader_id)


def days_for_user(user: Any) -> QuerySet[ReceptionDay]:
    """Return the days `user` may see: owned within their unit's subtree."""
    if not may_read(user):
        return ReceptionDay.objects.none()
    return ReceptionDay.objects.filter(access.unit_q(user.unit)).select_related(
        "leader", "owner_unit"
    )


def day_list(user: Any) -> QuerySet[ReceptionDay]:
    """Return the user's days, newest first, with their booked and checked-in counts."""
    return days_for_user(user).annotate(
        live=Count("appointments", filter=~Q(appointments__status=Appointment.Status.CANCELLED)),
        came=Count("appointments", filter=Q(appointments__status=Appointment.Status.CHECKED_IN)),
    )


def day_get(user: Any, pk: int) -> ReceptionDay:
    """Return the day `pk` if `user` may see it; NotFound alike for missing and foreign."""
    day = days_for_user(user).filter(pk=pk).first()
    if day is None:
        raise NotFound(_("接访日不存在。"))
    return day


def day_appointments(day: ReceptionDay) -> QuerySet[Appointment]:
    """Return the day's bookings and walk-ins, cancelled last, for the check-in list."""
    return day.appointments.select_related("slot").order_by("slot__start", "created_at")


def day_records(day: ReceptionDay) -> QuerySet[ReceptionRecord]:
    return day.records.select_related("petition", "created_by")


def leader_choices(user: Any) -> QuerySet[User]:
    """Return the leaders `user` may schedule: of their own unit and the units above it.

    A reception's case is registered at the office that published the day, and a leader
    takes charge only of cases of their unit or below: a community's leader, scheduled
    at the street, could receive people but never own what they raise.
    """
    unit = user.unit if user.is_authenticated else None
    if unit is None:
        return User.objects.none()
    above = [int(pk) for pk in unit.path.strip("/").split("/")]
    return User.objects.filter(
        role__in=CASE_LEADER_ROLES, unit_id__in=above, is_active=True
    ).order_by("unit_id", "username")


# ---------------------------------------------------------------- the public


def public_days(today: dt.date) -> QuerySet[ReceptionDay]:
    """Return the published, scheduled days from `today` on, with their slots."""
    return (
        ReceptionDay.objects.filter(is_published=True, status=Status.SCHEDULED, date__gte=today)
        .select_related("leader")
        .prefetch_related(Prefetch("slots", queryset=ReceptionSlot.objects.order_by("start")))
        .order_by("date")
    )


def public_slot(slot_id: int, today: dt.date) -> ReceptionSlot:
    """Return a slot of a published future day; NotFound for any other."""
    slot = (
        ReceptionSlot.objects.select_related("day", "day__leader")
        .filter(
            pk=slot_id,
            day__is_published=True,
            day__status=Status.SCHEDULED,
            day__date__gte=today,
        )
        .first()
    )
    if slot is None:
        raise NotFound(_("该接访时段不存在或已不能预约。"))
    return slot


def phone_appointments(phone: str, today: dt.date) -> QuerySet[Appointment]:
    """Return the live bookings made with `phone` for days from `today` on."""
    return (
        Appointment.objects.filter(
            phone=phone, status=Appointment.Status.BOOKED, day__date__gte=today
        )
        .select_related("day", "day__leader", "slot")
        .order_by("day__date", "slot__start")
    )


# ---------------------------------------------------------------- statistics


@dataclass(frozen=True)
class LeaderFigures:
    leader_id: int
    leader: str
    days: int
    people: int
    created: int
    solved: int


def leader_statistics(user: Any, start: dt.date, end: dt.date) -> list[LeaderFigures]:
    """Return per leader the days held, people received, cases created and solved, in one query."""
    held = Q(status=Status.SCHEDULED, date__gte=start, date__lte=end)
    rows = (
        days_for_user(user)
        .filter(held)
        .values("leader_id", "leader__full_name", "leader__username")
        .annotate(
            days=Count("pk", distinct=True),
            people=Count(
                "appointments",
                filter=Q(appointments__status=Appointment.Status.CHECKED_IN),
                distinct=True,
            ),
            created=Count("records__petition", filter=Q(records__created_case=True), distinct=True),
            solved=Count(
                "records__petition", filter=Q(records__petition__solved=True), distinct=True
            ),
        )
        .order_by("-days", "leader_id")
    )
    return [
        LeaderFigures(
            r["leader_id"],
            r["leader__full_name"] or r["leader__username"],
            r["days"],
            r["people"],
            r["created"],
            r["solved"],
        )
        for r in rows
    ]
