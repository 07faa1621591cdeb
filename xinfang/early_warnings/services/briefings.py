"""Writes of the daily briefing: computing and keeping each unit's."""

import datetime as dt
from typing import Final

from django.db import transaction

from xinfang.common import clock
from xinfang.early_warnings import briefing
from xinfang.early_warnings.models import (
    Briefing,
)
from xinfang.organization.models import Unit

# Streets and districts have leaders who read a briefing; communities read their street's.
BRIEFING_UNIT_KINDS: Final = (Unit.Kind.STREET, Unit.Kind.DISTRICT)


@transaction.atomic
def briefing_generate(*, unit: Unit, day: dt.date | None = None) -> Briefing:
    """Compute the unit's briefing of `day` with its PDF, and keep it (again if run again)."""
    day = day or clock.today()
    figures = briefing.figures(unit, day)
    pdf = briefing.render_pdf(figures)
    row, _created = Briefing.objects.update_or_create(
        owner_unit=unit,
        day=day,
        defaults={"figures": figures, "pdf": pdf, "generated_at": clock.now()},
    )
    return row


def briefings_generate(*, day: dt.date | None = None) -> list[Briefing]:
    """Generate the day's briefing of every street and district, each in its own transaction."""
    units = Unit.objects.filter(kind__in=BRIEFING_UNIT_KINDS).order_by("path")
    return [briefing_generate(unit=unit, day=day) for unit in units]
