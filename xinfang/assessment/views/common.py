"""What the assessment pages share: who sees the figures, how lists page."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.assessment import kpis, selectors
from xinfang.assessment.forms import PeriodForm
from xinfang.assessment.kpis import Period
from xinfang.common import clock
from xinfang.common.errors import DomainError
from xinfang.organization.models import Unit


@dataclass(frozen=True)
class DashboardScope:
    form: PeriodForm
    unit: Unit
    period: Period
    today: dt.date


def dashboard_scope(request: Any) -> DashboardScope:
    """Return the unit and period the dashboard and its reports show; 404 to other roles."""
    user = request.user
    if not selectors.may_see_dashboard(user):
        raise Http404
    today = clock.today()
    form = PeriodForm(request.GET or None)
    period = form.resolve(today)
    try:
        unit = selectors.kpi_unit(user, form.cleaned_data.get("unit") if form.is_valid() else None)
    except DomainError as e:
        raise Http404(e.message) from None
    return DashboardScope(form, unit, period, today)


def readers_only(user: Any) -> None:
    if user.role not in selectors.ASSESSMENT_READERS or user.unit_id is None:
        raise Http404


def breakdown_labels() -> dict[str, str]:
    return {
        "channel": _("按信访形式"),
        "category": _("按问题分类"),
        "unit": _("按责任单位"),
        "community": _("按问题发生地（社区）"),
    }


def cases_url(key: str, part: str, unit_id: int, period: Period, **extra: Any) -> str:
    return f"{reverse('assessment:cases')}?{kpis.case_query(key, part, unit_id, period, **extra)}"
