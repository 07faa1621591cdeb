"""The writes of a ledger import: petitioners, cases and their events, a batch at a time.

Called by services._write inside its transaction, once the rows are checked and their
units and categories exist. Each case becomes one tuple of column values (no model
instance, no per-field preparation: inserts.RawInsert); what is the same for many rows
is worked out once: the ids of units and categories by name, a day's deadlines and a
moment's local day, the event's note. A row's petitioner is the one registration would
take (people.py), its records on file read a batch at a time.
"""

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any, Final

from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.common.audit import audit_entry, audit_write
from xinfang.common.errors import ValidationFailed
from xinfang.ledger_import.inserts import RawInsert
from xinfang.ledger_import.people import People, Person
from xinfang.ledger_import.rows import Case, status_of
from xinfang.organization.models import Unit
from xinfang.petitions import deadlines, limits
from xinfang.petitions.models import (
    QUERY_CODE_ALPHABET,
    QUERY_CODE_LENGTH,
    Petition,
    Petitioner,
    PetitionEvent,
    TimeLimitRule,
)
from xinfang.petitions.workflow import OPEN_STATUSES, Status

K = TimeLimitRule.Key
# Two characters of a query code for each 10 bits: QUERY_CODE_ALPHABET[b & 31] first.
_PAIRS: Final = [QUERY_CODE_ALPHABET[i & 31] + QUERY_CODE_ALPHABET[i >> 5] for i in range(1024)]
PETITION_COLUMNS: Final = (
    "registered_unit_id",
    "owner_unit_id",
    "handling_unit_id",
    "registered_by_id",
    "channel",
    "petitioner_id",
    "is_anonymous",
    "head_count",
    "title",
    "content",
    # Filled by ledger_index once the cases are committed: segmenting the text costs
    # more than all the rest of the import.
    "search_text",
    "query_code",
    "category_id",
    "community_id",
    "address",
    "is_first_time",
    "external_ref",
    "status",
    "due_date",
    "registered_at",
    "route_due",
    "routed_at",
    "accepted_at",
    "handling_due",
    "replied_at",
    "reply_kind",
    "reply_text",
    "reply_overdue",
    "rated_at",
    "satisfaction_unit",
    "satisfaction_office",
    "followed_up_at",
    "solved",
    "closed_at",
)
EVENT_COLUMNS: Final = (
    "petition_id",
    "at",
    "actor_id",
    "unit_id",
    "action",
    "from_status",
    "to_status",
    "note",
    "details",
)
PETITIONER_COLUMNS: Final = ("name", "phone", "id_number", "community_id", "created_at")


def query_code() -> str:
    """Return a query code as petitions.models.new_query_code does, from one draw of 60 bits."""
    bits = secrets.randbits(QUERY_CODE_LENGTH * 5)
    return "".join(_PAIRS[(bits >> (10 * i)) & 1023] for i in range(QUERY_CODE_LENGTH // 2))


class Writer:
    """Inserts batches of checked cases, their petitioners and events."""

    def __init__(
        self,
        *,
        actor: Any,
        unit: Unit,
        units: dict[str, list[Unit]],
        categories: dict[str, list[Any]],
        file_name: str,
        people: People,
    ) -> None:
        """`units`, `categories`: the references by name, those the import created included."""
        self.actor_id, self.unit_id, self.file = actor.pk, unit.pk, file_name
        self.unit_ids = {name: found[0].pk for name, found in units.items() if found}
        self.community_ids = {
            name: next(u.pk for u in found if u.kind == Unit.Kind.COMMUNITY)
            for name, found in units.items()
            if any(u.kind == Unit.Kind.COMMUNITY for u in found)
        }
        self.category_ids = {name: found[0].pk for name, found in categories.items() if found}
        self.limits = limits.time_limits()
        self.days: dict[dt.datetime, tuple[dt.date, dt.date, dt.date]] = {}
        self.local_days: dict[dt.datetime, dt.date] = {}
        self.actor, self.people = actor, people
        self.petitions = RawInsert(Petition, PETITION_COLUMNS)
        self.events = RawInsert(PetitionEvent, EVENT_COLUMNS)
        self.petitioners = RawInsert(Petitioner, PETITIONER_COLUMNS)
        self.note = _("由台账导入：%(file)s 第%(row)d行")
        self.ids: list[int] = []

    def write(self, cases: Sequence[Case]) -> None:
        people = self._petitioners(cases)
        ids = self.petitions.ids(len(cases))
        statuses: list[str] = []
        self.petitions.insert(ids, (self._petition(c, people.get(c.row), statuses) for c in cases))
        self.ids += ids
        self.events.insert(
            self.events.ids(len(cases)),
            (self._event(c, pk, s) for c, pk, s in zip(cases, ids, statuses, strict=True)),
        )

    def _petitioners(self, cases: Sequence[Case]) -> dict[int, int]:
        """Return the petitioner's id of each row that names one, creating the new ones.

        The people were resolved by the dry run's rules (people.py) already; resolved again
        here, in the transaction, a refusal means the records changed in between.
        """
        found, problems = self.people.resolve(cases)
        if problems:
            raise ValidationFailed(str(problems[0]))
        new, learnt = self.people.take()
        ids = self.petitioners.ids(len(new))
        now = timezone.now()
        for person, pk in zip(new, ids, strict=True):
            person.pk = pk
        self.petitioners.insert(
            ids,
            ((p.name, p.phone, p.id_number, self.community_ids.get(p.community), now) for p in new),
        )
        if learnt:
            self._learnt(learnt)
        return {row: person.pk for row, person in found.items() if person.pk is not None}

    def _learnt(self, people: Sequence[Person]) -> None:
        """Write the ID numbers and phones rows added to records on file, audited."""
        records = [
            Petitioner(pk=p.pk, name=p.name, phone=p.phone, id_number=p.id_number) for p in people
        ]
        fields = sorted({f for p in people for f in p.learnt})
        Petitioner.objects.bulk_update(records, fields)
        audit_write(
            [
                audit_entry(actor=self.actor, kind="change", obj=r, fields=sorted(p.learnt))
                for r, p in zip(records, people, strict=True)
            ]
        )
        for p in people:
            p.learnt.clear()

    def _registration(self, at: dt.datetime) -> tuple[dt.date, dt.date, dt.date]:
        """Return the local day of a registration, its route and its handling deadline."""
        found = self.days.get(at)
        if found is None:
            day = timezone.localdate(at)
            found = self.days[at] = (
                day,
                deadlines.due_date(day, self.limits[K.ROUTE]),
                deadlines.due_date(day, self.limits[K.HANDLE]),
            )
        return found

    def _local_day(self, at: dt.datetime) -> dt.date:
        day = self.local_days.get(at)
        if day is None:
            day = self.local_days[at] = timezone.localdate(at)
        return day

    def _petition(
        self, case: Case, petitioner_id: int | None, statuses: list[str]
    ) -> tuple[Any, ...]:
        status = status_of(case)
        statuses.append(status.value)
        registered = case.registered_at
        _day, route_due, handle_due = self._registration(registered)
        routed = case.replied_at is not None or bool(case.handling_unit)
        handling_due = case.handling_due or (handle_due if routed else None)
        handling_unit_id = self.unit_ids[case.handling_unit] if case.handling_unit else None
        replied_day = self._local_day(case.replied_at) if case.replied_at else None
        due_date = None
        if status in OPEN_STATUSES:
            due_date = route_due if status == Status.REGISTERED else handling_due
        return (
            self.unit_id,
            handling_unit_id or self.unit_id,
            handling_unit_id,
            self.actor_id,
            case.channel,
            petitioner_id,
            petitioner_id is None,
            case.head_count,
            case.title,
            case.content,
            "",
            query_code(),
            self.category_ids[case.category] if case.category else None,
            self.community_ids[case.community] if case.community else None,
            case.address,
            case.is_first_time,
            case.external_ref,
            status.value,
            due_date,
            registered,
            route_due,
            registered if routed else None,
            registered if routed else None,
            handling_due,
            case.replied_at,
            case.reply_kind,
            case.reply_text,
            replied_day > handling_due if replied_day and handling_due else None,
            # The file has the rating but not its day: the earliest it can have been given.
            case.replied_at if case.satisfaction else None,
            case.satisfaction,
            case.satisfaction,
            case.followed_up_at,
            case.solved,
            case.followed_up_at,
        )

    def _event(self, case: Case, petition_id: int, status: str) -> tuple[Any, ...]:
        return (
            petition_id,
            case.registered_at,
            self.actor_id,
            self.unit_id,
            "register",
            "",
            status,
            self.note % {"file": self.file, "row": case.row},
            {
                "imported": True,
                "file": self.file,
                "row": case.row,
                "external_ref": case.external_ref,
                "channel": case.channel,
            },
        )
