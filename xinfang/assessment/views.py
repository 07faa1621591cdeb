"""The leaders' dashboard, the cases behind any of its figures, assessments and findings.

The case list lives here rather than on the petitions search page because petitions
sits below assessment: the search page may not import the KPI rules, and a link to it
would lose the kpi= parameters on the next search.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.assessment import kpis, letters, precheck, reports, selectors, services
from xinfang.assessment.forms import (
    AccountabilityForm,
    AssessmentRunForm,
    CaseListForm,
    LetterCreateForm,
    LetterSignForm,
    LetterTargetsForm,
    PeriodForm,
    SpotCheckDrawForm,
    SpotCheckScoreForm,
)
from xinfang.assessment.kpis import Group, Period
from xinfang.assessment.models import SpotCheckCase
from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError, NotFound, PermissionDenied
from xinfang.common.pagination import CappedPaginator
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions import access, exports
from xinfang.petitions.selectors import PetitionFilters, petition_search
from xinfang.petitions.workflow import LEADER_ROLES

# Leaders steer by the dashboard; auditors oversee (read only) and read statistics
# (DOMAIN.md): they see it too. Registrars and handlers work cases, not figures.
DASHBOARD_ROLES = LEADER_ROLES | {"auditor"}
PAGE_SIZE = 20


@dataclass(frozen=True)
class Tile:
    figure: selectors.Figure
    numerator_url: str
    denominator_url: str
    # The unit's own target from its responsibility letter of the year, else the default.
    target: float | None = None
    meets: bool | None = None
    from_letter: bool = False


def _cases_url(key: str, part: str, unit_id: int, period: Period, **extra: Any) -> str:
    return f"{reverse('assessment:cases')}?{kpis.case_query(key, part, unit_id, period, **extra)}"


def _tile(
    figure: selectors.Figure, unit_id: int, period: Period, targets: dict[str, float]
) -> Tile:
    target = targets.get(figure.key, figure.spec.target)
    meets = kpis.meets_target(figure.spec, figure.value, target)
    urls = (
        (
            _cases_url(figure.key, "numerator", unit_id, period),
            _cases_url(figure.key, "denominator", unit_id, period),
        )
        if figure.has_cases
        else ("", "")
    )
    return Tile(figure, *urls, target=target, meets=meets, from_letter=figure.key in targets)


def _charts(unit_id: int, period: Period, trend: list[selectors.TrendMonth], parts: Any) -> Any:
    """Return the charts' data, each point with the link to its cases."""

    def month(key: str, m: selectors.TrendMonth, part: str = "numerator") -> str:
        return _cases_url(key, part, unit_id, m.period)

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
                    "url": _cases_url(
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


def _breakdown_labels() -> dict[str, str]:
    return {
        "channel": _("按信访形式"),
        "category": _("按问题分类"),
        "unit": _("按责任单位"),
        "community": _("按问题发生地（社区）"),
    }


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in DASHBOARD_ROLES or user.unit_id is None:
        raise Http404
    today = clock.today()
    form = PeriodForm(request.GET or None)
    period = form.resolve(today)
    try:
        unit = selectors.kpi_unit(user, form.cleaned_data.get("unit") if form.is_valid() else None)
    except DomainError as e:
        raise Http404(e.message) from None
    figures = selectors.kpi_figures(unit, period, today)
    targets = selectors.letter_targets(unit, period.end.year)
    tiles = [_tile(f, unit.pk, period, targets) for f in figures.figures]
    groups = [(kpis.GROUP_LABELS[g], [t for t in tiles if t.figure.spec.group == g]) for g in Group]
    trend = selectors.kpi_trend(unit, period.end, today)
    parts = selectors.breakdowns(unit, period, today)
    lists = {
        key: (figures.lists[key], _cases_url(key, "numerator", unit.pk, period))
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
            "breakdown_labels": _breakdown_labels(),
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
            part=d["part"] or "numerator",
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
            "part": d["part"] or "numerator",
            "unit": unit,
            "period": period,
            "page": page,
            "query": query.urlencode(),
            "today": today,
        },
    )


# ---------------------------------------------------------------- schemes and assessments


def _readers_only(user: Any) -> None:
    if user.role not in selectors.ASSESSMENT_READERS or user.unit_id is None:
        raise Http404


@login_required
def scheme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show every scheme with its items, deductions and bonuses, and why one cannot score."""
    _readers_only(request.user)
    schemes = [(s, selectors.scheme_problems(s)) for s in selectors.schemes_for_user(request.user)]
    return render(request, "assessment/scheme_list.html", {"schemes": schemes})


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
                Cell(item, _cases_url(item["kpi"], "denominator", r.unit_id, period))
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


# ---------------------------------------------------------------- responsibility letters


def _letter_units(user: Any) -> Any:
    return units_visible_to(user).exclude(pk=user.unit_id)


@login_required
def letter_list(request: AuthenticatedHttpRequest, form: Any = None) -> HttpResponse:
    """List the letters of the units in scope; managers also get the form to draft one."""
    user = request.user
    manages = user.role in selectors.ASSESSMENT_MANAGERS and user.unit_id is not None
    if manages and form is None:
        form = LetterCreateForm(units=_letter_units(user), initial={"year": clock.today().year})
    return render(
        request,
        "assessment/letter_list.html",
        {"letters": selectors.letters_for_user(user), "form": form if manages else None},
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_POST
def letter_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in selectors.ASSESSMENT_MANAGERS or user.unit_id is None:
        raise Http404
    form = LetterCreateForm(request.POST, units=_letter_units(user))
    if form.is_valid():
        try:
            letter = services.letter_create(
                actor=user,
                unit_id=form.cleaned_data["unit"].pk,
                year=form.cleaned_data["year"],
                signatory=form.cleaned_data["signatory"],
                ip=client_ip(request),
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            return redirect("assessment:letter_detail", pk=letter.pk)
    return letter_list(request, form)


def _letter(user: Any, pk: int) -> Any:
    try:
        return selectors.access_letter(user, pk)
    except DomainError:
        raise Http404 from None


@login_required
def letter_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a letter: its parties, its targets against the unit's live figures, its signing."""
    user = request.user
    letter = _letter(user, pk)
    handles = selectors.may_handle_letter(user, letter) and not letter.is_signed
    today = clock.today()
    return render(
        request,
        "assessment/letter_detail.html",
        {
            "letter": letter,
            "rows": selectors.letter_progress(letter, today),
            "targets_form": LetterTargetsForm(targets=letter.targets.all()) if handles else None,
            "sign_form": LetterSignForm(
                initial={
                    "signed_on": today,
                    "issuer_signatory": letter.issuer_signatory,
                    "signatory": letter.signatory,
                }
            )
            if handles
            else None,
            "today": today,
        },
    )


def _letter_step(request: AuthenticatedHttpRequest, pk: int, form: Any, step: Any) -> HttpResponse:
    letter = _letter(request.user, pk)
    if not selectors.may_handle_letter(request.user, letter):
        return HttpResponse(_("目标责任书由上级单位的领导小组成员或系统管理员办理。"), status=403)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("assessment:letter_detail", pk=letter.pk)
    try:
        step()
    except PermissionDenied as e:
        return HttpResponse(e.message, status=403)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("assessment:letter_detail", pk=letter.pk)


@login_required
@require_POST
def letter_targets(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request.user, pk)
    form = LetterTargetsForm(request.POST, targets=letter.targets.all())
    return _letter_step(
        request,
        pk,
        form,
        lambda: services.letter_targets_set(
            actor=request.user, letter_id=pk, targets=form.targets(), ip=client_ip(request)
        ),
    )


@login_required
@require_POST
def letter_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = LetterSignForm(request.POST)
    return _letter_step(
        request,
        pk,
        form,
        lambda: services.letter_sign(
            actor=request.user, letter_id=pk, ip=client_ip(request), **form.cleaned_data
        ),
    )


@login_required
def letter_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Download the letter as a PDF in the official layout."""
    letter = _letter(request.user, pk)
    response = HttpResponse(letters.render_letter_pdf(letter), content_type="application/pdf")
    name = quote(f"{letter.year}年目标责任书-{letter.unit}.pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
    return response


# ---------------------------------------------------------------- spot checks


@login_required
def spot_check_list(request: AuthenticatedHttpRequest, form: Any = None) -> HttpResponse:
    """List the spot checks in scope; managers also get the form to draw one."""
    user = request.user
    _readers_only(user)
    manages = user.role in selectors.ASSESSMENT_MANAGERS
    if manages and form is None:
        form = SpotCheckDrawForm()
    return render(
        request,
        "assessment/spot_check_list.html",
        {"spot_checks": selectors.spot_checks_for_user(user), "form": form if manages else None},
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_POST
def spot_check_draw(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in selectors.ASSESSMENT_MANAGERS or user.unit_id is None:
        raise Http404
    form = SpotCheckDrawForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            spot_check = services.spot_check_draw(
                actor=user,
                level=d["level"],
                period=Period(d["start"], d["end"]),
                size=d["size"],
                seed=d["seed"],
                ip=client_ip(request),
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            return redirect("assessment:spot_check_detail", pk=spot_check.pk)
    return spot_check_list(request, form)


@login_required
def spot_check_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the cases drawn by unit: the reply's pre-check, the checklist, the score."""
    user = request.user
    try:
        spot_check = selectors.access_spot_check(user, pk)
    except DomainError:
        raise Http404 from None
    manages = selectors.may_manage_spot_check(user, spot_check)
    rows = [
        (
            c,
            [
                (precheck.LABELS.get(i["key"], i["key"]), i["passed"], i["detail"])
                for i in c.precheck
            ],
            SpotCheckScoreForm(initial={"case": c.pk, "comment": c.comment, **c.checks})
            if manages
            else None,
        )
        for c in selectors.spot_check_cases(spot_check)
    ]
    return render(
        request,
        "assessment/spot_check_detail.html",
        {"spot_check": spot_check, "rows": rows, "checklist": SpotCheckCase.CHECKLIST},
    )


@login_required
@require_POST
def spot_check_score(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    try:
        spot_check = selectors.access_spot_check(user, pk)
    except DomainError:
        raise Http404 from None
    if not selectors.may_manage_spot_check(user, spot_check):
        return HttpResponse(_("只有领导小组成员和系统管理员可以评分。"), status=403)
    form = SpotCheckScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("评分数据不完整。"))
        return redirect("assessment:spot_check_detail", pk=pk)
    try:
        services.spot_check_score(
            actor=user,
            spot_check_id=pk,
            case_id=form.cleaned_data["case"],
            checks=form.checks(),
            comment=form.cleaned_data["comment"],
            ip=client_ip(request),
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("评分已保存。"))
    return redirect("assessment:spot_check_detail", pk=pk)


# ---------------------------------------------------------------- reports


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_data(request: AuthenticatedHttpRequest) -> tuple[Any, Any]:
    """Return the figures and breakdowns of the dashboard's unit and period, as it picks them."""
    user = request.user
    if user.role not in DASHBOARD_ROLES or user.unit_id is None:
        raise Http404
    today = clock.today()
    form = PeriodForm(request.GET or None)
    period = form.resolve(today)
    try:
        unit = selectors.kpi_unit(user, form.cleaned_data.get("unit") if form.is_valid() else None)
    except DomainError as e:
        raise Http404(e.message) from None
    return selectors.kpi_figures(unit, period, today), selectors.breakdowns(unit, period, today)


@login_required
def report_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Download the statistics report of the dashboard's unit and period as Excel."""
    figures, parts = _report_data(request)
    name = f"{figures.unit.name}-{figures.period.start}-{figures.period.end}.xlsx"
    return _download(reports.statistics_xlsx(figures, parts, _breakdown_labels()), XLSX, name)


@login_required
def report_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Download the statistics report of the dashboard's unit and period as PDF."""
    figures, parts = _report_data(request)
    name = f"{figures.unit.name}-{figures.period.start}-{figures.period.end}.pdf"
    pdf = reports.statistics_pdf(figures, parts, _breakdown_labels())
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
