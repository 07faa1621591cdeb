"""The portal's writes: one-time codes, online petitions and the petitioner's own steps.

An online petition enters the register through the same registration service as every
other (channel "online"), under the street office's portal account, which holds the
registrar's role but cannot sign in. The petitioner's rating and review request are the
workflow's own actions, taken through the transitions service as the petitioner.
"""

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from xinfang.accounts.models import Role, User
from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import ActionNotAllowed, NotFound, PermissionDenied, ValidationFailed
from xinfang.notifications.models import Channel as NotifyChannel
from xinfang.notifications.services import notification_send
from xinfang.organization.models import Unit
from xinfang.petitions import access, limits
from xinfang.petitions.inputs import EvaluateInput, NoteInput, PetitionerData, RegistrationData
from xinfang.petitions.models import Channel, Petition
from xinfang.petitions.services import petition_register
from xinfang.petitions.services.transitions import petition_transition_by_petitioner
from xinfang.petitions.workflow import Action
from xinfang.portal import publicity, selectors
from xinfang.portal.models import OneTimeCode, PublicityPage
from xinfang.portal.throttle import refused

PORTAL_USERNAME = "portal"
HOUR = dt.timedelta(hours=1)
Purpose = OneTimeCode.Purpose


# ---------------------------------------------------------------- one-time codes


def _digest(phone: str, purpose: str, code: str) -> str:
    return salted_hmac(
        "xinfang.portal.otp", f"{phone}:{purpose}:{code}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def otp_issue(*, phone: str, purpose: str = Purpose.SUBMIT) -> OneTimeCode:
    """Send a fresh code to `phone`, voiding the last; refuse past the hourly number."""
    now = clock.now()
    recent = list(
        OneTimeCode.objects.filter(
            phone=phone, purpose=purpose, created_at__gt=now - HOUR
        ).values_list("created_at", flat=True)
    )
    if len(recent) >= settings.XINFANG_OTP_PER_HOUR:
        raise refused(int((min(recent) + HOUR - now).total_seconds()) + 1)
    OneTimeCode.objects.filter(phone=phone, purpose=purpose, used_at=None, voided_at=None).update(
        voided_at=now
    )
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.XINFANG_OTP_MINUTES
    row = OneTimeCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=_digest(phone, purpose, code),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=minutes),
    )
    notification_send(
        channel=NotifyChannel.SMS,
        to=phone,
        text=_("【信访工作平台】您的验证码为%(code)s，%(n)d分钟内有效。请勿告诉他人。")
        % {"code": code, "n": minutes},
        purpose="otp",
        keep_text=False,
    )
    return row


def _otp_try(phone: str, purpose: str, code: str) -> str | None:
    """Spend the phone's latest code if `code` is it; else count the try and say why not."""
    now = clock.now()
    row = (
        OneTimeCode.objects.select_for_update()
        .filter(phone=phone, purpose=purpose)
        .order_by("-created_at", "-pk")
        .first()
    )
    if row is None:
        return _("请先获取短信验证码。")
    if row.used_at is not None:
        return _("该验证码已使用过，请重新获取。")
    if row.voided_at is not None:
        return _("该验证码已失效，请重新获取。")
    if now >= row.expires_at:
        return _("验证码已过期（有效期%(n)d分钟），请重新获取。") % {
            "n": settings.XINFANG_OTP_MINUTES
        }
    if not constant_time_compare(row.code_hash, _digest(phone, purpose, code)):
        row.attempts += 1
        left = settings.XINFANG_OTP_MAX_ATTEMPTS - row.attempts
        if left <= 0:
            row.voided_at = now
        row.save(update_fields=["attempts", "voided_at"])
        if left <= 0:
            return _("验证码错误次数过多，该验证码已失效，请重新获取。")
        return _("验证码不正确，还可以再试%(n)d次。") % {"n": left}
    row.used_at = now
    row.save(update_fields=["used_at"])
    return None


def otp_verify(*, phone: str, code: str, purpose: str = Purpose.SUBMIT) -> None:
    """Spend the code sent to `phone`; refuse a wrong, expired, used or burnt one."""
    # The transaction ends before the refusal is raised: a wrong try must count even
    # though the request that made it is refused.
    with transaction.atomic():
        refusal = _otp_try(phone, purpose, code)
    if refusal:
        raise ValidationFailed(refusal, field="otp")


# ---------------------------------------------------------------- online petitions


def _find_portal_unit() -> Unit:
    streets = Unit.objects.filter(kind=Unit.Kind.STREET)
    if settings.XINFANG_PORTAL_UNIT:
        streets = streets.filter(name=settings.XINFANG_PORTAL_UNIT)
    found = list(streets[:2])
    if len(found) != 1:
        raise ImproperlyConfigured(
            "Set DJANGO_PORTAL_UNIT to the name of the street office that registers online petitions."
        )
    return found[0]


def portal_unit() -> Unit:
    """Return the street office online petitions are registered at (settings.XINFANG_PORTAL_UNIT)."""
    # Kept with the unit tree (organization.models.Unit.memo): a change to any unit,
    # a rename or a move, clears it with the tree.
    unit: Unit = Unit.memo.get(("portal", "unit"), _find_portal_unit)
    return unit


def _checked(user: User, unit: Unit) -> User:
    if user.is_active or user.has_usable_password():
        # Someone's own account by that name: their name must not sign what the public sent.
        raise ImproperlyConfigured(f"The username {PORTAL_USERNAME!r} is a person's account.")
    if user.unit_id != unit.pk:
        user.unit = unit
        user.save(update_fields=["unit"])
    return user


def _existing_account(unit: Unit) -> User | None:
    user = User.objects.select_related("unit").filter(username=PORTAL_USERNAME).first()
    return None if user is None else _checked(user, unit)


def portal_account() -> User:
    """Return the account online petitions are registered under: it cannot sign in."""
    unit = portal_unit()
    kept: User | None = Unit.memo.get(("portal", "account"), lambda: _existing_account(unit))
    if kept is not None:
        return kept
    # Made here and not kept until found again: the transaction may yet roll back.
    # get_or_create: two first submissions at once find the one account the other made.
    user, _created = User.objects.select_related("unit").get_or_create(
        username=PORTAL_USERNAME,
        defaults={
            "full_name": _("网上信访"),
            "role": Role.REGISTRAR,
            "unit": unit,
            "is_active": False,
            "password": make_password(None),  # unusable: the account never signs in
        },
    )
    return _checked(user, unit)


@dataclass(frozen=True)
class OnlinePetition:
    name: str
    id_number: str
    phone: str
    title: str
    content: str
    category_id: int | None = None
    community_id: int | None = None
    address: str = ""


def online_petition_submit(
    *,
    data: OnlinePetition,
    otp: str,
    files: Sequence[UploadedFile] = (),
    ip: str | None = None,
) -> Petition:
    """Register a petition sent online by the holder of the phone `otp` was sent to."""
    registration = RegistrationData(
        channel=Channel.ONLINE,
        title=data.title,
        content=data.content,
        petitioners=[
            PetitionerData(
                name=data.name,
                id_number=data.id_number,
                phone=data.phone,
                address=data.address,
                community_id=data.community_id,
                # The registrar's choices are not the public's: a record that names the ID
                # number otherwise stands, and a likely repeat is for the registrar to link
                # when routing. Asking the sender would tell anyone who types an ID number
                # whose it is and which cases they brought (no page may reveal that).
                on_record="keep",
            )
        ],
        category_id=data.category_id,
        community_id=data.community_id,
        address=data.address,
        not_repeat=True,
    )
    actor = portal_account()
    # One transaction spends the code and registers: a registration refused leaves the
    # code unspent. A wrong code is refused after the transaction, which counts the try.
    with transaction.atomic():
        refusal = _otp_try(data.phone, Purpose.SUBMIT, otp)
        if refusal is None:
            return petition_register(actor=actor, data=registration, files=files, ip=ip)
    raise ValidationFailed(refusal, field="otp")


# ---------------------------------------------------------------- the petitioner's steps


def _check_step(code: str, phone_last4: str, action: Action) -> None:
    # Refused here in the petitioner's words; the transition's own refusal would name
    # the internal status.
    petition = access.access_petition_by_code(code, phone_last4)
    refusal = selectors.step_refusal(petition, action, clock.today(), limits.time_limits())
    if refusal:
        raise ActionNotAllowed(refusal)


def petition_rate(
    *,
    code: str,
    phone_last4: str,
    satisfaction_unit: str,
    satisfaction_office: str,
    ip: str | None = None,
) -> Petition:
    """Record the petitioner's own rating of the handling unit and the office."""
    _check_step(code, phone_last4, Action.EVALUATE)
    data = EvaluateInput(
        satisfaction_unit=satisfaction_unit, satisfaction_office=satisfaction_office
    )
    return petition_transition_by_petitioner(
        code=code, phone_last4=phone_last4, action=Action.EVALUATE, data=data, ip=ip
    )


def petition_review_request(
    *, code: str, phone_last4: str, reason: str, ip: str | None = None
) -> Petition:
    """Record the petitioner's own request for review (复查) of the reply."""
    _check_step(code, phone_last4, Action.REQUEST_REVIEW)
    return petition_transition_by_petitioner(
        code=code,
        phone_last4=phone_last4,
        action=Action.REQUEST_REVIEW,
        data=NoteInput(note=reason),
        ip=ip,
    )


# ---------------------------------------------------------------- publicity


@dataclass(frozen=True)
class PageData:
    kind: str
    title: str
    body: str
    is_published: bool = False
    sort: int = 0


@transaction.atomic
def publicity_page_save(
    *, actor: Any, page_id: int | None, data: PageData, ip: str | None = None
) -> PublicityPage:
    """Create or change a publicity page, its body sanitised; only the petition office may."""
    if not publicity.may_edit(actor):
        raise PermissionDenied(_("只有信访部门可以编辑宣传页面。"))
    if page_id is None:
        page = PublicityPage()
    else:
        found = PublicityPage.objects.select_for_update().filter(pk=page_id).first()
        if found is None:
            raise NotFound(_("页面不存在。"))
        page = found
    body = publicity.clean_html(data.body)
    if not data.title.strip() or not body.strip():
        raise ValidationFailed(_("标题和正文不能为空。"), field="body")
    page.kind, page.title, page.body = data.kind, data.title.strip(), body
    page.is_published, page.sort = data.is_published, data.sort
    page.updated_at, page.updated_by = clock.now(), actor
    page.save()
    audit_record(
        actor=actor,
        kind="create" if page_id is None else "change",
        obj=page,
        summary=page.title,
        ip=ip,
    )
    return page
