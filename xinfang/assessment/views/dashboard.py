"""The leaders' dashboard, the cases behind any of its figures, assessments and findings.

The case list lives here rather than on the petitions search page because petitions
sits below assessment: the search page may not import the KPI rules, and a link to it
would lose the kpi= parameters on the next search.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.assessment import kpis, selectors
from xinfang.assessment.forms import CaseListForm
from xinfang.assessment.kpis import Group, Period
from xinfang.assessment.services import summary
from xinfang.assessment.views.common import (
    breakdown_labels,
    cases_url,
    dashboard_scope,
)
from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError
from xinfang.common.pagination import PAGE_SIZE, CappedPaginator
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions import exports
from xinfang.petitions.selectors import PetitionFilters, petition_search


@dataclass(frozen=True)
class Tile:
    figure: selectors.Figure
    numerator_url: str
    denominator_url: str
    # The unit's own target from its responsibility letter of the year, else the default.
    target: float | None = None
    meets: bool | None = None
    from_letter: bool = False


def _tile(
    figure: selectors.Figure, unit_id: int, period: Period, targets: dict[str, float]
) -> Tile:
    target = targets.get(figure.key, figure.spec.target)
    meets = kpis.meets_target(figure.spec, figure.value, target)
    urls = (
        (
            cases_url(figure.key, "numerator", unit_id, period),
            cases_url(figure.key, "denominator", unit_id, period),
        )
        if figure.has_cases
        else ("", "")
    )
    return Tile(figure, *urls, target=target, meets=meets, from_letter=figure.key in targets)


def _charts(unit_id: int, period: Period, trend: list[selectors.TrendMonth], parts: Any) -> Any:
    """Return the charts' data, each point with the link to its cases."""

    def month(key: str, m: selectors.TrendMonth, part: str = "numerator") -> str:
        return cases_url(key, part, unit_id, m.period)

    return {
        "months": [f"{m.period.start:%Y-%m}" for m in trend],
        "series": [
            {
                "name": str(kpis.BY_KEY[key].label),
                "data": [{"value": getattr(m, key), "url": month(key, m)} for m in trend],
            }
            for key in ("letters", "visits", "collective_visits")
        ],
        "on_time": {
            "name": str(kpis.BY_KEY["on_time_rate"].label),
            "data": [
                {
                    "value": None if m.on_time_rate is None else round(100 * m.on_time_rate, 1),
                    "url": month("on_time_rate", m, "denominator"),
                }
                for m in trend
            ],
        },
        "breakdowns": {
            name: [
                {
                    "name": s.label,
                    "value": s.count,
                    "url": cases_url(
                        "registered", "numerator", unit_id, period, **{s.param: s.value}
                    )
                    if s.value is not None
                    else "",
                }
                for s in slices
            ]
            for name, slices in parts.items()
        },
    }


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    scope = dashboard_scope(request)
    form, unit, period, today = scope.form, scope.unit, scope.period, scope.today
    with summary.brought_up_to_date():  # once for the three readers
        figures = selectors.kpi_figures(unit, period, today)
        trend = selectors.kpi_trend(unit, period.end, today)
        parts = selectors.breakdowns(unit, period, today)
    targets = selectors.letter_targets(unit, period.end.year)
    tiles = [_tile(f, unit.pk, period, targets) for f in figures.figures]
    groups = [(kpis.GROUP_LABELS[g], [t for t in tiles if t.figure.spec.group == g]) for g in Group]
    lists = {
        key: (figures.lists[key], cases_url(key, "numerator", unit.pk, period))
        for key in ("overdue", "at_risk", "registered")
    }
    return render(
        request,
        "assessment/dashboard.html",
        {
            "form": form,
            "unit": unit,
            "units": units_visible_to(user),
            "period": period,
            "groups": groups,
            "lists": lists,
            "list_labels": selectors.LISTS,
            "breakdown_labels": breakdown_labels(),
            "incidents": list(selectors.incident_list(unit, period)),
            "accountability": list(selectors.accountability_of_unit(unit, period)),
            "charts": _charts(unit.pk, period, trend, parts),
            "today": today,
        },
    )


@login_required
def kpi_case_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """List exactly the cases behind a figure (and a breakdown's segment) of the dashboard."""
    user = request.user
    form = CaseListForm(request.GET)
    if not form.is_valid():
        raise Http404
    d = form.cleaned_data
    today = clock.today()
    filters = PetitionFilters(channel=d["channel"], category=d["category"])
    try:
        qs = selectors.kpi_filter(
            user,
            petition_search(user, filters),
            key=d["kpi"],
            part=d["part"],
            unit_id=d["unit"],
            start=d["start"],
            end=d["end"],
            today=today,
        )
        unit = selectors.kpi_unit(user, d["unit"])
    except DomainError as e:
        raise Http404(e.message) from None
    if d["community"]:
        qs = qs.filter(community_id=d["community"])
    if d["owner"]:
        qs = qs.filter(owner_unit_id=d["owner"])
    fmt = request.GET.get("export", "")
    if fmt in exports.FORMATS:
        return exports.ledger_response(
            user=user, cases=qs, fmt=fmt, name=_("考核事项清单"), ip=client_ip(request)
        )
    period = selectors.kpi_period(d["start"], d["end"], today)
    spec = kpis.BY_KEY.get(d["kpi"])
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessment/case_list.html",
        {
            "label": spec.label if spec else selectors.LISTS[d["kpi"]],
            "rule": spec.rule if spec else "",
            "part": d["part"],
            "unit": unit,
            "period": period,
            "page": page,
            "query": query.urlencode(),
            "today": today,
        },
    )
