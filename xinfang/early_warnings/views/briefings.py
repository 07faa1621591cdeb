"""The daily briefing's pages: the kept briefings, one of them, its PDF, generating today's."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common.http import or_404
from xinfang.common.pagination import PAGE_SIZE, CappedPaginator
from xinfang.early_warnings import briefing, selectors, services


@login_required
def briefing_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the kept daily briefings the user may read, newest first."""
    if request.user.role not in selectors.BRIEFING_ROLES:
        raise Http404
    rows = selectors.briefings_for_user(request.user).select_related("owner_unit").defer("pdf")
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    unit = request.user.unit
    return render(
        request,
        "early_warnings/briefing_list.html",
        {
            "page": page,
            "query": "",
            "may_generate": not request.user.is_read_only
            and unit is not None
            and unit.kind in services.BRIEFING_UNIT_KINDS,
        },
    )


@login_required
@require_POST
def briefing_generate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Generate today's briefing of the user's street or district now."""
    unit = request.user.unit
    if (
        request.user.role not in selectors.BRIEFING_ROLES
        or request.user.is_read_only
        or unit is None
        or unit.kind not in services.BRIEFING_UNIT_KINDS
    ):
        raise Http404
    return redirect(services.briefing_generate(unit=unit))


@login_required
def briefing_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a kept briefing as it was generated."""
    row = or_404(selectors.access_briefing, request.user, pk)
    return render(request, "early_warnings/briefing_detail.html", {"briefing": row})


@login_required
def briefing_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Return a kept briefing's one-page PDF."""
    row = or_404(selectors.access_briefing, request.user, pk)
    pdf = bytes(row.pdf) if row.pdf else briefing.render_pdf(row.figures)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="briefing-{row.day.isoformat()}.pdf"'
    return response
