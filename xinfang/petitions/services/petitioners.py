"""Writes about petitioners: who they are (resolved or registered) and who saw them in full."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.common.audit import audit_entry, audit_record, audit_write
from xinfang.common.compiled import Compiled
from xinfang.common.errors import ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.common.text import mask_phone
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Petitioner
from xinfang.petitions.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)


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
    audit_write(entries)


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


def _matches(phone: str, name: str, id_number: str) -> QuerySet[Petitioner]:
    """The person on file these identifiers name; one query asks both rules."""
    rules = Q()
    if phone:
        rules = Q(phone=phone, name=name)
        if id_number:
            # A different ID number is a different person, whatever the phone says.
            rules &= Q(id_number="")
    order: list[Any] = ["pk"]
    if id_number:
        rules |= Q(id_number=id_number)
        # The ID number outranks the phone: its match first, then the oldest record.
        order.insert(0, ExpressionWrapper(Q(id_number=id_number), BooleanField()).desc())
    return Petitioner.objects.filter(rules).order_by(*order)[:1]


def _match_params(_connection: Any, phone: str, name: str, id_number: str) -> list[str]:
    # In the order the ORM binds them (compiled.py checks it).
    by_phone = [name, phone] if phone else []
    if not id_number:
        return by_phone
    return [*by_phone, *([""] if phone else []), id_number, id_number]


# Every registration asks: compiled once per connection, for each of the three shapes.
_MATCH = {
    (phone, id_number): Compiled(
        _matches,
        _match_params,
        ("13800000000" if phone else "", "张三", "330106198503120021" if id_number else ""),
    )
    for phone in (True, False)
    for id_number in (True, False)
    if phone or id_number
}


def _known_person(data: PetitionerData) -> Petitioner | None:
    """Return the person on file these identifiers name, the ID number's match first."""
    if not (data.phone or data.id_number):
        return None
    match = _MATCH[bool(data.phone), bool(data.id_number)]
    return match.first(data.phone, data.name, data.id_number, using=router.db_for_read(Petitioner))


ON_RECORD_CHOICES = ("keep", "update")


def _mismatch_message(person: Petitioner, data: PetitionerData) -> str:
    return _(
        "身份证号%(id)s已登记为“%(name)s”（电话%(phone)s），与本次填写的“%(typed)s”（电话%(typed_phone)s）"
        "不一致。请核对：以档案为准，或以本次填写更新信访人档案。"
    ) % {
        "id": person.masked_id_number,
        "name": person.name,
        "phone": person.masked_phone or _("未登记"),
        "typed": data.name,
        "typed_phone": mask_phone(data.phone) or _("未填"),
    }


# No savepoint when nested: a refusal inside registration fails the whole registration.
@transaction.atomic(savepoint=False)
def petitioner_resolve(
    *,
    actor: Any,
    data: PetitionerData,
    ip: str | None = None,
    audit: list[AuditEntry] | None = None,
) -> Petitioner:
    """Return the known petitioner this person is, or register them."""
    return petitioner_resolve_or_create(actor=actor, data=data, ip=ip, audit=audit)[0]


@transaction.atomic(savepoint=False)
def petitioner_resolve_or_create(
    *,
    actor: Any,
    data: PetitionerData,
    ip: str | None = None,
    audit: list[AuditEntry] | None = None,
) -> tuple[Petitioner, bool]:
    """Return the known petitioner this person is, or register them; and whether they are new.

    A match on the ID number is the same person; without one, the same phone with the
    same name is. Newly learnt identifiers are added to the known record. A name or phone
    typed otherwise than the record of the ID number is refused until the registrar says
    whether the record stands (`on_record="keep"`) or is updated (`"update"`, audited).
    """
    data = _clean_person(data)
    person = _known_person(data)
    if person is None:
        person = Petitioner.objects.create(
            name=data.name,
            id_number=data.id_number,
            phone=data.phone,
            address=data.address,
            community_id=data.community_id,
        )
        _audit(audit, actor=actor, kind="create", obj=person, summary=person.name, ip=ip)
        return person, True
    differences = person.differs_from(id_number=data.id_number, name=data.name, phone=data.phone)
    if differences and data.on_record not in ON_RECORD_CHOICES:
        raise ValidationFailed(_mismatch_message(person, data), field="on_record")
    replaced = differences if data.on_record == "update" else []
    changed = replaced + [
        f
        for f in ("id_number", "phone", "address", "community_id")
        if f not in replaced and getattr(data, f) and not getattr(person, f)
    ]
    if changed:
        summary = (
            _("以登记时填写更新档案：%(old)s → %(new)s")
            % {
                "old": "、".join(_shown(person, f) for f in replaced),
                "new": "、".join(_shown(data, f) for f in replaced),
            }
            if replaced
            else ""
        )
        for f in changed:
            setattr(person, f, getattr(data, f))
        person.save(update_fields=changed)
        _audit(
            audit, actor=actor, kind="change", obj=person, fields=changed, summary=summary, ip=ip
        )
    return person, False


def _shown(who: Petitioner | PetitionerData, field: str) -> str:
    value: str = getattr(who, field)
    return mask_phone(value) if field == "phone" else value
