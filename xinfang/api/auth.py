"""Bearer-token authentication: the token is looked up by its SHA-256, never stored itself."""

import datetime as dt
from typing import cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from xinfang.accounts.models import ApiToken, User
from xinfang.api.errors import NotAuthenticated
from xinfang.common import clock
from xinfang.common.errors import PermissionDenied

LAST_USED_PRECISION = dt.timedelta(minutes=1)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """Return the user a token in force was issued to, noting when it was used."""
        row = (
            ApiToken.objects.select_related("user__unit")
            .filter(digest=ApiToken.hash(token))
            .first()
        )
        if row is None:
            return None
        now = clock.now()
        refusal = row.refusal(now)
        if refusal is not None:
            raise NotAuthenticated(_("令牌已失效（%(why)s），请重新取得令牌。") % {"why": refusal})
        # To the minute is enough to tell a live token from a forgotten one; an UPDATE on
        # every call would be one more write and commit per API request.
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user


def bearer_token(request: HttpRequest) -> str:
    """Return the token the request presents; only for requests BearerToken let through."""
    return " ".join(request.headers.get("Authorization", "").split(" ")[1:])


def api_user(request: HttpRequest) -> User:
    """Return the user the request's token authenticated."""
    # ninja sets request.auth to what authenticate() returned; HttpRequest does not declare it.
    return cast(User, request.auth)  # type: ignore[attr-defined]


def api_writer(request: HttpRequest) -> User:
    """Return the request's user if they may change data; read-only accounts are refused."""
    user = api_user(request)
    if user.is_read_only:
        raise PermissionDenied(_("只读账号只能查阅，不能提交或修改。"))
    return user
