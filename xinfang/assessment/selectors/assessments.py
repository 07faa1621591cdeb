"""Reads of schemes, scores, assessment runs and accountability records."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from xinfang.assessment import kpis, scoring
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import (
    AccountabilityRecord,
    Assessment,
    AssessmentResult,
    Commendation,
    Scheme,
    SchemeAdjustment,
    SchemeItem,
)
from xinfang.assessment.selectors.common import (
    ASSESSMENT_MANAGERS,
    ASSESSMENT_READERS,
    counts_by_holder,
)
from xinfang.assessment.selectors.figures import kpi_figures_of_units
from xinfang.assessment.selectors.spot_checks import spot_check_failures
from xinfang.common.errors import NotFound
from xinfang.organization.models import Unit
from xinfang.organization.selectors import subtree_paths, units_visible_to
from xinfang.outreach import selectors as outreach_selectors


def item_rule(i: SchemeItem) -> scoring.ItemRule:
    """Return a scheme item as the scoring module's rule."""
    return scoring.ItemRule(i.kpi, i.points, i.target, i.rule, i.floor, i.step, i.step_points)


def adjustment_rule(a: SchemeAdjustment) -> scoring.AdjustmentRule:
    """Return a scheme's deduction or bonus as the scoring module's rule."""
    return scoring.AdjustmentRule(a.source, a.points_each, a.cap)


def scheme_rules(
    scheme: Scheme,
) -> tuple[list[scoring.ItemRule], list[scoring.AdjustmentRule]]:
    """Return a scheme's items and adjustments as the scoring module's rules."""
    return [item_rule(i) for i in scheme.items.all()], [
        adjustment_rule(a) for a in scheme.adjustments.all()
    ]


def rules_problems(
    total: Decimal,
    items: Sequence[scoring.ItemRule],
    adjustments: Sequence[scoring.AdjustmentRule],
) -> list[str]:
    """Return why these rules cannot score units (empty when they can), with KPI labels."""
    labels = {s.key: s.label for s in kpis.KPIS}
    return scoring.scheme_problems(total, items, adjustments, labels)


def scheme_problems(scheme: Scheme) -> list[str]:
    """Return why `scheme` cannot score units (empty when it can)."""
    return rules_problems(scheme.total, *scheme_rules(scheme))


def scheme_frozen_assessment(scheme: Scheme) -> Assessment | None:
    """Return the first frozen assessment scored with `scheme`, which fixes its rules."""
    return (
        Assessment.objects.filter(scheme=scheme, frozen_at__isnull=False)
        .order_by("frozen_at")
        .select_related("scheme")
        .first()
    )


def schemes_for_user(user: Any) -> QuerySet[Scheme]:
    """Return the schemes the user may read (the managers and auditors), with their rules."""
    if user.role not in ASSESSMENT_READERS:
        return Scheme.objects.none()
    return Scheme.objects.prefetch_related("items", "adjustments")


def assessed_units(scheme: Scheme, root: Unit) -> list[Unit]:
    """Return the units `scheme` assesses under `root`: those of its level."""
    return list(
        Unit.objects.filter(path__startswith=root.path, kind=scheme.level).order_by("sort", "name")
    )


@dataclass(frozen=True)
class Score:
    unit: Unit
    score: Decimal
    breakdown: dict[str, Any]


def assessment_scores(scheme: Scheme, root: Unit, p: Period, today: dt.date) -> list[Score]:
    """Return each assessed unit's score under `scheme` for `p`, with its full breakdown."""
    units = assessed_units(scheme, root)
    items, adjustments = scheme_rules(scheme)
    figures = kpi_figures_of_units(root, units, p, today)
    tree = subtree_paths(root)
    accountability = counts_by_holder(
        AccountabilityRecord.objects.filter(
            unit__path__startswith=root.path, decided_on__gte=p.start, decided_on__lte=p.end
        )
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("pk")),
        tree,
        units,
    )
    commendations = counts_by_holder(
        Commendation.objects.filter(
            unit__path__startswith=root.path, awarded_on__gte=p.start, awarded_on__lte=p.end
        )
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("pk")),
        tree,
        units,
    )
    spot_failures = spot_check_failures(tree, units, p)
    outreach = outreach_selectors.period_counts(tree, p.start, p.end)
    publicity = counts_by_holder(((pk, c.events) for pk, c in outreach.items()), tree, units)
    trainings = counts_by_holder(((pk, c.trainings) for pk, c in outreach.items()), tree, units)
    sources = dict(SchemeAdjustment.Source.choices)
    scores = []
    for unit in units:
        f = figures[unit.pk]
        counted: dict[str, int] = {
            SchemeAdjustment.Source.ACCOUNTABILITY: accountability[unit.pk],
            SchemeAdjustment.Source.MAJOR_INCIDENT: f["major_incidents"].numerator,
            SchemeAdjustment.Source.SKIP_LEVEL: f["skip_level_collective"].numerator,
            SchemeAdjustment.Source.REPEAT: f["repeat_rate"].numerator,
            SchemeAdjustment.Source.COMMENDATION: commendations[unit.pk],
            SchemeAdjustment.Source.SPOT_CHECK: spot_failures[unit.pk],
            SchemeAdjustment.Source.PUBLICITY: publicity[unit.pk],
            SchemeAdjustment.Source.TRAINING: trainings[unit.pk],
        }
        item_rows: list[dict[str, Any]] = []
        for item in items:
            figure = f[item.kpi]
            value = figure.value if isinstance(figure.value, float) else None
            item_rows.append(
                {
                    "kpi": item.kpi,
                    "label": str(kpis.BY_KEY[item.kpi].label),
                    "value": value,
                    "numerator": figure.numerator,
                    "denominator": figure.denominator,
                    "target": str(item.target),
                    "max": str(item.points),
                    "points": str(scoring.item_points(item, value)),
                }
            )
        adjustment_rows: list[dict[str, Any]] = [
            {
                "source": a.source,
                "label": str(sources[a.source]),
                "count": counted[a.source],
                "each": str(a.each),
                "points": str(scoring.adjustment_points(a, counted[a.source])),
            }
            for a in adjustments
        ]
        total = sum((Decimal(r["points"]) for r in item_rows + adjustment_rows), Decimal(0))
        scores.append(Score(unit, total, {"items": item_rows, "adjustments": adjustment_rows}))
    return scores


def _own_and_above(user: Any) -> list[int]:
    """Return the ids of the user's unit and of every unit above it."""
    if user.unit_id is None:
        return []
    unit: Unit = user.unit
    return unit.lineage_ids()


def results_visible_q(user: Any) -> Q:
    """Return the filter of the assessment rows `user` may read."""
    own = Q(unit_id__in=_own_and_above(user))
    if user.role in ASSESSMENT_READERS:
        return own | Q(unit__in=units_visible_to(user))
    return own


def assessments_for_user(user: Any) -> QuerySet[Assessment]:
    """Return the assessments with a row the user may read, newest first."""
    rows = AssessmentResult.objects.filter(results_visible_q(user))
    return (
        Assessment.objects.filter(pk__in=rows.values("assessment_id"))
        .select_related("scheme", "root", "frozen_by")
        .order_by("-end", "-pk")
    )


def may_manage(user: Any, assessment: Assessment) -> bool:
    """Return whether `user` may recompute and freeze `assessment` (its root is theirs)."""
    return (
        user.role in ASSESSMENT_MANAGERS
        and user.unit_id is not None
        and assessment.root.is_within(user.unit)
    )


def access_assessment(user: Any, pk: int) -> Assessment:
    """Return assessment `pk` if the user may read a row of it; NotFound otherwise."""
    found = assessments_for_user(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("考核不存在或不在您的查阅范围内。"))
    return found


def assessment_rows(user: Any, assessment: Assessment) -> QuerySet[AssessmentResult]:
    """Return the rows of `assessment` the user may read, in rank order."""
    return assessment.results.filter(results_visible_q(user)).select_related("unit")


# ---------------------------------------------------------------- accountability


def accountability_for_user(user: Any) -> QuerySet[AccountabilityRecord]:
    """Return the accountability records of the units whose cases the user may see."""
    return AccountabilityRecord.objects.filter(unit__in=units_visible_to(user)).select_related(
        "unit", "recorded_by"
    )


def accountability_of_unit(unit: Unit, p: Period) -> QuerySet[AccountabilityRecord]:
    """Return the records against `unit`'s subtree decided within the period."""
    return AccountabilityRecord.objects.filter(
        unit__path__startswith=unit.path, decided_on__gte=p.start, decided_on__lte=p.end
    ).select_related("unit")
