"""Reads of publicity events, trainings, conduct records and legal-channel guidance,
each already limited to what the user may see.

Events and trainings are scoped by their owner unit exactly as cases are
(access.unit_q). Conduct records are read through the case (access.access_petition) and
only where the reader may know who petitioned (access.can_see_identity): a record of
what a petitioner did names them to the accused unit as surely as their name would.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from xinfang.accounts.models import User
from xinfang.common.errors import NotFound
from xinfang.organization.selectors import units_visible_to
from xinfang.outreach.models import (
    Attendance,
    ChannelGuidance,
    ConductRecord,
    EventPhoto,
    PublicityEvent,
    Training,
)
from xinfang.petitions import access
from xinfang.petitions.models import Petition


def _scope(user: Any) -> Q:
    return access.unit_q(user.unit if user.is_authenticated else None)


def events_for_user(user: Any) -> QuerySet[PublicityEvent]:
    """Return the publicity events `user` may see: owned within their unit's subtree."""
    return PublicityEvent.objects.filter(_scope(user))


def event_list(user: Any, *, year: int | None = None, form: str = "") -> QuerySet[PublicityEvent]:
    """Return the events `user` may see, newest first, of a year and a form if given."""
    qs = events_for_user(user).select_related("owner_unit").annotate(n_photos=Count("photos"))
    if year:
        qs = qs.filter(held_on__year=year)
    if form:
        qs = qs.filter(form=form)
    return qs.order_by("-held_on", "-pk")


def access_event(user: Any, pk: int) -> PublicityEvent:
    """Return event `pk` if `user` may see it; NotFound otherwise, alike for both."""
    event = events_for_user(user).select_related("owner_unit", "created_by").filter(pk=pk).first()
    if event is None:
        raise NotFound(_("宣传活动不存在或您无权查看。"))
    return event


def access_photo(user: Any, event_pk: int, photo_pk: int) -> EventPhoto:
    """Return a photo of an event `user` may see; NotFound otherwise."""
    photo = EventPhoto.objects.filter(
        pk=photo_pk, event_id=event_pk, event__in=events_for_user(user)
    ).first()
    if photo is None:
        raise NotFound(_("照片不存在或您无权查看。"))
    return photo


def trainings_for_user(user: Any) -> QuerySet[Training]:
    """Return the trainings `user` may see: owned within their unit's subtree."""
    return Training.objects.filter(_scope(user))


def training_list(user: Any, *, year: int | None = None) -> QuerySet[Training]:
    """Return the trainings `user` may see, newest first, with their attendance counts."""
    qs = (
        trainings_for_user(user)
        .select_related("owner_unit")
        .annotate(
            n_called=Count("attendance"),
            n_present=Count("attendance", filter=Q(attendance__present=True)),
        )
    )
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.order_by("-held_on", "-pk")


def access_training(user: Any, pk: int) -> Training:
    """Return training `pk` if `user` may see it; NotFound otherwise, alike for both."""
    training = (
        trainings_for_user(user).select_related("owner_unit", "created_by").filter(pk=pk).first()
    )
    if training is None:
        raise NotFound(_("培训不存在或您无权查看。"))
    return training


def training_attendance(training: Training) -> QuerySet[Attendance]:
    """Return a training's attendance list, by unit and name."""
    return training.attendance.select_related("user__unit").order_by(
        "user__unit__path", "user__username"
    )


def attendee_choices(user: Any) -> QuerySet[User]:
    """Return the people a training of `user` may call: the active users of their units."""
    return (
        User.objects.filter(unit__in=units_visible_to(user), is_active=True)
        .select_related("unit")
        .order_by("unit__path", "username")
    )


# ---------------------------------------------------------------- yearly counts


@dataclass(frozen=True)
class Counts:
    """A unit's publicity and training figures over a period."""

    events: int = 0
    audience: int = 0
    trainings: int = 0
    called: int = 0
    present: int = 0

    @property
    def attendance_rate(self) -> float | None:
        """Return the share of those called who came, None when nobody was called."""
        return self.present / self.called if self.called else None


def period_counts(unit_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, Counts]:
    """Return the figures of each unit of `unit_ids` (its own records) from `start` to `end`.

    Two grouped queries; a unit with nothing recorded gets zeros.
    """
    ids = list(unit_ids)
    events = (
        PublicityEvent.objects.filter(owner_unit_id__in=ids, held_on__range=(start, end))
        .order_by()
        .values_list("owner_unit_id")
        .annotate(n=Count("pk"), people=Sum("audience"))
    )
    trainings = (
        Training.objects.filter(owner_unit_id__in=ids, held_on__range=(start, end))
        .order_by()
        .values_list("owner_unit_id")
        .annotate(
            n=Count("pk", distinct=True),
            called=Count("attendance"),
            present=Count("attendance", filter=Q(attendance__present=True)),
        )
    )
    found: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for unit_id, n, people in events:
        found[unit_id].update(events=n, audience=people or 0)
    for unit_id, n, called, present in trainings:
        found[unit_id].update(trainings=n, called=called, present=present)
    return {pk: Counts(**figures) for pk, figures in found.items()}


def yearly_counts(unit_ids: Iterable[int], year: int) -> dict[int, Counts]:
    """Return the figures of each unit of `unit_ids` (its own records) in `year`."""
    return period_counts(unit_ids, dt.date(year, 1, 1), dt.date(year, 12, 31))


# ---------------------------------------------------------------- conduct


def may_record_conduct(user: Any) -> bool:
    """Return whether `user` records unlawful conduct: the office and the leading group."""
    return not user.is_read_only and access.may_register(user)


def conduct_of(user: Any, petition: Petition) -> list[ConductRecord] | None:
    """Return the conduct records of a case `user` sees; None where they may not know them."""
    if not access.can_see_identity(user, petition):
        return None
    return list(petition.conduct_records.select_related("recorded_by"))


# ---------------------------------------------------------------- legal channels


def channel_guidance(channel: str) -> ChannelGuidance | None:
    """Return the office's guidance for a legal channel, with its page, if written."""
    if not channel:
        return None
    return ChannelGuidance.objects.select_related("page").filter(channel=channel).first()


def guidance_all() -> dict[str, ChannelGuidance]:
    """Return the guidance written so far, by channel."""
    return {g.channel: g for g in ChannelGuidance.objects.select_related("page")}
