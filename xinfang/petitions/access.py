"""Who may see which case, which person, which of a person's fields, and what they may do.

Every page, API endpoint, match panel, notice and download asks this module; nothing
else decides. The rules:

- A case is visible to the users of the unit that owns it (the handling unit once
  assigned, else the registering office) and of every unit above it. Anything else is
  NotFound, the same answer as a case that does not exist.
- Who the petitioner is never reaches the unit complained about (Regulations, Art. 46):
  a user whose unit is the accused unit or lies below it sees no name, representative,
  contact, query code, attachment (not even its file name), notice or file-bearing
  event detail of that case, and cannot reach the person through any other path.
- A person is visible through the cases that show them: a case the user may see whose
  identity they may see. The registry lookup answers only about such people.
- The petitioner follows their own case with its query code and the last four digits of
  its petitioner's phone; a wrong code and wrong digits get the same NotFound, after the
  same work.
- ID numbers, phones and addresses are shown in full to registrars, unit leaders, the
  leading group and administrators; masked to everyone else.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.errors import NotFound
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_scope
from xinfang.petitions import actions, limits
from xinfang.petitions.models import Attachment, Petition, Petitioner, PetitionEvent
from xinfang.petitions.workflow import CASE_LEADER_ROLES, OFFICE_ROLES, Action, Side

# Roles that see petitioners' ID numbers, phones and addresses in full.
PERSONAL_DATA_ROLES = frozenset({"registrar", "unit_leader", "leading_group", "admin"})
# Event details that name files the petitioner sent (attachments' names).
_FILE_DETAILS = frozenset({"files"})


# ---------------------------------------------------------------- cases


def visible_q(user: Any) -> Q:
    """Return the filter of the cases `user` may see: those owned within their subtree."""
    return unit_q(user.unit if user.is_authenticated else None)


def unit_q(unit: Any) -> Q:
    """Return the filter of a unit's cases: those owned within its subtree (none without one)."""
    scope = unit_scope(unit)
    if scope.ids is None:  # the whole tree: no filter, lists walk the time index
        return Q()
    if scope.broad:
        return Q(owner_unit_id__in_unindexed=scope.ids)
    return Q(owner_unit_id__in=scope.ids)


def access_petition(user: Any, pk: int, *, for_update: bool = False) -> Petition:
    """Return petition `pk` if `user` may see it; NotFound otherwise, alike for both."""
    qs = Petition.objects.filter(visible_q(user))
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.select_related(
            "category",
            "handling_unit",
            "registered_unit",
            "petitioner",
            "repeat_of",
            "merged_into",
            "handler",
            "responsible_leader",
            "registered_by",
            "accused_unit",
        ).get(pk=pk)
    except (Petition.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("信访事项不存在或您无权查看。")) from None


PHONE_DIGITS = 4


def access_petition_by_code(code: str, phone_last4: str, *, for_update: bool = False) -> Petition:
    """Return the case of query code `code` if its petitioner's phone ends in `phone_last4`.

    NotFound otherwise, alike for a wrong code and wrong digits: one indexed lookup either
    way, and the digits compared in constant time even when there is no case to compare.
    """
    qs = Petition.objects.filter(query_code=code)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    petition = qs.select_related(
        "petitioner", "registered_unit", "handling_unit", "category"
    ).first()
    phone = petition.petitioner.phone if petition and petition.petitioner else ""
    # A phone shorter than the digits asked for matches nothing, not its own tail.
    tail = phone[-PHONE_DIGITS:] if len(phone) >= PHONE_DIGITS else "\x00" * PHONE_DIGITS
    matches = constant_time_compare(tail, phone_last4)
    if petition is None or not matches:
        raise NotFound(_("查询码或手机号后四位不正确，请核对后重试。"))
    return petition


def sides_of(user: Any, petition: Petition) -> set[Side]:
    """Return which sides of `petition` the user stands on.

    Read from the units' paths (access_petition loads both units), not the unit table.
    """
    if user.unit_id is None:
        return set()
    sides = set()
    if petition.registered_unit.is_within(user.unit):
        sides.add(Side.OFFICE)
    if petition.handling_unit is not None and petition.handling_unit.is_within(user.unit):
        sides.add(Side.UNIT)
    return sides


def allowed_actions(user: Any, petition: Petition) -> list[Action]:
    """Return the actions `user` may take on `petition` now: role, side, status and guard."""
    if user.is_read_only:
        return []
    return actions.available(
        petition,
        role=user.role,
        sides=sides_of(user, petition),
        today=clock.today(),
        limits=limits.time_limits(),
    )


# ---------------------------------------------------------------- identity (Art. 46)


def _own_and_above(user: Any) -> list[int]:
    """Return the ids of the user's unit and the units above it, read from its path."""
    if user.unit_id is None:
        return []
    unit: Unit = user.unit
    return unit.lineage_ids()


def can_see_identity(user: Any, petition: Petition) -> bool:
    """Return whether `user` may see who the petitioner is (Regulations, Art. 46)."""
    # The user's unit is checked first: a user without one needs no accused unit loaded.
    if user.unit_id is None or petition.accused_unit_id is None:
        return True
    return petition.accused_unit_id not in _own_and_above(user)


def identity_visible_q(user: Any) -> Q:
    """Return the filter of the visible cases whose petitioner `user` may know."""
    return visible_q(user) & ~Q(accused_unit_id__in=_own_and_above(user))


@dataclass(frozen=True)
class Disclosure:
    """What of a case's petitioner a reader may see.

    `identity`: names, representatives, the query code, attachments, notices;
    `personal`: ID numbers, phones and addresses in full (implies `identity`).
    """

    identity: bool
    personal: bool


def disclosure(user: Any, petition: Petition) -> Disclosure:
    """Return what `user` may see of the petitioner of `petition`."""
    identity = can_see_identity(user, petition)
    return Disclosure(identity=identity, personal=identity and sees_personal_data(user))


def disclosure_rule(user: Any) -> Callable[[Petition], Disclosure]:
    """Return what `user` may see of each case's petitioner, for a list: decided once.

    The user's units and role are read here; each case adds only its accused unit, the
    rule of can_see_identity (Art. 46).
    """
    hidden = frozenset(_own_and_above(user))
    shown = Disclosure(identity=True, personal=sees_personal_data(user))
    protected = Disclosure(identity=False, personal=False)
    return lambda petition: protected if petition.accused_unit_id in hidden else shown


def access_attachment(user: Any, petition: Petition, attachment_pk: int) -> Attachment:
    """Return the case's attachment if `user` may open it; NotFound otherwise."""
    attachment = petition.attachments.filter(pk=attachment_pk).first()
    if attachment is None or not can_see_identity(user, petition):
        raise NotFound(_("附件不存在或您无权查看。"))
    return attachment


def attachments_shown(user: Any, petition: Petition) -> list[Attachment]:
    """Return the case's attachments `user` may see listed (none for the accused unit)."""
    if not can_see_identity(user, petition):
        return []
    return list(petition.attachments.all())


def check_notice(user: Any, petition: Petition, kind: str, available: list[str]) -> None:
    """Refuse a notice that does not exist for the case or names a hidden petitioner."""
    if kind not in available or not can_see_identity(user, petition):
        raise NotFound(_("告知书不存在或您无权查看。"))


def event_details(user: Any, petition: Petition, event: PetitionEvent) -> dict[str, Any]:
    """Return the event's details as `user` may see them: file names only with the identity."""
    if can_see_identity(user, petition):
        return dict(event.details)
    return {k: v for k, v in event.details.items() if k not in _FILE_DETAILS}


# ---------------------------------------------------------------- persons


def access_petitioner(user: Any, pk: int) -> Petitioner:
    """Return petitioner `pk` if a case `user` may see shows who they are; else NotFound."""
    try:
        person = Petitioner.objects.select_related("community").get(pk=pk)
    except (Petitioner.DoesNotExist, ValueError, TypeError, OverflowError):
        person = None
    if person is None or not petitioner_cases(user, person).exists():
        raise NotFound(_("信访人不存在或您无权查看。"))
    return person


def petitioner_cases(user: Any, person: Petitioner) -> QuerySet[Petition]:
    """Return the cases of `person` (as petitioner or representative) `user` may know of."""
    return Petition.objects.filter(
        identity_visible_q(user), Q(petitioner=person) | Q(representatives=person)
    )


def sees_personal_data(user: Any) -> bool:
    """Return whether `user`'s role sees a person's identifiers in full where they see the person."""
    return bool(user.role in PERSONAL_DATA_ROLES)


def registry_q(user: Any) -> Q:
    """Return the filter of the people a registry lookup by `user` may answer about."""
    known = identity_visible_q(user)
    cases = Petition.objects.filter(known)
    as_petitioner = cases.filter(petitioner_id__isnull=False).values("petitioner_id")
    as_representative = cases.filter(representatives__isnull=False).values("representatives")
    return Q(pk__in=as_petitioner) | Q(pk__in=as_representative)


def may_register(user: Any) -> bool:
    """Return whether `user` works at the petition office: registers, routes, looks people up."""
    return bool(user.role in OFFICE_ROLES)


def may_record_reception(user: Any, leader_id: int | None) -> bool:
    """Return whether `user` writes the records of a reception day held by `leader_id`.

    The office writes any day's records; a leader (who may not register otherwise) writes
    those of their own days only, and the case such a record raises is registered at the
    office that published the day (services.registration.petition_register_at_reception).
    """
    if not user.is_authenticated or user.is_read_only:
        return False
    if may_register(user):
        return True
    return bool(user.pk == leader_id and user.role in CASE_LEADER_ROLES)
