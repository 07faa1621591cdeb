"""Schemes, assessment runs and their ranking, accountability records."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.assessment import selectors, services
from xinfang.assessment.forms import (
    AccountabilityForm,
    AssessmentRunForm,
)
from xinfang.assessment.kpis import Period
from xinfang.assessment.views.common import (
    cases_url,
    readers_only,
)
from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError, NotFound, PermissionDenied
from xinfang.common.pagination import PAGE_SIZE, CappedPaginator
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions import access


@login_required
def scheme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show every scheme with its items, deductions and bonuses, and why one cannot score."""
    readers_only(request.user)
    user = request.user
    schemes = [(s, selectors.scheme_problems(s)) for s in selectors.schemes_for_user(user)]
    manages = user.role in selectors.ASSESSMENT_MANAGERS
    return render(request, "assessment/scheme_list.html", {"schemes": schemes, "manages": manages})


@login_required
def assessment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the assessments the user may read; managers also get the form to run one."""
    user = request.user
    manages = user.role in selectors.ASSESSMENT_MANAGERS and user.unit_id is not None
    return render(
        request,
        "assessment/assessment_list.html",
        {
            "assessments": selectors.assessments_for_user(user),
            "form": AssessmentRunForm() if manages else None,
        },
    )


@login_required
@require_POST
def assessment_run(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Run an assessment of a finished period; refusals come back on the form."""
    user = request.user
    if user.role not in selectors.ASSESSMENT_MANAGERS or user.unit_id is None:
        raise Http404
    form = AssessmentRunForm(request.POST)
    if form.is_valid():
        try:
            assessment = services.assessment_run(
                actor=user,
                scheme_id=form.cleaned_data["scheme"].pk,
                period=form.resolve(),
                today=clock.today(),
                ip=client_ip(request),
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("考核已完成计算。"))
            return redirect("assessment:assessment_detail", pk=assessment.pk)
    context = {"assessments": selectors.assessments_for_user(user), "form": form}
    return render(request, "assessment/assessment_list.html", context, status=400)


@dataclass(frozen=True)
class Cell:
    item: dict[str, Any]
    url: str


@login_required
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the ranking table: each unit's points per item, its deductions and its total."""
    user = request.user
    try:
        assessment = selectors.access_assessment(user, pk)
    except DomainError:
        raise Http404 from None
    period = Period(assessment.start, assessment.end)
    rows = list(selectors.assessment_rows(user, assessment))
    # The columns as computed (a frozen table keeps the scheme it was scored with).
    first = rows[0].breakdown if rows else {"items": [], "adjustments": []}
    table = [
        (
            r,
            [
                Cell(item, cases_url(item["kpi"], "denominator", r.unit_id, period))
                for item in r.breakdown["items"]
            ],
            f"{reverse('assessment:dashboard')}?unit={r.unit_id}"
            f"&start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}",
        )
        for r in rows
    ]
    return render(
        request,
        "assessment/assessment_detail.html",
        {
            "assessment": assessment,
            "period": period,
            "columns": first["items"],
            "adjustment_columns": first["adjustments"],
            "table": table,
            "manages": selectors.may_manage(user, assessment),
            "records": selectors.accountability_of_unit(assessment.root, period).filter(
                unit__in=[r.unit_id for r in rows]
            )
            if rows
            else [],
        },
    )


def _assessment_step(request: AuthenticatedHttpRequest, pk: int, step: Any, done: str) -> Any:
    try:
        step(actor=request.user, assessment_id=pk, ip=client_ip(request))
    except NotFound:
        raise Http404 from None
    except PermissionDenied as e:
        return HttpResponse(e.message, status=403)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, done)
    return redirect("assessment:assessment_detail", pk=pk)


@login_required
@require_POST
def assessment_recompute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def step(**kwargs: Any) -> Any:
        return services.assessment_recompute(today=clock.today(), **kwargs)

    return _assessment_step(request, pk, step, _("已按当前数据重新计算。"))  # type: ignore[no-any-return]


@login_required
@require_POST
def assessment_freeze(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _assessment_step(request, pk, services.assessment_freeze, _("考核已定稿。"))  # type: ignore[no-any-return]


# ---------------------------------------------------------------- accountability


@login_required
def accountability_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the accountability records of the units within the user's scope."""
    user = request.user
    page = CappedPaginator(selectors.accountability_for_user(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assessment/accountability_list.html",
        {"page": page, "may_record": user.role in selectors.ASSESSMENT_MANAGERS, "query": ""},
    )


@login_required
def accountability_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record an accountability finding over a case (the leading group and administrators)."""
    user = request.user
    if user.role not in selectors.ASSESSMENT_MANAGERS or user.unit_id is None:
        raise Http404
    units = units_visible_to(user)
    initial = {"petition": request.GET.get("petition")} if request.GET.get("petition") else None
    form = AccountabilityForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.accountability_record(
                actor=user,
                record=form.save(commit=False),
                petition_id=form.cleaned_data["petition"],
                ip=client_ip(request),
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else "petition", e.message)
        else:
            messages.success(request, _("问责记录已登记。"))
            return redirect("assessment:accountability_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "assessment/accountability_form.html", {"form": form}, status=status)


@login_required
def case_accountability(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the accountability records over a case on its page (a panel it loads)."""
    user = request.user
    try:
        petition = access.access_petition(user, pk)
    except DomainError:
        raise Http404 from None
    records = selectors.accountability_for_user(user).filter(petition=petition)
    return render(
        request, "assessment/_case_accountability.html", {"records": records, "p": petition}
    )
