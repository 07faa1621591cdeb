"""The alert pages (list, detail, each handling step) and the case page's similar-petitions panel.

A refused step comes back to the alert page as a message, never half done.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError
from xinfang.common.http import or_404
from xinfang.common.pagination import PAGE_SIZE, CappedPaginator
from xinfang.early_warnings import selectors, services
from xinfang.early_warnings.forms import (
    AlertFilterForm,
    AlertNoteForm,
)
from xinfang.early_warnings.models import Alert
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions.access import access_petition, sees_personal_data


@login_required
def similar_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Return the panel of the cases like case `pk` that the user may see."""
    petition = or_404(access_petition, request.user, pk)
    return render(
        request,
        "early_warnings/_similar.html",
        {"similar": selectors.similar_petitions(request.user, petition, limit=10)},
    )


@login_required
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the alerts of the user's unit and the units below it, filtered."""
    form = AlertFilterForm(request.GET or None)
    filters, page_number = selectors.AlertFilters(), None
    if form.is_valid():
        filters, page_number = form.filters(), form.cleaned_data["page"]
    found = selectors.alert_list(request.user, filters)
    if form.errors:
        found = found.none()
    page = CappedPaginator(found, PAGE_SIZE).get_page(page_number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "early_warnings/alert_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "statuses": Alert.Status.choices,
            "kinds": Alert.Kind.choices,
            "severities": Alert.Severity.choices,
            "units": units_visible_to(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def alert_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show an alert with its evidence, as much as the user may see, and its history."""
    alert = or_404(selectors.access_alert, request.user, pk)
    return render(
        request,
        "early_warnings/alert_detail.html",
        {
            "alert": alert,
            "evidence": selectors.alert_evidence(request.user, alert),
            # Linked only where the reader may open them (their owners may differ).
            "dispute": selectors.disputes_for_user(request.user).filter(alerts=alert).first(),
            "key_person": selectors.key_persons_for_user(request.user).filter(alerts=alert).first(),
            "events": alert.events.select_related("actor", "unit"),
            "may_handle": not request.user.is_read_only and not alert.is_closed,
            "personal": sees_personal_data(request.user),
        },
    )


def _step(service: Callable[..., Alert], done: str) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        alert = or_404(selectors.access_alert, request.user, pk)
        form = AlertNoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        kwargs: dict[str, Any] = {"actor": request.user, "alert_id": alert.pk, "note": note}
        try:
            service(**kwargs, ip=client_ip(request))
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, done)
        return redirect(alert)

    return view


alert_acknowledge = _step(services.alert_acknowledge, _("已签收。"))
alert_act = _step(services.alert_act, _("已记录处置情况。"))
alert_close = _step(services.alert_close, _("预警已关闭。"))
