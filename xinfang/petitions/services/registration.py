"""Registration: a petition received through any channel enters the register."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_entry, audit_write
from xinfang.common.errors import PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.petitions import access, deadlines, limits, repeats, search, selectors
from xinfang.petitions.inputs import COLLECTIVE_MIN_PEOPLE, MAX_REPRESENTATIVES, RegistrationData
from xinfang.petitions.models import (
    Channel,
    Petition,
    Petitioner,
    PetitionEvent,
    TimeLimitRule,
)
from xinfang.petitions.services.attachments import attach_all
from xinfang.petitions.services.history import record_event
from xinfang.petitions.services.petitioners import petitioner_resolve_or_create
from xinfang.petitions.workflow import Status

K = TimeLimitRule.Key


def _check_registration(data: RegistrationData) -> None:
    if data.channel not in Channel.values:
        raise ValidationFailed(_("请选择信访形式。"), field="channel")
    if not data.title.strip() or not data.content.strip():
        raise ValidationFailed(_("标题和信访内容不能为空。"), field="content")
    if not data.is_anonymous and not data.petitioners:
        raise ValidationFailed(_("请填写信访人，或勾选匿名。"), field="petitioners")
    if data.channel == Channel.COLLECTIVE_VISIT:
        if data.head_count < COLLECTIVE_MIN_PEOPLE:
            raise ValidationFailed(
                _("集体访指5人以上就同一事项来访，请填写人数。"), field="head_count"
            )
        if len(data.petitioners) > MAX_REPRESENTATIVES:
            raise ValidationFailed(
                _("集体访推选代表不得超过5人，当前填写了%(n)d人。") % {"n": len(data.petitioners)},
                field="petitioners",
            )
    elif data.head_count < 1:
        raise ValidationFailed(_("人数至少为1。"), field="head_count")
    if data.channel in {Channel.ASSIGNED, Channel.FORWARDED} and not data.origin_authority:
        raise ValidationFailed(
            _("上级交办、转送的事项须填写交办/转送机关。"), field="origin_authority"
        )


def _refuse_likely_repeat(actor: Any, known: list[int], title: str, now: Any) -> None:
    """Refuse to count as first-time a matter a person on file brought lately (repeats.py)."""
    similar = repeats.likely_repeats(actor, known, title, now)
    if similar:
        raise ValidationFailed(
            _(
                "该信访人近30日内已登记相似事项%(numbers)s。同一事项请关联为重复信访；"
                "确属新的事项，请勾选“确认为新事项”。"
            )
            % {"numbers": "、".join(p.number for p in similar[:3])},
            field="repeat_of",
        )


@dataclass(frozen=True)
class Registered:
    """What a registration wrote, as it wrote it: the case, its first event, its people.

    `representatives` are the case's representatives (empty unless several people or a
    collective visit), so that an answer built from them needs no read of what was just
    written (api.v1.petition_create).
    """

    petition: Petition
    event: PetitionEvent
    representatives: list[Petitioner]


def _check_registrar(actor: Any) -> None:
    if not access.may_register(actor):
        raise PermissionDenied(_("只有登记员可以登记信访事项。"))
    if actor.unit_id is None:
        raise PermissionDenied(_("您的账号未归属任何单位，不能登记。"))


def petition_register(
    *,
    actor: Any,
    data: RegistrationData,
    files: Sequence[UploadedFile] = (),
    ip: str | None = None,
) -> Petition:
    """Register a petition received through any channel and return it."""
    return petition_registration(actor=actor, data=data, files=files, ip=ip).petition


@transaction.atomic
def petition_registration(
    *,
    actor: Any,
    data: RegistrationData,
    files: Sequence[UploadedFile] = (),
    ip: str | None = None,
) -> Registered:
    """Register as petition_register does; return the case with its event and people."""
    _check_registrar(actor)
    return _register(actor, actor.unit_id, data, files, ip)


@transaction.atomic
def petition_register_at_reception(
    *, actor: Any, leader_id: int, unit: Any, data: RegistrationData, ip: str | None = None
) -> Petition:
    """Register the case a leader's reception record raises, at `unit`, the day's office.

    For the day's own leader, who holds no registering role: only a reception's case
    (access.may_record_reception), and only at an office within the leader's own units,
    so that the case they are to take charge of is one they see.
    """
    if not access.may_record_reception(actor, leader_id):
        raise PermissionDenied(_("只有接访领导和信访部门可以填写接访记录。"))
    if data.channel != Channel.RECEPTION:
        raise PermissionDenied(_("只有登记员可以登记信访事项。"))
    if actor.unit_id is None or not unit.is_within(actor.unit):
        raise PermissionDenied(_("接访日的发布单位不在您的管辖范围内，请由信访部门登记。"))
    return _register(actor, unit.pk, data, (), ip).petition


def _register(
    actor: Any,
    unit_id: int,
    data: RegistrationData,
    files: Sequence[UploadedFile],
    ip: str | None,
) -> Registered:
    _check_registration(data)
    now = clock.now()
    repeat_of = None
    if data.repeat_of_id:
        # Only its id is needed: not the ten relations access_petition loads for a page.
        repeat_of = (
            Petition.objects.filter(access.visible_q(actor), pk=data.repeat_of_id)
            .only("pk")
            .first()
        )
        if repeat_of is None:
            raise ValidationFailed(_("关联的原信访事项不存在。"), field="repeat_of")
    if data.category_id and data.category_id not in selectors.categories_by_id():
        raise ValidationFailed(_("问题分类不存在。"), field="category")
    audit: list[AuditEntry] = []  # written together at the end: one statement
    resolved = [
        petitioner_resolve_or_create(actor=actor, data=p, ip=ip, audit=audit)
        for p in data.petitioners
    ]
    people = [person for person, _new in resolved]
    if repeat_of is None and not data.not_repeat:
        _refuse_likely_repeat(actor, [p.pk for p, new in resolved if not new], data.title, now)
    in_force = limits.time_limits()
    route_due = deadlines.due_date(clock.local_date(now), in_force[K.ROUTE])
    petition = Petition.objects.create(
        registered_unit_id=unit_id,
        owner_unit_id=unit_id,
        registered_by=actor,
        channel=data.channel,
        origin_authority=data.origin_authority,
        origin_reference=data.origin_reference,
        origin_deadline=data.origin_deadline,
        petitioner=people[0] if people else None,
        is_anonymous=data.is_anonymous and not people,
        head_count=data.head_count,
        title=data.title.strip(),
        content=data.content.strip(),
        search_text=search.document(data.title, data.content),
        category_id=data.category_id,
        community_id=data.community_id,
        address=data.address,
        accused=data.accused,
        accused_unit_id=data.accused_unit_id,
        merit=data.merit,
        is_litigation=data.is_litigation,
        repeat_of=repeat_of,
        is_first_time=repeat_of is None,
        registered_at=now,
        route_due=route_due,
        due_date=route_due,
    )
    representatives: list[Petitioner] = []
    if len(people) > 1 or data.channel == Channel.COLLECTIVE_VISIT:
        # A new case has no representatives yet: one INSERT, without set()'s read first.
        representatives = list({p.pk: p for p in people}.values())
        through = Petition.representatives.through
        through.objects.bulk_create(
            through(petition_id=petition.pk, petitioner_id=p.pk) for p in representatives
        )
    attach_all(petition, files, actor, now, audit=audit, ip=ip)
    event = record_event(
        petition, actor, now, "register", "", Status.REGISTERED, "", {"channel": data.channel}
    )
    audit.append(
        audit_entry(actor=actor, kind="create", obj=petition, summary=petition.title, ip=ip)
    )
    audit_write(audit)
    return Registered(petition, event, representatives)
