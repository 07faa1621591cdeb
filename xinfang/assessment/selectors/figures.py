"""The KPI figures of a unit and period: sums of the KPI summary, one query per anchor."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
)

from xinfang.assessment import kpis
from xinfang.assessment.kpis import Kind, KpiSpec, Period
from xinfang.assessment.models import (
    MajorIncident,
)
from xinfang.assessment.models.summary import DAYS
from xinfang.assessment.selectors.rules import (
    LISTS,
    MEASURES,
    REGISTERED,
    Measure,
    anchor_days,
    follow_up_days,
    open_rules,
    open_span,
    parts,
    passed_before,
    unit_residents,
)
from xinfang.assessment.services import summary
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_scope
from xinfang.petitions import access
from xinfang.petitions.models import Petition

# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    spec: KpiSpec
    value: float | int | None
    numerator: int
    denominator: int | None
    previous: int | None = None
    change: float | None = None
    per_10k: float | None = None
    has_cases: bool = True

    @property
    def key(self) -> str:
        return self.spec.key


@dataclass(frozen=True)
class Figures:
    unit: Unit
    period: Period
    figures: list[Figure]
    lists: dict[str, int]

    def __getitem__(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def rows_of(unit_ids: Sequence[int] | None) -> Q:
    """Return the filter of the summary rows of the given owning units (None: all)."""
    return Q() if unit_ids is None else Q(unit_id__in=unit_ids)


def measure_filter(m: Measure, anchor: str, p: Period, today: dt.date, window: int) -> Q:
    """Return the filter of the summary rows a measure of period `p` sums: rules._measure_q's."""
    days = anchor_days(m, p, window)
    q = Q(day__gte=days.start, day__lte=days.end)
    before = passed_before(m, today, window)
    if before is None:
        return q
    return q & (Q(route_due__lt=before) if anchor == REGISTERED else Q(day__lt=before))


def _sums(p: Period, today: dt.date, window: int) -> dict[str, tuple[Period, dict[str, Sum]]]:
    """Return, per anchor, the days its rows span and the sums of every figure of period `p`."""
    all_parts = parts(window)
    sums: dict[str, tuple[Period, dict[str, Sum]]] = {}

    def add(name: str, m: Measure, period: Period) -> None:
        anchor = all_parts[m.part].anchor
        days = anchor_days(m, period, window)
        span, group = sums.get(anchor, (days, {}))
        span = Period(min(span.start, days.start), max(span.end, days.end))
        group[name] = Sum(
            m.part, filter=measure_filter(m, anchor, period, today, window), default=0
        )
        sums[anchor] = (span, group)

    for key, (n, d) in MEASURES.items():
        add(f"{key}__n", n, p)
        if d is not None:
            add(f"{key}__d", d, p)
        elif key not in LISTS:  # a count is compared with the same period a year before
            add(f"{key}__p", n, p.previous_year())
    return sums


def _open_counts(today: dt.date) -> dict[str, Count]:
    """Return the counts of the lists of open cases, read live (they change by the day)."""
    # Of a column of the index, not of the id: PostgreSQL then counts from the index alone.
    return {
        f"{key}__n": Count("due_date", filter=r.numerator) for key, r in open_rules(today).items()
    }


def _incident_counts(p: Period) -> dict[str, Count]:
    last = p.previous_year()
    return {
        "n": Count("pk", filter=Q(occurred_on__gte=p.start, occurred_on__lte=p.end)),
        "p": Count("pk", filter=Q(occurred_on__gte=last.start, occurred_on__lte=last.end)),
    }


def _figures(
    unit: Unit,
    p: Period,
    row: Mapping[str, Any],
    incidents: Mapping[str, Any],
    residents: int | None,
) -> Figures:
    """Return the figures of `unit` from its counts (`row`) and its incidents' counts."""
    figures = []
    for spec in kpis.KPIS:
        if spec.key == "major_incidents":
            n, prev = int(incidents.get("n", 0)), int(incidents.get("p", 0))
            figures.append(
                Figure(
                    spec,
                    n,
                    n,
                    None,
                    previous=prev,
                    change=kpis.change(n, prev),
                    has_cases=False,
                )
            )
            continue
        n = int(row.get(f"{spec.key}__n") or 0)
        if spec.kind == Kind.RATE:
            d = int(row.get(f"{spec.key}__d") or 0)
            value = kpis.rate(n, d)
            figures.append(Figure(spec, value, n, d))
            continue
        prev = int(row.get(f"{spec.key}__p") or 0)
        figures.append(
            Figure(
                spec,
                n,
                n,
                None,
                previous=prev,
                change=kpis.change(n, prev),
                per_10k=kpis.per_10k(n, residents),
            )
        )
    return Figures(unit, p, figures, {key: int(row.get(f"{key}__n") or 0) for key in LISTS})


def kpi_figures(unit: Unit, p: Period, today: dt.date) -> Figures:
    """Return every KPI of `unit`'s subtree for period `p`: sums of the summary per anchor."""
    summary.bring_up_to_date()
    window = follow_up_days()
    ids = unit_scope(unit).ids
    row: dict[str, Any] = {}
    for anchor, (span, group) in _sums(p, today, window).items():
        row |= (
            DAYS[anchor]
            .objects.filter(rows_of(ids), day__gte=span.start, day__lte=span.end)
            .aggregate(**group)
        )
    row |= Petition.objects.filter(access.unit_q(unit), open_span(today)).aggregate(
        **_open_counts(today)
    )
    incidents = MajorIncident.objects.filter(unit__path__startswith=unit.path).aggregate(
        **_incident_counts(p)
    )
    return _figures(unit, p, row, incidents, unit_residents(unit))


def kpi_figures_of_units(
    root: Unit, units: Sequence[Unit], p: Period, today: dt.date
) -> dict[int, Figures]:
    """Return every KPI of each of `units` (all under `root`), in one grouped query per anchor.

    The summary's sums are grouped by owning unit and each group added to every unit of
    `units` whose subtree holds its owner: the same sums as `kpi_figures` unit by unit,
    in as many queries as one unit's figures however many units there are.
    """
    window = follow_up_days()
    tree = list(
        Unit.objects.filter(path__startswith=root.path).values_list(
            "pk", "path", "kind", "residents"
        )
    )
    holders: dict[int, list[int]] = {
        pk: [u.pk for u in units if path.startswith(u.path)] for pk, path, _k, _r in tree
    }
    rows: dict[int, dict[str, Any]] = {u.pk: {} for u in units}
    incidents: dict[int, dict[str, Any]] = {u.pk: {} for u in units}

    def add(into: dict[int, dict[str, Any]], owner: int, counts: Mapping[str, Any]) -> None:
        for holder in holders.get(owner, []):
            for name, n in counts.items():
                into[holder][name] = into[holder].get(name, 0) + (n or 0)

    # Only the rows some unit of `units` holds: the rest of the root's (its own, other
    # levels') would be grouped and thrown away.
    owners = [pk for pk, held in holders.items() if held]
    summary.bring_up_to_date()
    for anchor, (span, group) in _sums(p, today, window).items():
        grouped = (
            DAYS[anchor]
            .objects.filter(unit_id__in=owners, day__gte=span.start, day__lte=span.end)
            .order_by()
            .values("unit_id")
            .annotate(**group)
        )
        for counts in grouped:
            add(rows, counts.pop("unit_id"), counts)
    live = (
        Petition.objects.filter(open_span(today), owner_unit_id__in=owners)
        .order_by()
        .values("owner_unit_id")
        .annotate(**_open_counts(today))
    )
    for counts in live:
        add(rows, counts.pop("owner_unit_id"), counts)
    for counts in (
        MajorIncident.objects.filter(unit__path__startswith=root.path)
        .order_by()
        .values("unit_id")
        .annotate(**_incident_counts(p))
    ):
        add(incidents, counts.pop("unit_id"), counts)
    residents = _residents(tree)
    return {u.pk: _figures(u, p, rows[u.pk], incidents[u.pk], residents[u.pk]) for u in units}


def _residents(tree: Sequence[tuple[int, str, str, int | None]]) -> dict[int, int | None]:
    """Return `unit_residents` of every unit of `tree` (pk, path, kind, residents rows)."""
    result: dict[int, int | None] = {}
    for pk, path, _kind, residents in tree:
        communities = sum(
            r or 0
            for _p, sub, kind, r in tree
            if kind == Unit.Kind.COMMUNITY and sub.startswith(path)
        )
        result[pk] = residents or communities or None
    return result


def incident_list(unit: Unit, p: Period) -> QuerySet[MajorIncident]:
    """Return the major incidents of `unit`'s subtree that occurred in the period."""
    return MajorIncident.objects.filter(
        unit__path__startswith=unit.path, occurred_on__gte=p.start, occurred_on__lte=p.end
    ).select_related("unit")
