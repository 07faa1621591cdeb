"""The leader's own page: the cases in their personal charge (领导包案)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.pagination import PAGE_SIZE, CappedPaginator
from xinfang.petitions import exports, leaders
from xinfang.petitions.models import event_label


@login_required
def leader_cases(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    if not leaders.is_case_leader(request.user):
        raise PermissionDenied
    today = clock.today()
    cases = leaders.leader_case_page(request.user)
    if (fmt := request.GET.get("export", "")) in exports.FORMATS:
        return exports.ledger_response(
            user=request.user, cases=cases, fmt=fmt, name=_("我的包案"), ip=client_ip(request)
        )
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    for p in page.object_list:
        p.last_label = event_label(p.last_action) if p.last_action else ""
    return render(
        request,
        "petitions/leader_cases.html",
        {
            "page": page,
            "figures": leaders.leader_figures(request.user, today),
            "today": today,
            "query": "",
        },
    )
