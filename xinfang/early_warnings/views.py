"""The "similar petitions" panel of the case page (HTMX)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common.errors import NotFound
from xinfang.early_warnings import selectors
from xinfang.petitions.access import access_petition


@login_required
def similar_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Return the panel of the cases like case `pk` that the user may see."""
    try:
        petition = access_petition(request.user, pk)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "early_warnings/_similar.html",
        {"similar": selectors.similar_petitions(request.user, petition, limit=10)},
    )
