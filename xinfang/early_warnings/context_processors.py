"""The count of open alerts in every page's header."""

from typing import Any

from django.http import HttpRequest

from xinfang.early_warnings import selectors


def open_alerts(request: HttpRequest) -> dict[str, Any]:
    """Offer the header the count of the user's open alerts, counted only if it is shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: the template calls it where it shows the count, so pages without the
    # header (PDFs, HTMX panels) run no query.
    return {"open_alert_count": lambda: selectors.open_alert_count(user)}
