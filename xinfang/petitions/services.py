"""Every write to petitions and petitioners.

Each function is one atomic unit: it locks the row, checks who may do what from where,
applies the change, appends a PetitionEvent and an AuditEntry. Only this module assigns
`Petition.status`. Refusals raise DomainError subclasses and leave nothing written.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_entry, audit_record
from xinfang.common.errors import (
    ActionNotAllowed,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from xinfang.common.models import AuditEntry
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_subtree_ids
from xinfang.petitions import deadlines, hooks, search, selectors, workflow
from xinfang.petitions.models import (
    Attachment,
    Category,
    Channel,
    Petition,
    Petitioner,
    PetitionEvent,
    Supervision,
    TimeLimitRule,
)
from xinfang.petitions.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from xinfang.petitions.workflow import Action, Status

K = TimeLimitRule.Key
MAX_REPRESENTATIVES = 5
COLLECTIVE_MIN_PEOPLE = 5
REGISTRAR_ROLES = workflow.OFFICE_ROLES

_SNIFF = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


# ---------------------------------------------------------------- petitioners


def _audit(into: list[AuditEntry] | None, **entry: Any) -> None:
    """Write an audit entry now, or add it to `into` for the caller to write."""
    if into is None:
        audit_record(**entry)
    else:
        into.append(audit_entry(**entry))


def petitioners_viewed(
    *,
    actor: Any,
    people: Iterable[Petitioner],
    fields: Sequence[str] = ("id_number", "phone", "address"),
    where: str = "",
    ip: str | None = None,
) -> None:
    """Audit that `actor` saw these people's identifiers in full, one entry each."""
    entries = []
    for person in {p.pk: p for p in people}.values():
        shown = [f for f in fields if getattr(person, f)]
        if shown:
            entries.append(
                audit_entry(
                    actor=actor,
                    kind="view_personal",
                    obj=person,
                    fields=shown,
                    summary=where,
                    ip=ip,
                )
            )
    AuditEntry.objects.bulk_create(entries)


@dataclass
class PetitionerData:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    community_id: int | None = None


def _clean_person(data: PetitionerData) -> PetitionerData:
    data.name = data.name.strip()
    data.id_number = normalize_id_number(data.id_number)
    data.phone = normalize_phone(data.phone)
    data.address = data.address.strip()
    if not data.name:
        raise ValidationFailed(_("请填写信访人姓名。"), field="name")
    for value, check, fname in (
        (data.id_number, validate_id_number, "id_number"),
        (data.phone, validate_phone, "phone"),
    ):
        if value:
            try:
                check(value)
            except ValidationError as e:
                raise ValidationFailed(e.messages[0], field=fname) from None
    return data


# No savepoint when nested: a refusal inside registration fails the whole registration.
@transaction.atomic(savepoint=False)
def petitioner_resolve(
    *,
    actor: Any,
    data: PetitionerData,
    ip: str | None = None,
    audit: list[AuditEntry] | None = None,
) -> Petitioner:
    """Return the known petitioner this person is, or register them.

    A match on the ID number is the same person; without one, the same phone with the
    same name is. Newly learnt identifiers are added to the known record.
    """
    data = _clean_person(data)
    person = None
    if data.id_number:
        person = Petitioner.objects.filter(id_number=data.id_number).first()
    if person is None and data.phone:
        same = Petitioner.objects.filter(phone=data.phone, name=data.name)
        if data.id_number:
            # A different ID number is a different person, whatever the phone says.
            same = same.filter(id_number="")
        person = same.first()
    if person is None:
        person = Petitioner.objects.create(
            name=data.name,
            id_number=data.id_number,
            phone=data.phone,
            address=data.address,
            community_id=data.community_id,
        )
        _audit(audit, actor=actor, kind="create", obj=person, summary=person.name, ip=ip)
        return person
    changed = [
        f
        for f in ("id_number", "phone", "address", "community_id")
        if getattr(data, f) and not getattr(person, f)
    ]
    if changed:
        for f in changed:
            setattr(person, f, getattr(data, f))
        person.save(update_fields=changed)
        _audit(audit, actor=actor, kind="change", obj=person, fields=changed, ip=ip)
    return person


# ---------------------------------------------------------------- registration


@dataclass
class RegistrationData:
    channel: str
    title: str
    content: str
    petitioners: list[PetitionerData] = field(default_factory=list)
    is_anonymous: bool = False
    head_count: int = 1
    category_id: int | None = None
    community_id: int | None = None
    address: str = ""
    accused: str = ""
    accused_unit_id: int | None = None
    repeat_of_id: int | None = None
    origin_authority: str = ""
    origin_reference: str = ""
    origin_deadline: dt.date | None = None
    is_litigation: bool = False
    merit: str = ""


def _check_registration(actor: Any, data: RegistrationData) -> None:
    if actor.role not in REGISTRAR_ROLES:
        raise PermissionDenied(_("只有登记员可以登记信访事项。"))
    if actor.unit_id is None:
        raise PermissionDenied(_("您的账号未归属任何单位，不能登记。"))
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


@transaction.atomic
def petition_register(
    *,
    actor: Any,
    data: RegistrationData,
    files: Sequence[UploadedFile] = (),
    ip: str | None = None,
) -> Petition:
    """Register a petition received through any channel and return it."""
    _check_registration(actor, data)
    now = clock.now()
    repeat_of = None
    if data.repeat_of_id:
        try:
            repeat_of = selectors.access_petition(actor, data.repeat_of_id)
        except NotFound:
            raise ValidationFailed(_("关联的原信访事项不存在。"), field="repeat_of") from None
    category_ids = Category.memo.get(
        None, lambda: set(Category.objects.values_list("pk", flat=True))
    )
    if data.category_id and data.category_id not in category_ids:
        raise ValidationFailed(_("问题分类不存在。"), field="category")
    audit: list[AuditEntry] = []  # written together at the end: one statement
    people = [petitioner_resolve(actor=actor, data=p, ip=ip, audit=audit) for p in data.petitioners]
    limits = selectors.time_limits()
    route_due = deadlines.due_date(clock.local_date(now), limits[K.ROUTE])
    petition = Petition.objects.create(
        registered_unit_id=actor.unit_id,
        owner_unit_id=actor.unit_id,
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
    if len(people) > 1 or data.channel == Channel.COLLECTIVE_VISIT:
        petition.representatives.set(people)
    _attach_all(petition, files, actor, now)
    _record(petition, actor, now, "register", "", Status.REGISTERED, "", {"channel": data.channel})
    audit.append(
        audit_entry(actor=actor, kind="create", obj=petition, summary=petition.title, ip=ip)
    )
    AuditEntry.objects.bulk_create(audit)
    hooks.after("register", petition)
    return petition


# ---------------------------------------------------------------- attachments


def _sniff(head: bytes) -> str | None:
    return next((ctype for magic, ctype in _SNIFF if head.startswith(magic)), None)


def _check_upload(upload: UploadedFile) -> str:
    """Return the sniffed content type of an acceptable upload; refuse any other."""
    if upload.size and upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationFailed(
            _("附件“%(name)s”超过20MB。") % {"name": upload.name}, field="attachments"
        )
    head = upload.read(16)
    upload.seek(0)
    ctype = _sniff(head)
    if ctype is None:
        raise ValidationFailed(
            _("附件“%(name)s”不是PDF、JPEG或PNG文件。") % {"name": upload.name},
            field="attachments",
        )
    return ctype


def _attach_all(
    petition: Petition, uploads: Sequence[UploadedFile], actor: Any, now: dt.datetime
) -> list[Attachment]:
    # Every file is checked before any is written: a refusal must leave no scanned
    # letter behind on disk, where the transaction's rollback cannot reach it.
    types = [_check_upload(u) for u in uploads]
    added = []
    for upload, ctype in zip(uploads, types, strict=True):
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        added.append(
            Attachment.objects.create(
                petition=petition,
                file=upload,
                name=(upload.name or "attachment")[:200],
                content_type=ctype,
                size=upload.size or 0,
                sha256=digest.hexdigest(),
                uploaded_by=actor,
                uploaded_at=now,
            )
        )
    return added


@transaction.atomic
def petition_attach(
    *, actor: Any, petition_id: int, files: Sequence[UploadedFile], ip: str | None = None
) -> list[Attachment]:
    """Add scanned letters or photos to a case the actor may see."""
    if actor.is_read_only:
        raise PermissionDenied(_("只读账号不能上传附件。"))
    petition = selectors.access_petition(actor, petition_id, for_update=True)
    now = clock.now()
    added = _attach_all(petition, files, actor, now)
    _record(
        petition,
        actor,
        now,
        "attach",
        petition.status,
        petition.status,
        "",
        {"files": [a.name for a in added]},
    )
    return added


# ---------------------------------------------------------------- transitions


def _record(
    petition: Petition,
    actor: Any,
    now: dt.datetime,
    action: str,
    from_status: str,
    to_status: str,
    note: str,
    details: dict[str, Any],
) -> PetitionEvent:
    return PetitionEvent.objects.create(
        petition=petition,
        at=now,
        actor=actor,
        unit_id=getattr(actor, "unit_id", None),
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        details=details,
    )


@dataclass
class Ctx:
    """What an action's effect needs: the case, who, when, the limits and the input."""

    petition: Petition
    actor: Any
    now: dt.datetime
    today: dt.date
    limits: dict[str, deadlines.TimeLimit]
    data: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, message: str) -> Any:
        value = self.data.get(key)
        if value in (None, "", []):
            raise ValidationFailed(message, field=key)
        return value


def _handling_unit(ctx: Ctx) -> Unit:
    unit_id = ctx.get("handling_unit", _("请选择承办单位。"))
    unit = Unit.objects.filter(pk=getattr(unit_id, "pk", unit_id)).first()
    # Within the actor's reach and within the registering office's jurisdiction: a case
    # for another jurisdiction is forwarded, not assigned (and visibility relies on it).
    if (
        unit is None
        or unit.pk not in unit_subtree_ids(ctx.actor.unit)
        or not unit.is_within(ctx.petition.registered_unit)
    ):
        raise ValidationFailed(_("承办单位不在本单位管辖范围内。"), field="handling_unit")
    p = ctx.petition
    accusation = p.category is not None and p.category.is_accusation
    if accusation and p.accused_unit is not None and unit.is_within(p.accused_unit):
        raise ValidationFailed(
            _("检举控告事项不得交由被检举控告的单位办理（《信访工作条例》第四十六条）。"),
            field="handling_unit",
        )
    return unit


def _assign(ctx: Ctx) -> None:
    p = ctx.petition
    unit = _handling_unit(ctx)
    p.handling_unit = p.owner_unit = unit
    p.handler = None
    p.objection_due = deadlines.due_date(ctx.today, ctx.limits[K.OBJECTION])
    ctx.details["handling_unit"] = unit.name


def _accept(ctx: Ctx) -> None:
    p = ctx.petition
    _assign(ctx)
    p.routed_at = p.accepted_at = ctx.now
    statutory = deadlines.due_date(ctx.today, ctx.limits[K.HANDLE])
    # A higher office's deadline binds when it is earlier than the statutory one.
    p.handling_due = min(statutory, p.origin_deadline) if p.origin_deadline else statutory
    leader = ctx.data.get("responsible_leader")
    if leader:
        p.responsible_leader_id = getattr(leader, "pk", leader)
    ctx.details["handling_due"] = p.handling_due.isoformat()


def _forward(ctx: Ctx) -> None:
    p = ctx.petition
    p.forwarded_to = ctx.get("forwarded_to", _("请填写转送的有权处理机关。"))
    p.routed_at = p.closed_at = ctx.now
    ctx.details["forwarded_to"] = p.forwarded_to


def _not_accept(ctx: Ctx) -> None:
    p = ctx.petition
    p.not_accept_reason = ctx.get("reason", _("请填写不予受理的理由。"))
    p.legal_channel = ctx.data.get("legal_channel") or ""
    if p.legal_channel:
        p.is_litigation = True
    p.routed_at = p.closed_at = ctx.now
    ctx.details.update(reason=p.not_accept_reason, legal_channel=p.legal_channel)


def _merge(ctx: Ctx) -> None:
    p = ctx.petition
    original_id = ctx.get("original", _("请填写并入的原信访事项编号。"))
    try:
        original = selectors.access_petition(
            ctx.actor, int(getattr(original_id, "pk", original_id))
        )
    except (NotFound, ValueError):
        raise ValidationFailed(_("原信访事项不存在。"), field="original") from None
    if original.pk == p.pk or original.status == Status.MERGED:
        raise ValidationFailed(_("不能并入自身或已并单的事项。"), field="original")
    p.merged_into = original
    p.repeat_of = p.repeat_of or original
    p.is_first_time = False
    p.routed_at = p.closed_at = ctx.now
    ctx.details["original"] = original.number


def _object(ctx: Ctx) -> None:
    p = ctx.petition
    reason = ctx.get("reason", _("请说明异议理由。"))
    if p.objection_due and ctx.today > p.objection_due:
        raise ValidationFailed(
            _("异议须在交办之日起5个工作日内提出（截至%(d)s），已逾期。") % {"d": p.objection_due},
        )
    ctx.details["reason"] = reason
    ctx.details["unit"] = p.handling_unit.name if p.handling_unit else ""


def _reassign(ctx: Ctx) -> None:
    _assign(ctx)


def _record_handling(ctx: Ctx) -> None:
    ctx.get("note", _("请填写办理情况。"))
    p = ctx.petition
    if p.handler_id is None and ctx.actor.role == "handler":
        p.handler = ctx.actor


def _request_extension(ctx: Ctx) -> None:
    p = ctx.petition
    if p.extension_days:
        raise ValidationFailed(_("该事项已延期一次，不能再次延期。"))
    days = int(ctx.get("days", _("请填写延期天数。")))
    max_days = ctx.limits[K.EXTENSION_MAX].days
    if not 1 <= days <= max_days:
        raise ValidationFailed(_("延期不得超过%(n)d日。") % {"n": max_days}, field="days")
    ctx.get("reason", _("请说明延期理由。"))
    p.extension_requested_days = days
    ctx.details["days"] = days


def _approve_extension(ctx: Ctx) -> None:
    p = ctx.petition
    p.extension_days = p.extension_requested_days
    p.extension_requested_days = 0
    p.handling_due = (p.handling_due or ctx.today) + dt.timedelta(days=p.extension_days)
    ctx.details.update(days=p.extension_days, handling_due=p.handling_due.isoformat())


def _reject_extension(ctx: Ctx) -> None:
    ctx.petition.extension_requested_days = 0


def _start_hearing(ctx: Ctx) -> None:
    ctx.petition.paused_since = ctx.today


def _end_hearing(ctx: Ctx) -> None:
    p = ctx.petition
    paused = (ctx.today - (p.paused_since or ctx.today)).days
    p.paused_days += paused
    p.paused_since = None
    p.handling_due = (p.handling_due or ctx.today) + dt.timedelta(days=paused)
    ctx.details.update(paused_days=paused, handling_due=p.handling_due.isoformat())


def _reply(ctx: Ctx) -> None:
    p = ctx.petition
    p.reply_kind = ctx.get("reply_kind", _("请选择处理意见类型。"))
    p.reply_text = ctx.get("text", _("请填写处理意见书正文。"))
    p.replied_at = ctx.now
    p.reply_overdue = deadlines.is_overdue(p.handling_due, ctx.today)
    ctx.details.update(reply_kind=p.reply_kind, overdue=p.reply_overdue)


def _evaluate(ctx: Ctx) -> None:
    p = ctx.petition
    if p.is_litigation:
        raise ValidationFailed(_("涉法涉诉事项不参加满意度评价。"))
    p.satisfaction_unit = ctx.get("satisfaction_unit", _("请选择对承办单位的评价。"))
    p.satisfaction_office = ctx.get("satisfaction_office", _("请选择对信访部门的评价。"))
    p.rated_at = ctx.now
    ctx.details.update(unit=p.satisfaction_unit, office=p.satisfaction_office)


def _follow_up(ctx: Ctx) -> None:
    p = ctx.petition
    solved = ctx.data.get("solved")
    if solved is None or solved == "":
        raise ValidationFailed(_("请填写回访结果：问题是否实际解决。"), field="solved")
    p.solved = solved in (True, "true", "True", "1", 1, "yes")
    p.followed_up_at = ctx.now
    p.closed_at = p.closed_at or ctx.now
    ctx.details["solved"] = p.solved


def _within(ctx: Ctx, since: dt.datetime | None, key: str, what: str) -> None:
    if since is None:
        return
    last = deadlines.due_date(clock.local_date(since), ctx.limits[key])
    if ctx.today > last:
        raise ValidationFailed(
            _("%(what)s须在%(days)d日内提出（截至%(last)s），已超过期限。")
            % {"what": what, "days": ctx.limits[key].days, "last": last}
        )


def _request_review(ctx: Ctx) -> None:
    p = ctx.petition
    _within(ctx, p.replied_at, K.REVIEW_REQUEST, _("复查申请"))
    p.review_requested_at = ctx.now


def _answer(ctx: Ctx) -> None:
    ctx.details["reply_kind"] = ctx.get("reply_kind", _("请选择复查（复核）意见类型。"))
    ctx.details["text"] = ctx.get("text", _("请填写意见书正文。"))


def _answer_review(ctx: Ctx) -> None:
    _answer(ctx)
    ctx.petition.review_answered_at = ctx.now


def _request_rereview(ctx: Ctx) -> None:
    p = ctx.petition
    _within(ctx, p.review_answered_at, K.REREVIEW_REQUEST, _("复核申请"))
    p.rereview_requested_at = ctx.now


def _answer_rereview(ctx: Ctx) -> None:
    _answer(ctx)
    ctx.petition.rereview_answered_at = ctx.petition.closed_at = ctx.now


def _supervise(ctx: Ctx) -> None:
    due = ctx.get("due", _("请填写督办期限。"))
    if isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due)
        except ValueError:
            raise ValidationFailed(_("督办期限日期格式不正确。"), field="due") from None
    if due < ctx.today:
        raise ValidationFailed(_("督办期限不能早于今天。"), field="due")
    note = ctx.get("note", _("请填写督办意见。"))
    Supervision.objects.create(
        petition=ctx.petition, opened_by=ctx.actor, opened_at=ctx.now, due=due, note=note
    )
    ctx.details["due"] = due.isoformat()


EFFECTS: dict[Action, Callable[[Ctx], None]] = {
    Action.ACCEPT: _accept,
    Action.FORWARD: _forward,
    Action.NOT_ACCEPT: _not_accept,
    Action.MERGE: _merge,
    Action.OBJECT: _object,
    Action.REASSIGN: _reassign,
    Action.RECORD_HANDLING: _record_handling,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension,
    Action.REJECT_EXTENSION: _reject_extension,
    Action.START_HEARING: _start_hearing,
    Action.END_HEARING: _end_hearing,
    Action.REPLY: _reply,
    Action.EVALUATE: _evaluate,
    Action.FOLLOW_UP: _follow_up,
    Action.REQUEST_REVIEW: _request_review,
    Action.ANSWER_REVIEW: _answer_review,
    Action.REQUEST_REREVIEW: _request_rereview,
    Action.ANSWER_REREVIEW: _answer_rereview,
    Action.SUPERVISE: _supervise,
}


def current_due(p: Petition, limits: dict[str, deadlines.TimeLimit]) -> dt.date | None:
    """Return the deadline that matters in the petition's status, or None."""
    status = Status(p.status)
    if status == Status.REGISTERED:
        return p.route_due
    if status in {Status.HANDLING, Status.EXTENSION_REQUESTED}:
        return p.handling_due
    if status == Status.UNDER_REVIEW and p.review_requested_at:
        return deadlines.due_date(clock.local_date(p.review_requested_at), limits[K.REVIEW_ANSWER])
    if status == Status.UNDER_REREVIEW and p.rereview_requested_at:
        return deadlines.due_date(
            clock.local_date(p.rereview_requested_at), limits[K.REREVIEW_ANSWER]
        )
    return None


def allowed_actions(actor: Any, petition: Petition) -> list[Action]:
    """Return the actions `actor` may take on `petition` now."""
    if actor.is_read_only:
        return []
    return workflow.available_actions(
        Status(petition.status), actor.role, selectors.sides_of(actor, petition)
    )


@transaction.atomic
def petition_transition(
    *,
    actor: Any,
    petition_id: int,
    action: str,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Petition:
    """Take `action` on the petition and return it; refuse with nothing written."""
    petition = selectors.access_petition(actor, petition_id, for_update=True)
    try:
        act = Action(action)
    except ValueError:
        raise ValidationFailed(_("未知的操作：%(a)s") % {"a": action}) from None
    if expected_version is not None and expected_version != petition.version:
        raise Conflict(_("该事项已被他人修改，请刷新页面查看最新情况后再操作。"))
    current = Status(petition.status)
    if (current, act) not in workflow.TRANSITIONS:
        raise ActionNotAllowed(
            _("当前状态“%(s)s”下不能执行“%(a)s”。") % {"s": current.label, "a": act.label}
        )
    if act not in allowed_actions(actor, petition):
        raise PermissionDenied(_("您无权对该事项执行“%(a)s”。") % {"a": act.label})
    now = clock.now()
    data = data or {}
    ctx = Ctx(petition, actor, now, clock.local_date(now), selectors.time_limits(), data)
    EFFECTS[act](ctx)
    new = workflow.next_status(current, act)
    petition.status = new
    petition.due_date = current_due(petition, ctx.limits)
    petition.version += 1
    petition.save()
    note = str(data.get("note") or data.get("reason") or "")
    _record(petition, actor, now, act.value, current.value, new.value, note, ctx.details)
    audit_record(
        actor=actor, kind="change", obj=petition, summary=f"{act.value}: {current}→{new}", ip=ip
    )
    hooks.after(act.value, petition)
    return petition
