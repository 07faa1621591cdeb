"""Who each ledger row's petitioner is, by the rules of registration, a batch of rows at a time.

Registration (petitions/services/petitioners.py) takes a person by the ID number (the
oldest record of it) or, failing that, by the same phone with the same name (a record
with another ID number is someone else); a name or phone written otherwise than the
record of its ID number is refused (petitions.models.person_differences); an ID number
or phone the record lacks is learnt. The import applies the same rules to each row,
against the records on file (one query a batch) and the people earlier rows named; a
refusal is the row's problem. Rows whose ID number and phone rows.py has already
normalised and validated as registration does.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from django.db.models import Q
from django.utils.translation import gettext as _

from xinfang.common.text import mask_id_number, mask_phone
from xinfang.ledger_import.mapping import LedgerMapping
from xinfang.ledger_import.rows import LABELS, Case, Problem
from xinfang.petitions.models import Petitioner, person_differences

_TARGETS: Final = {"name": "petitioner_name", "phone": "petitioner_phone"}


@dataclass(eq=False, slots=True)
class Person:
    """A petitioner on file (`pk`) or one the file names first (`row`, no `pk` until inserted)."""

    name: str
    phone: str
    id_number: str
    pk: int | None = None
    row: int = 0
    community: str = ""  # the name of the first row's community, for a new person
    learnt: set[str] = field(default_factory=set)  # fields of a record on file to update


class People:
    """The people of one import's rows: those on file, read as needed, and the new ones."""

    def __init__(self, mapping: LedgerMapping) -> None:
        self.columns = {
            f: "+".join(mapping.fields[t].columns) if t in mapping.fields else LABELS[t]
            for f, t in _TARGETS.items()
        }
        self.anonymous = _("（未留名）")
        self.known: dict[int, Person] = {}
        self.by_id: dict[str, Person | None] = {}
        self.by_contact: dict[tuple[str, str], list[Person]] = {}
        self.new: list[Person] = []  # named since the last `take`
        self.learnt: list[Person] = []  # records on file with fields to update, likewise

    def resolve(self, cases: Iterable[Case]) -> tuple[dict[int, Person], list[Problem]]:
        """Return the person of each row naming one, and the rows refused."""
        cases = list(cases)
        self._load(cases)
        found: dict[int, Person] = {}
        problems: list[Problem] = []
        for c in cases:
            if not (c.petitioner_name or c.petitioner_phone or c.petitioner_id_number):
                continue
            person = self._match(c)
            if person is None:
                person = Person(
                    c.petitioner_name or self.anonymous,
                    c.petitioner_phone,
                    c.petitioner_id_number,
                    row=c.row,
                    community=c.community,
                )
                self.new.append(person)
                self._index(person)
            else:
                differences = person_differences(
                    person,
                    id_number=c.petitioner_id_number,
                    name=c.petitioner_name,
                    phone=c.petitioner_phone,
                )
                if differences:
                    problems.append(self._mismatch(c, person, differences[0]))
                    continue
                self._learn(person, c)
            found[c.row] = person
        return found, problems

    def take(self) -> tuple[list[Person], list[Person]]:
        """Return the new people and the records with learnt fields since the last call."""
        new, learnt = self.new, self.learnt
        self.new, self.learnt = [], []
        return new, learnt

    def _load(self, cases: list[Case]) -> None:
        """Read the records on file the rows' ID numbers and contacts name, in one query."""
        ids = {c.petitioner_id_number for c in cases if c.petitioner_id_number}
        ids -= self.by_id.keys()
        contacts = {
            (c.petitioner_name or self.anonymous, c.petitioner_phone)
            for c in cases
            if c.petitioner_phone
        }
        contacts -= self.by_contact.keys()
        self.by_id.update(dict.fromkeys(ids))
        self.by_contact.update((k, []) for k in contacts)
        rules = Q()
        if ids:
            rules |= Q(id_number__in=ids)
        if contacts:
            # By the phone alone, the names compared here: half the parameters to prepare.
            rules |= Q(phone__in={p for _n, p in contacts})
        if not rules:
            return
        rows = Petitioner.objects.filter(rules).order_by("pk")
        for pk, name, phone, id_number in rows.values_list("pk", "name", "phone", "id_number"):
            person = self.known.get(pk)
            if person is None:
                person = self.known[pk] = Person(name, phone, id_number, pk=pk)
            if id_number in ids and self.by_id[id_number] is None:
                self.by_id[id_number] = person  # the oldest, as registration takes it
            if (name, phone) in contacts:
                self.by_contact[name, phone].append(person)

    def _match(self, c: Case) -> Person | None:
        if c.petitioner_id_number:
            person = self.by_id.get(c.petitioner_id_number)
            if person is not None:
                return person
        if not c.petitioner_phone:
            return None
        for person in self.by_contact[c.petitioner_name or self.anonymous, c.petitioner_phone]:
            # A record with another ID number is another person, whatever the phone says.
            if not c.petitioner_id_number or not person.id_number:
                return person
        return None

    def _index(self, person: Person) -> None:
        if person.id_number:
            self.by_id[person.id_number] = person
        if person.phone:
            self.by_contact.setdefault((person.name, person.phone), []).append(person)

    def _learn(self, person: Person, c: Case) -> None:
        """Give the record the ID number or phone the row adds, as registration does."""
        learnt = []
        if c.petitioner_id_number and not person.id_number:
            person.id_number = c.petitioner_id_number
            self.by_id[person.id_number] = person
            learnt.append("id_number")
        if c.petitioner_phone and not person.phone:
            person.phone = c.petitioner_phone
            same = self.by_contact.get((person.name, person.phone))
            if same is not None:
                same.append(person)
                same.sort(key=lambda p: (p.pk is None, p.pk or 0, p.row))
            learnt.append("phone")
        if learnt and person.pk is not None:
            if not person.learnt:
                self.learnt.append(person)
            person.learnt.update(learnt)

    def _mismatch(self, c: Case, person: Person, differs: str) -> Problem:
        values = {
            "id": mask_id_number(person.id_number),
            "name": person.name,
            "phone": mask_phone(person.phone) or _("未登记"),
            "typed": c.petitioner_name or _("未填"),
            "typed_phone": mask_phone(c.petitioner_phone) or _("未填"),
            "row": person.row,
        }
        if person.pk is None:
            message = _(
                "身份证号%(id)s在第%(row)d行为“%(name)s”（电话%(phone)s），"
                "与本行的“%(typed)s”（电话%(typed_phone)s）不一致。请核对台账。"
            )
        else:
            message = _(
                "身份证号%(id)s已登记为“%(name)s”（电话%(phone)s），"
                "与本行的“%(typed)s”（电话%(typed_phone)s）不一致。"
                "请核对台账，或先在信访人档案中更正后再导入。"
            )
        return Problem(c.row, self.columns[differs], message % values)
