"""The suggestions panel of the intake form (HTMX), and how suggestions fare in real use."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common.http import or_404
from xinfang.petitions import access
from xinfang.petitions.access import access_petition
from xinfang.routing import selectors, services
from xinfang.routing.models import Kind
from xinfang.routing.selectors import ACCEPTANCE_ROLES

# The office and the auditors watch the routers; the units only receive their cases.


@login_required
def suggest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Return the suggestions panel for the text typed so far, or for a registered case.

    `petition` names a case instead of the text (the accept form); `kind` limits the
    panel to one router.
    """
    if not access.may_register(request.user):
        raise Http404
    title = request.GET.get("title", "").strip()
    content = request.GET.get("content", "").strip()
    if request.GET.get("petition", "").isdigit():
        petition = or_404(access_petition, request.user, int(request.GET["petition"]))
        title, content = petition.title, petition.content
    kinds = [k for k in Kind if request.GET.get("kind") in (None, "", k.value)]
    panels = []
    if title or content:
        panels = [services.suggest(kind, title, content) for kind in kinds]
    return render(
        request,
        "routing/_suggestions.html",
        {"panels": panels, "threshold_percent": round(services.THRESHOLD * 100)},
    )


@login_required
def acceptance(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show how often registrars took the first suggestion, and the routers in use."""
    if request.user.role not in ACCEPTANCE_ROLES:
        raise Http404
    return render(
        request,
        "routing/acceptance.html",
        {
            "reports": [
                (
                    report,
                    [
                        (_("月份"), report.by_month),
                        (_("选定的%(kind)s") % {"kind": report.kind.label}, report.by_target),
                    ],
                )
                for report in map(selectors.acceptance, Kind)
            ],
            "routers": [selectors.active_router(kind) for kind in Kind],
            "threshold_percent": round(services.THRESHOLD * 100),
        },
    )
