"""Bearer tokens: issue one for a username and password, revoke it, or revoke them all.

The password check runs through django-axes like the login page's: failures count
towards the same lockout, and a locked account is refused even with the right password.
A token lasts XINFANG_API_TOKEN_TTL_DAYS, ends with a change of password or a logout
from the web, and a user holds at most XINFANG_API_TOKENS_PER_USER of them.
"""

from django.contrib.auth import user_logged_in
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from xinfang.accounts import services
from xinfang.accounts.forms import LoginForm
from xinfang.accounts.models import ApiToken, User
from xinfang.accounts.views import LOCKED_OUT_STATUS, lockout_minutes
from xinfang.api.auth import api_user, bearer_token
from xinfang.api.errors import InvalidFields, NotAuthenticated
from xinfang.api.schemas import ErrorOut, TokenIn, TokenOut
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError

router = Router(tags=["auth"])


class LockedOut(DomainError):
    """Too many wrong passwords: the account refuses every login until the cool-off ends."""

    code = "locked_out"
    status = LOCKED_OUT_STATUS


class RevokedOut(Schema):
    revoked: int


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, LOCKED_OUT_STATUS: ErrorOut},
)
def token_issue(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Issue a bearer token for a username and password; it is shown only this once."""
    # The login page's form: the same field rules, and the same authenticate() call.
    form = LoginForm(request, data=payload.dict())
    if not form.is_valid():
        if getattr(request, "axes_locked_out", False):
            raise LockedOut(
                _("登录失败次数过多，该账号已暂时锁定，请 %(n)d 分钟后再试。")
                % {"n": lockout_minutes()}
            )
        if any(name != NON_FIELD_ERRORS for name in form.errors):
            raise InvalidFields.from_form(form)
        raise NotAuthenticated(_("用户名或密码不正确，或账号已停用。"))
    user = form.get_user()
    issued = services.api_token_issue(user=user, ip=client_ip(request))
    # A token is a login: the audit, last_login and the lockout's reset follow from it.
    user_logged_in.send(sender=User, request=request, user=user)
    return TokenOut(token=issued.token, expires_at=issued.expires_at)


@router.post("/token/revoke", response={200: RevokedOut, 401: ErrorOut})
def token_revoke(request: HttpRequest) -> RevokedOut:
    """Revoke the token this request presents."""
    row = ApiToken.objects.filter(digest=ApiToken.hash(bearer_token(request)))
    count = services.api_tokens_revoke(
        actor=api_user(request), tokens=row, reason=_("持有人撤销"), ip=client_ip(request)
    )
    return RevokedOut(revoked=count)


@router.post("/token/revoke-all", response={200: RevokedOut, 401: ErrorOut})
def token_revoke_all(request: HttpRequest) -> RevokedOut:
    """Revoke every token of the requesting user, this one included."""
    user = api_user(request)
    count = services.api_tokens_revoke(
        actor=user,
        tokens=user.api_tokens.all(),
        reason=_("持有人撤销全部令牌"),
        ip=client_ip(request),
    )
    return RevokedOut(revoked=count)
