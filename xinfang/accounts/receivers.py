"""Audit every login, refused login, lockout and logout, whichever door it came through.

These come from Django's auth (and django-axes's lockout signal), not from our domain
flow: the login page, the admin's login and the token endpoint all run through
authenticate() and login signals, so listening here is the one place that sees them all.
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from xinfang.accounts import services
from xinfang.common.audit import client_ip


def _door(request: HttpRequest | None) -> str:
    return request.path if request is not None else ""


@receiver(user_logged_in, dispatch_uid="xinfang.accounts.audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    services.login_record(user=user, door=_door(request), ip=client_ip(request))


@receiver(user_login_failed, dispatch_uid="xinfang.accounts.audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    services.login_failure_record(
        username=str(credentials.get("username", "")), door=_door(request), ip=client_ip(request)
    )


@receiver(user_locked_out, dispatch_uid="xinfang.accounts.audit_lockout")
def audit_lockout(sender: Any, request: HttpRequest, username: str | None, **kwargs: Any) -> None:
    services.lockout_record(username=username or "", door=_door(request), ip=client_ip(request))


@receiver(user_logged_out, dispatch_uid="xinfang.accounts.audit_logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Logging out without being logged in sends the signal with no user.
    if user is not None:
        services.logout_record(user=user, ip=client_ip(request))
