"""The KPIs as SQL: each rule of kpis.py as filters over the petition columns.

`kpi_rules` defines, once, the filter of each figure's denominator and numerator (the
numerator always narrows the denominator). `figures.kpi_figures` counts every figure of
a unit and period in four aggregate queries (conditional COUNT/SUM), one per date column
the periods bound; `kpi_q` selects the cases behind a figure with the very same filter,
so a list always matches its number.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.assessment import kpis
from xinfang.assessment.kpis import Period
from xinfang.common.dates import LocalDate
from xinfang.common.errors import NotFound, ValidationFailed
from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions import access, limits
from xinfang.petitions.models import Channel, Petition, Satisfaction, TimeLimitRule
from xinfang.petitions.selectors import DUE_SOON_DAYS
from xinfang.petitions.workflow import OPEN_STATUSES, Status

LETTER_CHANNELS = (Channel.LETTER, Channel.ONLINE)  # 网上信访 is counted with letters
VISIT_CHANNELS = (Channel.VISIT, Channel.RECEPTION)  # a reception-day visit is a visit
FROM_ABOVE = (Channel.ASSIGNED, Channel.FORWARDED)
COLLECTIVE_MIN_PEOPLE = 5

# Lists that are not KPIs but that the dashboard links to with the same machinery.
LISTS: Mapping[str, str | Promise] = {
    "registered": gettext_lazy("统计期内登记"),
    "overdue": gettext_lazy("在办超期"),
    "at_risk": gettext_lazy("三日内到期"),
}


@dataclass(frozen=True)
class Rule:
    """A figure's filters: `numerator` narrows `denominator` (None for a count)."""

    numerator: Q
    denominator: Q | None = None
    persons: bool = False  # sum the head counts instead of counting cases


REGISTERED, REPLIED, DUE = "registered", "replied", "due"
ANCHOR_COLUMNS: Mapping[str, str] = {
    REGISTERED: "registered_at",
    REPLIED: "replied_at",
    DUE: "handling_due",
}


@dataclass(frozen=True)
class Part:
    """A count kept per owning unit and anchor day: the cases (or people) `q` selects.

    `q` holds no period and no date of today: the period is a range of anchor days and
    "has passed" a condition on a day (Measure), so a part can be counted once a day
    and summed over any period (models/summary.py).
    """

    anchor: str
    q: Q
    persons: bool = False


@dataclass(frozen=True)
class Measure:
    """One side of a figure: a part over the period's anchor days.

    `shift`: the days are those `shift` days before the period (the follow-up window
    ending in it). `passed`: only the cases whose date has passed today — the routing
    deadline for a registration, the deadline for a due case, the end of the shifted
    window for a reply.
    """

    part: str
    shift: bool = False
    passed: bool = False


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def between(column: str, p: Period) -> Q:
    """Return the filter of an instant column within the period's local days."""
    # Instants, not the column's dates: a function of the column could use no index.
    return Q(
        **{
            f"{column}__gte": _midnight(p.start),
            f"{column}__lt": _midnight(p.end + dt.timedelta(days=1)),
        }
    )


def follow_up_days() -> int:
    """Return the follow-up window (息访观察期) in calendar days."""
    return limits.time_limits()[TimeLimitRule.Key.FOLLOW_UP_WINDOW].days


def _raised_again(window: int) -> Q:
    """Return the filter of cases raised again (a repeat or a merge) within the window."""
    until = ExpressionWrapper(
        OuterRef("replied_at") + dt.timedelta(days=window), output_field=DateTimeField()
    )
    # Two probes, each on its own foreign-key index; one OR across both would read the table.
    repeat = Petition.objects.filter(repeat_of=OuterRef("pk"), registered_at__lte=until)
    merge = Petition.objects.filter(merged_into=OuterRef("pk"), registered_at__lte=until)
    return Q(Exists(repeat)) | Q(Exists(merge))


def parts(window: int) -> dict[str, Part]:
    """Return every part the figures are made of, for a follow-up window of `window` days."""
    one = ~Q(status=Status.MERGED)  # a merged repeat counts once, as its original
    settled = ~_raised_again(window)
    # LocalDate is the `__date` lookup computed natively on SQLite too (common/dates.py).
    on_time = Q(LessThanOrEqual(LocalDate("replied_at"), F("handling_due")))
    # A case in a hearing has no deadline yet, since the pause is added when it ends.
    due = one & Q(paused_since__isnull=True)
    first_due = due & Q(is_first_time=True)
    ratable = one & Q(is_litigation=False)
    rated = ratable & Q(rated_at__isnull=False)
    leader = one & Q(responsible_leader__isnull=False)
    community = one & Q(community__isnull=False)
    no_review = Q(review_requested_at__isnull=True)
    letters = one & Q(channel__in=LETTER_CHANNELS)
    visits = one & Q(channel__in=VISIT_CHANNELS)
    collective = one & Q(channel=Channel.COLLECTIVE_VISIT)
    return {
        "registered": Part(REGISTERED, one),
        "registered_all": Part(REGISTERED, Q()),
        "repeats": Part(REGISTERED, Q(is_first_time=False)),
        "letters": Part(REGISTERED, letters),
        "letters_persons": Part(REGISTERED, letters, persons=True),
        "visits": Part(REGISTERED, visits),
        "visits_persons": Part(REGISTERED, visits, persons=True),
        "collective_visits": Part(REGISTERED, collective),
        "collective_visits_persons": Part(REGISTERED, collective, persons=True),
        "skip_level": Part(
            REGISTERED,
            one & Q(channel__in=FROM_ABOVE, head_count__gte=COLLECTIVE_MIN_PEOPLE),
        ),
        "routed_in_time": Part(
            REGISTERED, one & Q(LessThanOrEqual(LocalDate("routed_at"), F("route_due")))
        ),
        "replied": Part(REPLIED, one),
        "street_local": Part(REPLIED, one & ~Q(channel__in=FROM_ABOVE) & no_review),
        "ratable": Part(REPLIED, ratable),
        "rated": Part(REPLIED, rated),
        "satisfied": Part(
            REPLIED,
            rated & Q(satisfaction_unit__in=(Satisfaction.SATISFIED, Satisfaction.BASICALLY)),
        ),
        "leader": Part(REPLIED, leader),
        "leader_solved": Part(REPLIED, leader & Q(solved=True)),
        "community": Part(REPLIED, community),
        "community_local": Part(
            REPLIED, community & Q(handling_unit_id=F("community_id")) & no_review
        ),
        "settled": Part(REPLIED, one & settled & no_review),
        "due": Part(DUE, due),
        "due_on_time": Part(DUE, due & on_time),
        "first_due": Part(DUE, first_due),
        "first_settled_on_time": Part(DUE, first_due & on_time & settled),
    }


# Each figure counted from the parts: its numerator and denominator (None for a count).
MEASURES: Mapping[str, tuple[Measure, Measure | None]] = {
    "first_time_rate": (
        Measure("first_settled_on_time", passed=True),
        Measure("first_due", passed=True),
    ),
    "settled_rate": (
        Measure("settled", shift=True, passed=True),
        Measure("replied", shift=True, passed=True),
    ),
    "satisfaction_rate": (Measure("satisfied"), Measure("rated")),
    "letters": (Measure("letters"), None),
    "letters_persons": (Measure("letters_persons"), None),
    "visits": (Measure("visits"), None),
    "visits_persons": (Measure("visits_persons"), None),
    "collective_visits": (Measure("collective_visits"), None),
    "collective_visits_persons": (Measure("collective_visits_persons"), None),
    "skip_level_collective": (Measure("skip_level"), None),
    "on_time_rate": (Measure("due_on_time", passed=True), Measure("due", passed=True)),
    "timely_acceptance_rate": (
        Measure("routed_in_time", passed=True),
        Measure("registered", passed=True),
    ),
    "rating_rate": (Measure("rated"), Measure("ratable")),
    "repeat_rate": (Measure("repeats"), Measure("registered_all")),
    "leader_case_rate": (Measure("leader_solved"), Measure("leader")),
    "community_locality_rate": (Measure("community_local"), Measure("community")),
    "street_locality_rate": (Measure("street_local"), Measure("replied")),
    "registered": (Measure("registered"), None),
}


def anchor_days(m: Measure, p: Period, window: int) -> Period:
    """Return the anchor days a measure of period `p` sums."""
    if not m.shift:
        return p
    return Period(p.start - dt.timedelta(window), p.end - dt.timedelta(window))


def passed_before(m: Measure, today: dt.date, window: int) -> dt.date | None:
    """Return the day before which a measure's date must lie, or None if it has no such rule."""
    if not m.passed:
        return None
    return today - dt.timedelta(window) if m.shift else today


def _measure_q(
    m: Measure, all_parts: Mapping[str, Part], p: Period, today: dt.date, window: int
) -> Q:
    """Return the filter of the cases a measure counts: the part in its days, passed."""
    part = all_parts[m.part]
    days = anchor_days(m, p, window)
    column = ANCHOR_COLUMNS[part.anchor]
    q = part.q & (
        Q(handling_due__gte=days.start, handling_due__lte=days.end)
        if part.anchor == DUE
        else between(column, days)
    )
    before = passed_before(m, today, window)
    if before is None:
        return q
    if part.anchor == REGISTERED:
        return q & Q(route_due__lt=before)
    if part.anchor == DUE:
        return q & Q(handling_due__lt=before)
    return q & Q(replied_at__lt=_midnight(before))


def kpi_rules(p: Period, today: dt.date, window: int) -> dict[str, Rule]:
    """Return the filters of every figure and list for period `p`, as of `today`."""
    all_parts = parts(window)
    rules = {
        key: Rule(
            _measure_q(n, all_parts, p, today, window),
            None if d is None else _measure_q(d, all_parts, p, today, window),
            persons=all_parts[n.part].persons,
        )
        for key, (n, d) in MEASURES.items()
    }
    return rules | open_rules(today)


def open_rules(today: dt.date) -> dict[str, Rule]:
    """Return the lists of open cases by their current deadline: overdue, due within days."""
    open_ = Q(status__in=OPEN_STATUSES)
    return {
        "overdue": Rule(open_ & Q(due_date__lt=today)),
        "at_risk": Rule(
            open_ & Q(due_date__gte=today, due_date__lte=today + dt.timedelta(DUE_SOON_DAYS))
        ),
    }


def open_span(today: dt.date) -> Q:
    """Return the open cases either list may hold: a range of the (status, deadline) index."""
    return Q(status__in=OPEN_STATUSES, due_date__lte=today + dt.timedelta(DUE_SOON_DAYS))


# ---------------------------------------------------------------- units


def kpi_unit(user: Any, unit_id: int | None) -> Unit:
    """Return the unit a figure is asked for: the user's own by default, within their scope."""
    if unit_id is None:
        if user.unit_id is None:
            raise NotFound(_("您没有所属单位，无法统计。"))
        unit: Unit = user.unit
        return unit
    found = units_visible_to(user).filter(pk=unit_id).first()
    if found is None:
        raise NotFound(_("单位不存在或不在您的管辖范围内。"))
    return found


def unit_residents(unit: Unit) -> int | None:
    """Return the unit's population, or the sum of its communities' when it has none."""
    if unit.residents:
        return unit.residents
    total = Unit.objects.filter(path__startswith=unit.path, kind=Unit.Kind.COMMUNITY).aggregate(
        n=Sum("residents")
    )["n"]
    return int(total) if total else None


# ---------------------------------------------------------------- the cases behind a figure


def case_keys() -> list[str]:
    """Return the keys whose cases can be listed: every case KPI and the dashboard's lists."""
    return [s.key for s in kpis.KPIS if s.key != "major_incidents"] + list(LISTS)


def kpi_q(key: str, part: str, unit: Unit, p: Period, today: dt.date) -> Q:
    """Return the filter of the cases behind `part` of figure `key` (the one its count uses)."""
    if key not in case_keys():
        raise ValidationFailed(_("未知的统计指标：%(k)s。") % {"k": key}, field="kpi")
    if part not in kpis.PARTS:
        raise ValidationFailed(_("part 须为 numerator 或 denominator。"), field="part")
    rule = kpi_rules(p, today, follow_up_days())[key]
    # A count has no denominator: both parts list the cases it counts.
    if part == "denominator" and rule.denominator is not None:
        return access.unit_q(unit) & rule.denominator
    return access.unit_q(unit) & rule.numerator


def kpi_filter(
    user: Any,
    qs: QuerySet[Petition],
    *,
    key: str,
    part: str,
    unit_id: int | None,
    start: dt.date | None,
    end: dt.date | None,
    today: dt.date,
) -> QuerySet[Petition]:
    """Narrow a petition list to the cases behind a figure (the petition list's kpi= filter)."""
    if not key:
        return qs
    period = kpi_period(start, end, today)
    return qs.filter(kpi_q(key, part, kpi_unit(user, unit_id), period, today))


def kpi_period(start: dt.date | None, end: dt.date | None, today: dt.date) -> Period:
    """Return the period asked for; the month of `today` when no bounds are given."""
    if start is None and end is None:
        return kpis.month_of(today)
    if start is None or end is None:
        raise ValidationFailed(_("请同时给出统计起止日期。"), field="start")
    if end < start:
        raise ValidationFailed(_("统计截止日期不能早于起始日期。"), field="end")
    return Period(start, end)
