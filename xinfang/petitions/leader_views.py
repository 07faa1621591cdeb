"""The leader's own page: the cases in their personal charge (领导包案)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common import clock
from xinfang.common.pagination import CappedPaginator
from xinfang.petitions import leaders
from xinfang.petitions.models import event_label

PAGE_SIZE = 20


@login_required
def leader_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not leaders.is_case_leader(request.user):
        raise PermissionDenied
    today = clock.today()
    page = CappedPaginator(leaders.leader_case_page(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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
