"""The statistics report and the ranking table as downloads."""

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.assessment import reports, selectors
from xinfang.assessment.services import summary
from xinfang.assessment.views.common import (
    breakdown_labels,
    dashboard_scope,
)
from xinfang.common.errors import DomainError


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_data(request: AuthenticatedHttpRequest) -> tuple[Any, Any]:
    """Return the figures and breakdowns of the dashboard's unit and period, as it picks them."""
    s = dashboard_scope(request)
    with summary.brought_up_to_date():  # once for both readers
        return (
            selectors.kpi_figures(s.unit, s.period, s.today),
            selectors.breakdowns(s.unit, s.period, s.today),
        )


@login_required
def report_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Download the statistics report of the dashboard's unit and period as Excel."""
    figures, parts = _report_data(request)
    name = f"{figures.unit.name}-{figures.period.start}-{figures.period.end}.xlsx"
    return _download(reports.statistics_xlsx(figures, parts, breakdown_labels()), XLSX, name)


@login_required
def report_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Download the statistics report of the dashboard's unit and period as PDF."""
    figures, parts = _report_data(request)
    name = f"{figures.unit.name}-{figures.period.start}-{figures.period.end}.pdf"
    pdf = reports.statistics_pdf(figures, parts, breakdown_labels())
    return _download(pdf, "application/pdf", name)


@login_required
def assessment_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Download the ranking table (the rows the user may read) as Excel."""
    user = request.user
    try:
        assessment = selectors.access_assessment(user, pk)
    except DomainError:
        raise Http404 from None
    rows = list(selectors.assessment_rows(user, assessment))
    name = f"{assessment.scheme}-{assessment.start}-{assessment.end}.xlsx"
    return _download(reports.assessment_xlsx(assessment, rows), XLSX, name)
