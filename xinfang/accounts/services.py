"""Every write to users and their API tokens, and the audit of each login and logout.

The admin's user pages call these, so a change of someone's role, unit, active flag or
password is audited whatever screen made it. Logins, failed logins, lockouts and logouts
arrive from Django's auth signals (receivers.py): they are Django's flow, not ours, and
the signals are the one place every door (login page, admin, token endpoint) passes.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xinfang.accounts.models import ApiToken, User
from xinfang.common import clock
from xinfang.common.audit import audit_entry, audit_record
from xinfang.common.models import AuditEntry

# Shown old → new in the audit summary; other fields are only named.
_SUMMARISED = ("role", "unit", "is_active", "is_staff", "is_superuser")


@dataclass(frozen=True)
class IssuedToken:
    """A token as issued: the only moment the token itself exists outside its holder."""

    token: str
    expires_at: dt.datetime


def _label(name: str) -> str:
    return str(cast("models.Field[Any, Any]", User._meta.get_field(name)).verbose_name)


def _shown(user: User, name: str) -> str:
    if name == "role":
        return str(user.get_role_display())
    value = getattr(user, name)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return "—" if value is None else str(value)


def _usable_tokens(user: User, now: dt.datetime) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(
        user=user,
        revoked_at__isnull=True,
        expires_at__gt=now,
        password_fingerprint=user.get_session_auth_hash(),
    )


@transaction.atomic
def user_create(*, actor: User, user: User, ip: str | None) -> User:
    """Save the new `user` and audit their role, unit and flags."""
    user.save()
    summary = "；".join(f"{_label(n)}：{_shown(user, n)}" for n in _SUMMARISED)
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CREATE,
        obj=user,
        fields=_SUMMARISED,
        summary=summary,
        ip=ip,
    )
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, changes: Mapping[str, object], ip: str | None) -> User:
    """Apply `changes` to `user` and audit the fields that changed."""
    row = User.objects.select_for_update().get(pk=user.pk)
    changed = [name for name, value in changes.items() if getattr(row, name) != value]
    if not changed:
        return row
    before = {name: _shown(row, name) for name in changed if name in _SUMMARISED}
    for name in changed:
        setattr(row, name, changes[name])
    row.save(update_fields=changed)
    summary = "；".join(
        f"{_label(name)}：{old} → {_shown(row, name)}" for name, old in before.items()
    )
    audit_record(
        actor=actor, kind=AuditEntry.Kind.CHANGE, obj=row, fields=changed, summary=summary, ip=ip
    )
    return row


@transaction.atomic
def user_password_set(*, actor: User, user: User, password: str | None, ip: str | None) -> User:
    """Set `user`'s password (None: no usable one) and revoke the tokens issued under the old."""
    row = User.objects.select_for_update().get(pk=user.pk)
    row.set_password(password)
    row.save(update_fields=["password"])
    audit_record(
        actor=actor,
        kind=AuditEntry.Kind.CHANGE,
        obj=row,
        fields=["password"],
        summary=_("修改密码"),
        ip=ip,
    )
    # The new password already refuses the old tokens (ApiToken.refusal); marking them
    # revoked tells the token list why.
    api_tokens_revoke(actor=actor, tokens=row.api_tokens.all(), reason=_("密码已更改"), ip=ip)
    return row


@transaction.atomic
def api_token_issue(*, user: User, ip: str | None) -> IssuedToken:
    """Issue a token for `user`, dropping their dead ones and retiring the oldest over the limit."""
    # One issue at a time per user, so two at once cannot both stay under the limit.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    now = clock.now()
    usable = _usable_tokens(user, now)
    ApiToken.objects.filter(user=user).exclude(pk__in=usable.values("pk")).delete()
    keep = max(settings.XINFANG_API_TOKENS_PER_USER - 1, 0)
    oldest = usable.order_by("-created_at", "-pk").values_list("pk", flat=True)[keep:]
    api_tokens_revoke(
        actor=user,
        tokens=ApiToken.objects.filter(pk__in=list(oldest)),
        reason=_("超出每人可持有的令牌数，由新令牌替换"),
        ip=ip,
    )
    token = ApiToken.issue(user)
    row = ApiToken.objects.get(digest=ApiToken.hash(token))
    audit_record(
        actor=user,
        kind=AuditEntry.Kind.CREATE,
        obj=row,
        summary=_("签发接口令牌，有效至 %(at)s") % {"at": f"{row.expires_at:%Y-%m-%d %H:%M}"},
        ip=ip,
    )
    return IssuedToken(token=token, expires_at=row.expires_at)


@transaction.atomic
def api_tokens_revoke(
    *, actor: User | None, tokens: QuerySet[ApiToken], reason: str, ip: str | None
) -> int:
    """Revoke those of `tokens` still in force, auditing each; return how many."""
    now = clock.now()
    live = list(tokens.select_for_update().filter(revoked_at__isnull=True, expires_at__gt=now))
    if not live:
        return 0
    ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=now)
    AuditEntry.objects.bulk_create(
        audit_entry(
            actor=actor,
            kind=AuditEntry.Kind.CHANGE,
            obj=token,
            fields=["revoked_at"],
            summary=_("撤销接口令牌：%(reason)s") % {"reason": reason},
            ip=ip,
        )
        for token in live
    )
    return len(live)


def _login_entry(kind: AuditEntry.Kind, *, username: str, door: str, ip: str | None) -> None:
    # Nobody has proved who they are: the entry names the account tried, if it exists.
    user = User.objects.filter(username=username).first()
    summary = _("用户名 %(username)s，入口 %(door)s") % {"username": username, "door": door}
    AuditEntry.objects.create(
        at=clock.now(),
        kind=kind,
        object_type="user",
        object_id=str(user.pk) if user else "",
        summary=summary[:200],
        ip=ip,
    )


@transaction.atomic
def login_record(*, user: User, door: str, ip: str | None) -> None:
    """Audit `user`'s successful login through `door` (the path they signed in at)."""
    audit_record(actor=user, kind=AuditEntry.Kind.LOGIN, obj=user, summary=door, ip=ip)


@transaction.atomic
def login_failure_record(*, username: str, door: str, ip: str | None) -> None:
    """Audit a refused login for `username`: a wrong password, or any during a lockout."""
    _login_entry(AuditEntry.Kind.LOGIN_FAILED, username=username, door=door, ip=ip)


@transaction.atomic
def lockout_record(*, username: str, door: str, ip: str | None) -> None:
    """Audit that `username` is locked out: the failure that locked it, or one during it."""
    _login_entry(AuditEntry.Kind.LOCKED_OUT, username=username, door=door, ip=ip)


@transaction.atomic
def logout_record(*, user: User, ip: str | None) -> None:
    """Audit `user`'s logout from the web and revoke their API tokens."""
    audit_record(actor=user, kind=AuditEntry.Kind.LOGOUT, obj=user, ip=ip)
    # Signing out is how a person at a shared office computer ends their access; a
    # token left alive would carry it on. A script signs in again with its password.
    api_tokens_revoke(actor=user, tokens=user.api_tokens.all(), reason=_("退出登录"), ip=ip)
