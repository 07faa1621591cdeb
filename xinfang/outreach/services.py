"""Every write of publicity events, trainings, merit labels, conduct records and
legal-channel guidance: atomic, checked against who the actor is, audited.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_entry, audit_record, audit_write
from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.organization.selectors import units_visible_to
from xinfang.outreach import labels, selectors
from xinfang.outreach.models import (
    Attendance,
    ChannelGuidance,
    ConductRecord,
    EventPhoto,
    MeritLabel,
    PublicityEvent,
    Training,
)
from xinfang.petitions import access
from xinfang.petitions.models import LegalChannel, Merit
from xinfang.petitions.services.attachments import stored_files

# An event's photos at most, as many as the portal's submission takes and then some.
MAX_PHOTOS: Final = 20


def _writer(actor: Any) -> None:
    if actor.is_read_only:
        raise PermissionDenied(_("只读账号不能修改登记。"))


def _office(actor: Any) -> None:
    if not selectors.may_record_conduct(actor):
        raise PermissionDenied(_("只有信访办和领导小组可以办理此项。"))


def _owner(actor: Any, owner_unit_id: int | None) -> int:
    """Return the owner unit, refusing none and one outside the actor's units."""
    if owner_unit_id is None:
        raise ValidationFailed(_("请指定组织单位。"), field="owner_unit")
    if not units_visible_to(actor).filter(pk=owner_unit_id).exists():
        raise ValidationFailed(_("组织单位须为本单位或下级单位。"), field="owner_unit")
    return owner_unit_id


def _not_future(day: dt.date) -> dt.date:
    if day > clock.today():
        raise ValidationFailed(_("日期不能晚于今天：只登记已经开展的活动。"), field="held_on")
    return day


def _apply(obj: Any, data: Mapping[str, Any]) -> list[str]:
    changed = [k for k, v in data.items() if getattr(obj, k) != v]
    for k, v in data.items():
        setattr(obj, k, v)
    return changed


EVENT_FIELDS: Final = ("held_on", "place", "form", "audience", "materials", "owner_unit_id")


def _store_photos(
    event: PublicityEvent, uploads: Sequence[UploadedFile], actor: Any, ip: str | None
) -> list[EventPhoto]:
    if event.photos.count() + len(uploads) > MAX_PHOTOS:
        raise ValidationFailed(
            _("每项活动至多上传%(n)d个文件。") % {"n": MAX_PHOTOS}, field="photos"
        )
    now = clock.now()
    added = [
        EventPhoto.objects.create(event=event, uploaded_by=actor, uploaded_at=now, **f)
        for f in stored_files(uploads, "photo")
    ]
    audit_write(
        [audit_entry(actor=actor, kind="create", obj=p, summary=p.name, ip=ip) for p in added]
    )
    return added


@transaction.atomic
def event_save(
    *,
    actor: Any,
    data: Mapping[str, Any],
    photos: Sequence[UploadedFile] = (),
    event_id: int | None = None,
    ip: str | None = None,
) -> PublicityEvent:
    """Record a publicity event with its photos, or change one the actor sees."""
    _writer(actor)
    fields = {k: data[k] for k in EVENT_FIELDS if k in data}
    fields["owner_unit_id"] = _owner(actor, fields.get("owner_unit_id"))
    _not_future(fields["held_on"])
    now = clock.now()
    if event_id is None:
        event = PublicityEvent(created_by=actor, created_at=now, updated_at=now)
        _apply(event, fields)
        event.save()
        audit_record(actor=actor, kind="create", obj=event, summary=event.place, ip=ip)
    else:
        found = selectors.events_for_user(actor).select_for_update().filter(pk=event_id).first()
        if found is None:
            raise NotFound(_("宣传活动不存在或您无权查看。"))
        event = found
        changed = _apply(event, fields)
        event.updated_at = now
        event.save()
        audit_record(actor=actor, kind="change", obj=event, fields=changed, ip=ip)
    if photos:
        _store_photos(event, photos, actor, ip)
    return event


TRAINING_FIELDS: Final = ("topic", "trainer", "held_on", "place", "owner_unit_id")


def _attendance(actor: Any, attendance: Mapping[int, bool]) -> dict[int, bool]:
    """Return the attendance, refusing anyone outside the actor's units."""
    ids = set(attendance)
    known = set(selectors.attendee_choices(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if known != ids:
        raise ValidationFailed(_("参训人员须为本单位或下级单位的在职人员。"), field="attendees")
    return dict(attendance)


@transaction.atomic
def training_save(
    *,
    actor: Any,
    data: Mapping[str, Any],
    attendance: Mapping[int, bool],
    training_id: int | None = None,
    ip: str | None = None,
) -> Training:
    """Record a training with who was called and who came, or change one the actor sees."""
    _writer(actor)
    fields = {k: data[k] for k in TRAINING_FIELDS if k in data}
    fields["owner_unit_id"] = _owner(actor, fields.get("owner_unit_id"))
    _not_future(fields["held_on"])
    called = _attendance(actor, attendance)
    now = clock.now()
    if training_id is None:
        training = Training(created_by=actor, created_at=now, updated_at=now)
        _apply(training, fields)
        training.save()
        changed = ["attendance"]
        audit_record(actor=actor, kind="create", obj=training, summary=training.topic, ip=ip)
    else:
        found = selectors.trainings_for_user(actor).select_for_update().filter(pk=training_id)
        training_or_none = found.first()
        if training_or_none is None:
            raise NotFound(_("培训不存在或您无权查看。"))
        training = training_or_none
        changed = _apply(training, fields)
        training.updated_at = now
        training.save()
        before = dict(training.attendance.values_list("user_id", "present"))
        if before != called:
            changed.append("attendance")
        audit_record(actor=actor, kind="change", obj=training, fields=changed, ip=ip)
    if "attendance" in changed:
        training.attendance.exclude(user_id__in=called).delete()
        for user_id, present in called.items():
            Attendance.objects.update_or_create(
                training=training, user_id=user_id, defaults={"present": present}
            )
    return training


@transaction.atomic
def merit_labels_save(
    *, actor: Any, wording: Mapping[str, str], ip: str | None = None
) -> list[MeritLabel]:
    """Set the office's wording of the merit classes; the codes on cases stay as they are."""
    _office(actor)
    unknown = set(wording) - set(Merit.values)
    if unknown:
        raise ValidationFailed(_("没有这一信访性质。"), field="labels")
    now = clock.now()
    current = labels.merit_labels()
    saved = []
    for code, text in wording.items():
        label = text.strip()
        if not label:
            raise ValidationFailed(_("名称不能为空。"), field=code)
        if label == current[code]:
            continue
        row, _created = MeritLabel.objects.update_or_create(
            code=code, defaults={"label": label, "updated_at": now}
        )
        audit_record(actor=actor, kind="change", obj=row, fields=["label"], summary=label, ip=ip)
        saved.append(row)
    return saved


CONDUCT_FIELDS: Final = (
    "conduct",
    "occurred_on",
    "place",
    "legal_basis",
    "measure",
    "measure_by",
)


@transaction.atomic
def conduct_record(
    *, actor: Any, petition_id: int, data: Mapping[str, Any], ip: str | None = None
) -> ConductRecord:
    """Record unlawful conduct at a case the actor sees; it changes nothing of the case."""
    _office(actor)
    petition = access.access_petition(actor, petition_id)
    if not access.can_see_identity(actor, petition):
        # The accused unit does not learn who complained, nor what they did.
        raise NotFound(_("信访事项不存在或您无权查看。"))
    fields = {k: data[k] for k in CONDUCT_FIELDS}
    for k in ("conduct", "legal_basis", "measure", "measure_by", "place"):
        if not str(fields[k]).strip():
            raise ValidationFailed(
                _("请完整填写行为、地点、法律依据、处置措施和处置单位。"), field=k
            )
    if fields["occurred_on"] > clock.today():
        raise ValidationFailed(_("日期不能晚于今天。"), field="occurred_on")
    record = ConductRecord.objects.create(
        petition=petition, recorded_by=actor, recorded_at=clock.now(), **fields
    )
    audit_record(actor=actor, kind="create", obj=record, summary=petition.number, ip=ip)
    return record


@transaction.atomic
def channel_guidance_save(
    *,
    actor: Any,
    channel: str,
    how_to: str,
    page_id: int | None,
    ip: str | None = None,
) -> ChannelGuidance:
    """Write how a petitioner starts a legal channel, linked to a publicity page."""
    _office(actor)
    if channel not in LegalChannel.values:
        raise ValidationFailed(_("没有这一法定途径。"), field="channel")
    if not how_to.strip():
        raise ValidationFailed(_("请写明如何提出。"), field="how_to")
    # The page model lies in the portal, above this app: reached through the link itself.
    page_model = cast(type[Model], ChannelGuidance._meta.get_field("page").related_model)
    pages = page_model._default_manager
    if page_id is not None and not pages.filter(pk=page_id, kind="legal_channel").exists():
        raise ValidationFailed(_("请选择“法定途径指引”栏目的宣传页面。"), field="page")
    guidance = ChannelGuidance.objects.select_for_update().filter(channel=channel).first()
    if guidance is None:
        guidance = ChannelGuidance(channel=channel)
    changed = _apply(guidance, {"how_to": how_to, "page_id": page_id})
    guidance.updated_at, guidance.updated_by = clock.now(), actor
    guidance.save()
    audit_record(actor=actor, kind="change", obj=guidance, fields=changed, ip=ip)
    return guidance


@transaction.atomic
def petition_merit_set(*, actor: Any, petition_id: int, merit: str, ip: str | None = None) -> str:
    """Classify a case's merit and conduct (信访性质) by its stable code; empty clears it."""
    _office(actor)
    if merit and merit not in Merit.values:
        raise ValidationFailed(_("没有这一信访性质。"), field="merit")
    petition = access.access_petition(actor, petition_id, for_update=True)
    if petition.merit == merit:
        return merit
    petition.merit = merit
    petition.save(update_fields=["merit"])
    audit_record(actor=actor, kind="change", obj=petition, fields=["merit"], ip=ip)
    return merit
