"""Reads of responsibility letters and their progress."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    QuerySet,
)
from django.utils.translation import gettext as _

from xinfang.assessment import kpis
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import (
    LetterTarget,
    ResponsibilityLetter,
)
from xinfang.assessment.selectors.common import ASSESSMENT_MANAGERS
from xinfang.assessment.selectors.figures import Figure, kpi_figures
from xinfang.common.errors import NotFound
from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to


def letters_for_user(user: Any) -> QuerySet[ResponsibilityLetter]:
    """Return the letters of the units within the user's scope (their own unit's included)."""
    return ResponsibilityLetter.objects.filter(unit__in=units_visible_to(user)).select_related(
        "unit", "issuer"
    )


def access_letter(user: Any, pk: int) -> ResponsibilityLetter:
    """Return letter `pk` if it is of a unit within the user's scope; NotFound otherwise."""
    found = letters_for_user(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("目标责任书不存在或不在您的查阅范围内。"))
    return found


def may_handle_letter(user: Any, letter: ResponsibilityLetter) -> bool:
    """Return whether `user` may set targets and record signing: a manager above the unit."""
    return user.role in ASSESSMENT_MANAGERS and letter.unit_id != user.unit_id


def letter_targets(unit: Unit, year: int) -> dict[str, float]:
    """Return the targets of `unit`'s responsibility letter of `year` (none without one)."""
    return {
        kpi: float(target)
        for kpi, target in LetterTarget.objects.filter(
            letter__unit=unit, letter__year=year
        ).values_list("kpi", "target")
    }


@dataclass(frozen=True)
class TargetRow:
    target: LetterTarget
    figure: Figure
    meets: bool | None


def letter_progress(letter: ResponsibilityLetter, today: dt.date) -> list[TargetRow]:
    """Return each target against the unit's live figure for the letter's year to date."""
    year = kpis.year_of(dt.date(letter.year, 1, 1))
    period = Period(year.start, min(year.end, today))
    figures = kpi_figures(letter.unit, period, today)
    rows = []
    for t in letter.targets.all():
        figure = figures[t.kpi]
        rows.append(
            TargetRow(t, figure, kpis.meets_target(figure.spec, figure.value, float(t.target)))
        )
    return rows
