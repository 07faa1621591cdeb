"""The KPIs month by month (the dashboard's trend) and the period's registrations broken down."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from xinfang.assessment import kpis
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import DueDay, RegisteredDay, RegisteredSlice
from xinfang.assessment.selectors.figures import measure_filter, rows_of
from xinfang.assessment.selectors.rules import DUE, MEASURES, follow_up_days
from xinfang.assessment.services import summary
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_scope
from xinfang.petitions.models import Category, Channel


@dataclass(frozen=True)
class TrendMonth:
    period: Period
    letters: int
    visits: int
    collective_visits: int
    on_time_num: int
    on_time_den: int

    @property
    def on_time_rate(self) -> float | None:
        return kpis.rate(self.on_time_num, self.on_time_den)


def kpi_trend(unit: Unit, end: dt.date, today: dt.date, months: int = 12) -> list[TrendMonth]:
    """Return the three reductions and the on-time rate month by month, in two queries.

    Each month is summed with that month's own measures (conditional sums side by side),
    so a bar is exactly the figure, and the list, of its month.
    """
    summary.bring_up_to_date()
    window = follow_up_days()
    periods = kpis.months_until(end, months)
    span = Period(periods[0].start, periods[-1].end)
    rows = rows_of(unit_scope(unit).ids) & Q(day__gte=span.start, day__lte=span.end)
    counts = ("letters", "visits", "collective_visits")
    registered = RegisteredDay.objects.filter(rows).aggregate(
        **{
            f"{key}_{i}": Sum(key, filter=Q(day__gte=m.start, day__lte=m.end), default=0)
            for i, m in enumerate(periods)
            for key in counts
        }
    )
    on_time = dict(zip(("numerator", "denominator"), MEASURES["on_time_rate"], strict=True))
    due = DueDay.objects.filter(rows).aggregate(
        **{
            f"{side}_{i}": Sum(
                measure.part, filter=measure_filter(measure, DUE, m, today, window), default=0
            )
            for i, m in enumerate(periods)
            for side, measure in on_time.items()
            if measure is not None
        }
    )
    return [
        TrendMonth(
            m,
            registered[f"letters_{i}"],
            registered[f"visits_{i}"],
            registered[f"collective_visits_{i}"],
            due[f"numerator_{i}"],
            due[f"denominator_{i}"],
        )
        for i, m in enumerate(periods)
    ]


@dataclass(frozen=True)
class Slice:
    """One segment of a breakdown and the extra filter that lists its cases."""

    label: str
    count: int
    param: str  # the query parameter that lists the segment: channel, category, unit…
    value: int | str | None


def breakdowns(unit: Unit, p: Period, today: dt.date) -> dict[str, list[Slice]]:
    """Return the period's registered cases by channel, category, unit and community.

    One pass over the period's rows of the summary, grouped by all four columns at once (a
    few hundred groups); only the units and categories those groups name are read to
    label them.
    """
    summary.bring_up_to_date()
    groups = list(
        RegisteredSlice.objects.filter(
            rows_of(unit_scope(unit).ids), day__gte=p.start, day__lte=p.end
        )
        .order_by()
        .values_list("channel", "category_id", "community_id", "unit_id")
        .annotate(n=Sum("n"))
    )
    named = {pk for g in groups for pk in (g[2], g[3]) if pk is not None}
    units = {
        pk: (name, path, parent)
        for pk, name, path, parent in Unit.objects.filter(
            Q(pk__in=named) | Q(parent=unit)
        ).values_list("pk", "name", "path", "parent_id")
    }
    # A case's category counts for its first-level category (the search filter matches both).
    tops = {
        pk: (parent or pk, parent_name or name)
        for pk, parent, parent_name, name in Category.objects.filter(
            pk__in={g[1] for g in groups if g[1] is not None}
        ).values_list("pk", "parent_id", "parent__name", "name")
    }
    # Each owning unit counts for the child of `unit` it lies under, or for `unit` itself.
    children = [(pk, path) for pk, (_n, path, parent) in units.items() if parent == unit.pk]

    def child_of(owner: int) -> int:
        path = units[owner][1] if owner in units else ""
        return next((pk for pk, p in children if path.startswith(p)), unit.pk)

    tallies: dict[str, dict[Any, int]] = {
        k: {} for k in ("channel", "category", "community", "unit")
    }
    for channel, category, community, owner, n in groups:
        keys = {
            "channel": channel,
            "category": tops[category][0] if category in tops else None,
            "community": community,
            "unit": child_of(owner),
        }
        for name, key in keys.items():
            tallies[name][key] = tallies[name].get(key, 0) + n
    channels = dict(Channel.choices)
    category_names = dict(tops.values())

    def unit_name(pk: int | None, missing: str) -> str:
        return units[pk][0] if pk in units else missing

    own = _("%(u)s本级") % {"u": unit.name}
    slices = {
        "channel": [
            Slice(str(channels.get(k, k)), n, "channel", k) for k, n in tallies["channel"].items()
        ],
        "category": [
            Slice(category_names.get(k, _("未分类")), n, "category", k)
            for k, n in tallies["category"].items()
        ],
        "community": [
            Slice(unit_name(k, _("未注明社区")), n, "community", k)
            for k, n in tallies["community"].items()
        ],
        # The unit's own share lists the cases it owns itself, not its whole subtree.
        "unit": [
            Slice(
                own if k == unit.pk else unit_name(k, ""), n, "owner" if k == unit.pk else "unit", k
            )
            for k, n in tallies["unit"].items()
        ],
    }
    return {name: sorted(rows, key=lambda s: (-s.count, s.label)) for name, rows in slices.items()}
