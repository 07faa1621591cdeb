"""Login and logout pages, and the answer to a login refused because of a lockout.

Logins and logouts are audited by receivers.py, for the admin's login and the API too.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinfang.accounts.forms import LoginForm

LOCKED_OUT_STATUS = 429


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout_minutes() -> int:
    """Return how long a locked account stays locked, in minutes."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """Answer a locked-out login: a door that explained it keeps its answer, a page says why."""
    # The token endpoint answers a lockout itself, in the API's JSON shape, with 429.
    if original_response is not None and original_response.status_code == LOCKED_OUT_STATUS:
        return original_response
    context = {
        "form": LoginForm(request),
        "locked_out": True,
        "minutes": lockout_minutes(),
        "next": request.POST.get("next", ""),
    }
    return render(request, "accounts/login.html", context, status=LOCKED_OUT_STATUS)
