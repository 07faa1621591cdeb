"""Spot checks: drawn, their cases scored."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.assessment import precheck, selectors, services
from xinfang.assessment.forms import (
    SpotCheckDrawForm,
    SpotCheckScoreForm,
)
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import SpotCheckCase
from xinfang.assessment.views.common import (
    readers_only,
)
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError


@login_required
def spot_check_list(request: AuthenticatedHttpRequest, form: Any = None) -> HttpResponse:
    """List the spot checks in scope; managers also get the form to draw one."""
    user = request.user
    readers_only(user)
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
