"""Writes of the registers: disputes, key persons, sensitive periods, key projects."""

import datetime as dt
import re
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.early_warnings import rules, selectors
from xinfang.early_warnings.models import (
    ContactLog,
    Dispute,
    KeyPerson,
    KeyProject,
    ScreeningVisit,
    SensitivePeriod,
)
from xinfang.early_warnings.services.detectors import REFUSALS
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions.access import may_register, visible_q
from xinfang.petitions.models import Petition

_READ_ONLY = gettext_lazy("只读账号不能修改登记。")


def _writer(actor: Any) -> None:
    if actor.is_read_only:
        raise PermissionDenied(str(_READ_ONLY))


def _owner(actor: Any, owner_unit_id: int | None) -> int:
    """Return the owner unit, refusing none and one outside the actor's units."""
    if owner_unit_id is None:
        raise ValidationFailed(_("请指定责任单位：每一项登记都要有单位负责。"), field="owner_unit")
    if not units_visible_to(actor).filter(pk=owner_unit_id).exists():
        raise ValidationFailed(_("责任单位须为本单位或下级单位。"), field="owner_unit")
    return owner_unit_id


def _changes(obj: Any, data: dict[str, Any]) -> list[str]:
    changed = [k for k, v in data.items() if getattr(obj, k) != v]
    for k, v in data.items():
        setattr(obj, k, v)
    return changed


DISPUTE_FIELDS: Final = (
    "title",
    "kind",
    "place",
    "parties",
    "people_involved",
    "risk_level",
    "risk_reason",
    "measures",
    "status",
    "owner_unit_id",
    "cadre_id",
    "project_id",
)


def _project(actor: Any, project_id: int | None) -> int | None:
    """Return the project id, refusing one the actor may not see."""
    if (
        project_id is not None
        and not selectors.projects_for_user(actor).filter(pk=project_id).exists()
    ):
        raise ValidationFailed(_("重点项目不存在或您无权查看。"), field="project")
    return project_id


@transaction.atomic
def dispute_save(
    *, actor: Any, data: dict[str, Any], dispute_id: int | None = None, ip: str | None = None
) -> Dispute:
    """Register a dispute, or change one the actor sees; statuses only move forward."""
    _writer(actor)
    data = {k: data.get(k) for k in DISPUTE_FIELDS if k in data}
    data["owner_unit_id"] = _owner(actor, data.get("owner_unit_id"))
    data["project_id"] = _project(actor, data.get("project_id"))
    if not str(data.get("risk_reason") or "").strip():
        raise ValidationFailed(_("请写明风险研判依据。"), field="risk_reason")
    now = clock.now()
    if dispute_id is None:
        dispute = Dispute(created_at=now, updated_at=now)
        _changes(dispute, data)
        dispute.save()
        audit_record(actor=actor, kind="create", obj=dispute, summary=dispute.title, ip=ip)
        return dispute
    dispute = _dispute_for_update(actor, dispute_id)
    new_status = data.get("status", dispute.status)
    if not rules.dispute_move_allowed(dispute.status, new_status):
        raise ValidationFailed(
            _("状态不能从“%(a)s”改为“%(b)s”。")
            % {"a": dispute.get_status_display(), "b": Dispute.Status(new_status).label},
            field="status",
        )
    changed = _changes(dispute, data)
    dispute.updated_at = now
    dispute.save()
    audit_record(actor=actor, kind="change", obj=dispute, fields=changed, ip=ip)
    return dispute


def _dispute_for_update(actor: Any, dispute_id: int) -> Dispute:
    dispute = selectors.disputes_for_user(actor).select_for_update().filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound(_("矛盾纠纷不存在或您无权查看。"))
    return dispute


@transaction.atomic
def dispute_visit_add(
    *,
    actor: Any,
    dispute_id: int,
    on: dt.date,
    visitor: str,
    findings: str,
    ip: str | None = None,
) -> ScreeningVisit:
    """Record a screening visit of a dispute."""
    _writer(actor)
    dispute = _dispute_for_update(actor, dispute_id)
    if not findings.strip() or not visitor.strip():
        raise ValidationFailed(_("请填写摸排人和摸排情况。"), field="findings")
    if on > clock.today():
        raise ValidationFailed(_("摸排日期不能晚于今天。"), field="on")
    visit = ScreeningVisit.objects.create(
        dispute=dispute, on=on, visitor=visitor, findings=findings, recorded_by=actor
    )
    Dispute.objects.filter(pk=dispute.pk).update(updated_at=clock.now())
    audit_record(actor=actor, kind="create", obj=visit, summary=visitor, ip=ip)
    return visit


@transaction.atomic
def dispute_link_petition(
    *, actor: Any, dispute_id: int, number: str, ip: str | None = None
) -> Petition:
    """Link the case with `number`, one the actor may see, to a dispute."""
    _writer(actor)
    dispute = _dispute_for_update(actor, dispute_id)
    petition = _visible_case(actor, number)
    dispute.petitions.add(petition)
    audit_record(actor=actor, kind="change", obj=dispute, fields=["petitions"], ip=ip)
    return petition


def _visible_case(actor: Any, number: str) -> Petition:
    """Return the case numbered `number` if the actor may see it; NotFound otherwise."""
    # The number is XF<year>-<id>; the id finds the row, the whole number must match it.
    number = number.strip().upper()
    found = re.fullmatch(r"XF\d{4}-0*(\d{1,18})", number)
    petition = (
        Petition.objects.filter(visible_q(actor), pk=int(found.group(1))).first() if found else None
    )
    if petition is None or petition.number != number:
        raise NotFound(_("信访事项不存在或您无权查看。"))
    return petition


KEY_PERSON_FIELDS: Final = (
    "name",
    "reason",
    "reason_note",
    "level",
    "owner_unit_id",
    "cadre_id",
    "cadence_days",
    "project_id",
)


@transaction.atomic
def key_person_save(
    *, actor: Any, data: dict[str, Any], person_id: int | None = None, ip: str | None = None
) -> KeyPerson:
    """List a key person, or change one the actor sees; the cadence is at least one day."""
    _writer(actor)
    data = {k: data.get(k) for k in KEY_PERSON_FIELDS if k in data}
    data["owner_unit_id"] = _owner(actor, data.get("owner_unit_id"))
    data["project_id"] = _project(actor, data.get("project_id"))
    cadence = data.get("cadence_days")
    if cadence is None or cadence < 1:
        raise ValidationFailed(
            _("联系周期至少为 1 天：0 天的周期无法执行，也会让每一天都逾期。"),
            field="cadence_days",
        )
    if not str(data.get("name") or "").strip():
        raise ValidationFailed(_("请填写姓名。"), field="name")
    if person_id is None:
        person = KeyPerson(created_at=clock.now())
        _changes(person, data)
        _keep_next_contact(person)
        person.save()
        audit_record(actor=actor, kind="create", obj=person, summary=person.name, ip=ip)
        return person
    person = _key_person_for_update(actor, person_id)
    changed = _changes(person, data)
    _keep_next_contact(person)  # a new cadence moves the due date
    person.save()
    audit_record(actor=actor, kind="change", obj=person, fields=changed, ip=ip)
    return person


def _keep_next_contact(person: KeyPerson) -> None:
    listed = clock.local_date(person.created_at)
    person.next_contact_on = rules.contact_due(person.last_contact_on, listed, person.cadence_days)


def _key_person_for_update(actor: Any, person_id: int) -> KeyPerson:
    person = selectors.key_persons_for_user(actor).select_for_update().filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("重点人员不存在或您无权查看。"))
    return person


@transaction.atomic
def key_person_confirm(
    *, actor: Any, person_id: int, keep: bool, ip: str | None = None
) -> KeyPerson:
    """Confirm a proposed key person onto the register, or turn the proposal down."""
    _writer(actor)
    person = _key_person_for_update(actor, person_id)
    if person.status != KeyPerson.Status.PROPOSED:
        raise ValidationFailed(_("该人员不是待确认状态。"))
    person.status = KeyPerson.Status.CONFIRMED if keep else KeyPerson.Status.REMOVED
    person.save(update_fields=["status"])
    audit_record(actor=actor, kind="change", obj=person, fields=["status"], ip=ip)
    return person


@transaction.atomic
def key_person_contact_add(
    *,
    actor: Any,
    person_id: int,
    on: dt.date,
    how: str,
    note: str,
    ip: str | None = None,
) -> ContactLog:
    """Log a contact with a key person; it resets the contact's due date."""
    _writer(actor)
    person = _key_person_for_update(actor, person_id)
    if not note.strip() or not how.strip():
        raise ValidationFailed(_("请填写联系方式和情况。"), field="note")
    if on > clock.today():
        raise ValidationFailed(_("联系日期不能晚于今天。"), field="on")
    contact = ContactLog.objects.create(person=person, on=on, by=actor, how=how, note=note)
    if person.last_contact_on is None or on > person.last_contact_on:
        person.last_contact_on = on
        _keep_next_contact(person)
        person.save(update_fields=["last_contact_on", "next_contact_on"])
    audit_record(actor=actor, kind="create", obj=contact, summary=person.name, ip=ip)
    return contact


def key_person_propose_repeat(*, petition: Petition) -> KeyPerson | None:
    """Propose the case's petitioner as a key person once they reach three cases in 90 days.

    Proposed to the office that registered the case (it knows who came); never when the
    office, or a unit above it, is the unit the case accuses (Art. 46).
    """
    person_id = petition.petitioner_id
    if person_id is None or KeyPerson.objects.filter(petitioner_id=person_id).exists():
        return None
    office = petition.registered_unit
    above = office.lineage_ids()
    if petition.accused_unit_id in above:
        return None
    today = clock.local_date(petition.registered_at)
    since = petition.registered_at - dt.timedelta(days=rules.REPEAT_DAYS)
    days = [
        clock.local_date(at)
        for at in Petition.objects.filter(
            petitioner_id=person_id, registered_at__gte=since
        ).values_list("registered_at", flat=True)
    ]
    if not rules.is_repeat_petitioner(days, today):
        return None
    person = KeyPerson(
        petitioner_id=person_id,
        name=petition.petitioner.name if petition.petitioner else "",
        reason=KeyPerson.Reason.REPEAT,
        reason_note=_("%(days)d 天内信访 %(n)d 次（系统提议）")
        % {"days": rules.REPEAT_DAYS, "n": len(days)},
        status=KeyPerson.Status.PROPOSED,
        owner_unit_id=office.pk,
        created_at=clock.now(),
    )
    _keep_next_contact(person)
    person.save(force_insert=True)
    audit_record(actor=None, kind="create", obj=person, summary=person.name)
    return person


@transaction.atomic
def period_save(
    *, actor: Any, data: dict[str, Any], period_id: int | None = None, ip: str | None = None
) -> SensitivePeriod:
    """Enter or change a sensitive period; one ending before it starts is refused."""
    if not may_register(actor):
        raise PermissionDenied(_("敏感时期由信访办录入。"))
    errors = rules.check_period(data["starts_on"], data["ends_on"])
    if errors:
        field, reason = errors[0]
        raise ValidationFailed(str(REFUSALS[reason]), field=field)
    if period_id is None:
        period = SensitivePeriod()
    else:
        found = SensitivePeriod.objects.select_for_update().filter(pk=period_id).first()
        if found is None:
            raise NotFound(_("敏感时期不存在。"))
        period = found
    changed = _changes(
        period, {k: data[k] for k in ("name", "starts_on", "ends_on", "level", "note")}
    )
    period.save()
    audit_record(
        actor=actor,
        kind="create" if period_id is None else "change",
        obj=period,
        fields=changed,
        summary=period.name,
        ip=ip,
    )
    return period


@transaction.atomic
def project_save(
    *, actor: Any, data: dict[str, Any], project_id: int | None = None, ip: str | None = None
) -> KeyProject:
    """Register a key project, or change one the actor sees; it must have an owner unit."""
    _writer(actor)
    fields = {k: data.get(k) for k in ("name", "description", "started_on")}
    fields["owner_unit_id"] = _owner(actor, data.get("owner_unit_id"))
    if not str(fields["name"] or "").strip():
        raise ValidationFailed(_("请填写名称。"), field="name")
    if project_id is None:
        project = KeyProject(created_at=clock.now())
    else:
        found = selectors.projects_for_user(actor).select_for_update().filter(pk=project_id).first()
        if found is None:
            raise NotFound(_("重点项目不存在或您无权查看。"))
        project = found
    changed = _changes(project, fields)
    project.save()
    audit_record(
        actor=actor,
        kind="create" if project_id is None else "change",
        obj=project,
        fields=changed,
        summary=project.name,
        ip=ip,
    )
    return project


@transaction.atomic
def project_link_petition(
    *, actor: Any, project_id: int, number: str, ip: str | None = None
) -> Petition:
    """Link the case with `number`, one the actor may see, to a key project."""
    _writer(actor)
    project = selectors.projects_for_user(actor).select_for_update().filter(pk=project_id).first()
    if project is None:
        raise NotFound(_("重点项目不存在或您无权查看。"))
    petition = _visible_case(actor, number)
    project.petitions.add(petition)
    audit_record(actor=actor, kind="change", obj=project, fields=["petitions"], ip=ip)
    return petition
