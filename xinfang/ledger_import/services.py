"""Importing a petition ledger (信访台账): every write of the import, and its dry run.

`ledger_check` reads the whole file, checks every row and resolves its units and
category against tables read once (no query per row), and writes nothing.
`ledger_import` does the same and then, in one transaction, creates what `create`
allows, the petitioners and the cases in batches, each case with one event that says
it was imported: all or nothing, or with `skip_invalid` the valid rows and a CSV of the
rejected ones beside the input. A case whose `external_ref` the registered unit already
has is skipped, so the same file read again creates nothing.

An imported case keeps the dates of the file and its status follows from them
(rows.status_of). What the file cannot say is taken as the statutory rule would have
it and documented in docs/import.md: routed and accepted on the day of registration,
the route and handling deadlines counted from it unless the file gives the latter.
"""

import csv
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_entry, audit_write
from xinfang.common.errors import PermissionDenied, ValidationFailed
from xinfang.ledger_import.mapping import LedgerMapping, MappingError
from xinfang.ledger_import.people import People
from xinfang.ledger_import.reading import FileRefused, Table, read_table
from xinfang.ledger_import.rows import LABELS, Case, Problem, RowReader, status_of
from xinfang.ledger_import.writing import Writer
from xinfang.organization.models import Unit
from xinfang.organization.services import unit_create
from xinfang.petitions import access, events, search
from xinfang.petitions.models import (
    Category,
    Channel,
    Petition,
    ReplyKind,
    Satisfaction,
)
from xinfang.petitions.services import category_save

log = logging.getLogger(__name__)
BATCH: Final = 2000
PREVIEW_ROWS: Final = 10
# Where a category the mapping may create goes when its name gives no first level.
IMPORTED_PARENT: Final = "台账导入"
CATEGORY_SEPARATOR: Final = " / "

Progress = Callable[[int, int], None]


@dataclass
class Report:
    """What a check or an import found and did; `as_dict` is the command's last line."""

    total: int = 0
    created: int = 0
    skipped: int = 0
    errors: list[Problem] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    rejected_file: str = ""
    # The cases created, for ledger_index.
    case_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "skipped": self.skipped,
            "errors": [str(p) for p in self.errors],
        }

    def details(self) -> dict[str, Any]:
        """Return everything the page shows of the report, as JSON."""
        return {
            "total": self.total,
            "created": self.created,
            "skipped": self.skipped,
            "errors": [p.as_dict() for p in self.errors],
            "preview": self.preview,
            "new_units": self.new_units,
            "new_categories": self.new_categories,
            "rejected_file": self.rejected_file,
        }


def may_import(user: Any, unit: Unit) -> bool:
    """Return whether `user` may import cases registered by `unit`: its office, or an admin above."""
    if not access.may_register(user) or user.unit_id is None:
        return False
    if user.unit_id == unit.pk:
        return True
    return bool(user.role == "admin" and unit.is_within(user.unit))


def registered_unit_for(actor: Any, mapping: LedgerMapping) -> Unit:
    """Return the unit the mapping registers the cases by, if `actor` may import for it."""
    units = list(Unit.objects.filter(name=mapping.registered_unit)[:2])
    if not units:
        raise ValidationFailed(
            _("登记单位“%(unit)s”不存在。") % {"unit": mapping.registered_unit},
            field="registered_unit",
        )
    if len(units) > 1:
        raise ValidationFailed(
            _("有多个名为“%(unit)s”的单位，无法确定登记单位。") % {"unit": mapping.registered_unit},
            field="registered_unit",
        )
    if not may_import(actor, units[0]):
        raise PermissionDenied(
            _("只有“%(unit)s”的信访办（登记员、管理员）可以导入它登记的事项。")
            % {"unit": units[0].name}
        )
    return units[0]


class _References:
    """The units and categories rows name, read once; names that `create` allows collected."""

    def __init__(self, unit: Unit, mapping: LedgerMapping) -> None:
        self.unit, self.mapping = unit, mapping
        self.units: dict[str, list[Unit]] = defaultdict(list)
        for u in Unit.objects.filter(path__startswith=unit.path):
            self.units[u.name].append(u)
        self.categories: dict[str, list[Category]] = defaultdict(list)
        for c in Category.objects.filter(parent__isnull=False).select_related("parent"):
            self.categories[str(c)].append(c)
            self.categories[c.name].append(c)
        self.new_units: dict[str, str] = {}  # name → the unit kind it is created as
        self.new_categories: list[str] = []
        self.found: dict[tuple[str, str], str] = {}  # (target, name) → its problem, or ""

    def check(self, case: Case) -> list[Problem]:
        problems = []
        for target, kind in (
            ("handling_unit", Unit.Kind.DEPARTMENT),
            ("community", Unit.Kind.COMMUNITY),
        ):
            name = getattr(case, target)
            if name and (message := self._known(target, name, kind)):
                problems.append(Problem(case.row, self._column(target), message))
        if case.category and (message := self._known("category", case.category, "")):
            problems.append(Problem(case.row, self._column("category"), message))
        return problems

    def _known(self, target: str, name: str, kind: str) -> str:
        """Return what is wrong with the unit or category `name`, worked out once per name."""
        key = (target, name)
        message = self.found.get(key)
        if message is None:
            message = self.found[key] = (
                self._category(name) if target == "category" else self._unit(target, name, kind)
            )
        return message

    def _column(self, target: str) -> str:
        return "+".join(self.mapping.fields[target].columns) or LABELS[target]

    def _unit(self, target: str, name: str, kind: str) -> str:
        found = self.units.get(name, [])
        if target == "community":
            found = [u for u in found if u.kind == Unit.Kind.COMMUNITY]
        if len(found) == 1 or name in self.new_units:
            return ""
        if len(found) > 1:
            return _("“%(u)s”下有多个名为“%(n)s”的单位。") % {"u": self.unit.name, "n": name}
        if self.mapping.fields[target].create:
            self.new_units[name] = kind
            return ""
        return _("“%(u)s”下没有名为“%(n)s”的单位（可在映射中用 values 对照，或设 create）。") % {
            "u": self.unit.name,
            "n": name,
        }

    def _category(self, name: str) -> str:
        found = self.categories.get(name, [])
        if len(found) == 1 or name in self.new_categories:
            return ""
        if len(found) > 1:
            return _("有多个名为“%(n)s”的问题分类，请写成“一级分类 / 二级分类”。") % {"n": name}
        if self.mapping.fields["category"].create:
            self.new_categories.append(name)
            return ""
        return _("没有名为“%(n)s”的问题分类（可在映射中用 values 对照，或设 create）。") % {
            "n": name
        }

    def create(self, actor: Any) -> None:
        """Create the units and categories the rows named and `create` allows."""
        for name, kind in self.new_units.items():
            unit = unit_create(actor=actor, unit=Unit(name=name, kind=kind, parent=self.unit))
            self.units[name] = [unit]
        parents = {c.name: c for c in Category.objects.filter(parent__isnull=True)}
        for name in self.new_categories:
            first, _sep, second = name.rpartition(CATEGORY_SEPARATOR)
            first = first or IMPORTED_PARENT
            if first not in parents:
                parents[first] = category_save(actor=actor, category=Category(name=first))
            leaf = category_save(actor=actor, category=Category(name=second, parent=parents[first]))
            self.categories[name] = [leaf]

    def unit_id(self, name: str) -> int | None:
        return self.units[name][0].pk if name else None

    def community_id(self, name: str) -> int | None:
        if not name:
            return None
        return next(u.pk for u in self.units[name] if u.kind == Unit.Kind.COMMUNITY)

    def category_id(self, name: str) -> int | None:
        return self.categories[name][0].pk if name else None


def _choices() -> dict[str, dict[str, str]]:
    return {
        "channel": {str(v): str(label) for v, label in Channel.choices},
        "reply_kind": {str(v): str(label) for v, label in ReplyKind.choices},
        "satisfaction": {str(v): str(label) for v, label in Satisfaction.choices},
    }


@dataclass
class _Checked:
    unit: Unit
    table: Table
    cases: list[Case]
    refs: _References
    report: Report
    rows: dict[int, tuple[Any, ...]]


def _check(
    actor: Any, path: Path, name: str, mapping: LedgerMapping, progress: Progress
) -> _Checked:
    unit = registered_unit_for(actor, mapping)
    report = Report()
    try:
        table = read_table(path, mapping.source, name)
        reader = RowReader(
            mapping,
            table.headers,
            tz=timezone.get_current_timezone(),
            today=clock.today(),
            choices=_choices(),
            exact_width=table.exact_width,
        )
    except (FileRefused, MappingError) as e:
        report.errors.append(Problem(0, "", str(e)))
        return _Checked(unit, Table([], []), [], _References(unit, mapping), report, {})
    report.total = len(table.rows)
    refs = _References(unit, mapping)
    known = set(
        Petition.objects.filter(registered_unit=unit)
        .exclude(external_ref="")
        .values_list("external_ref", flat=True)
    )
    first_row: dict[str, int] = {}
    cases: list[Case] = []
    for i, (number, cells) in enumerate(table.rows):
        case, problems = reader.read(number, cells)
        if case is not None:
            problems = refs.check(case)
            if case.external_ref in first_row:
                problems.append(
                    Problem(
                        number,
                        "+".join(mapping.fields["external_ref"].columns) or LABELS["external_ref"],
                        _("编号“%(ref)s”与第%(row)d行重复。")
                        % {"ref": case.external_ref, "row": first_row[case.external_ref]},
                    )
                )
            else:
                first_row[case.external_ref] = number
        if problems:
            report.errors += problems
        elif case is not None and case.external_ref in known:
            report.skipped += 1
        elif case is not None:
            cases.append(case)
        if i % BATCH == 0:
            progress(i, len(table.rows))
    cases = _people_checked(mapping, cases, report)
    report.preview = [_preview(c) for c in cases[:PREVIEW_ROWS]]
    report.new_units = list(refs.new_units)
    report.new_categories = list(refs.new_categories)
    return _Checked(unit, table, cases, refs, report, dict(table.rows))


def _people_checked(mapping: LedgerMapping, cases: list[Case], report: Report) -> list[Case]:
    """Return the cases whose petitioner registration's rules accept; report the others."""
    people, kept, refused = People(mapping), [], []
    for start in range(0, len(cases), BATCH):
        batch = cases[start : start + BATCH]
        _found, problems = people.resolve(batch)
        rows = {p.row for p in problems}
        refused += problems
        kept += [c for c in batch if c.row not in rows]
    if refused:
        report.errors = sorted([*report.errors, *refused], key=lambda p: p.row)
    return kept


def _preview(case: Case) -> dict[str, Any]:
    return {
        "row": case.row,
        "external_ref": case.external_ref,
        "registered_at": case.registered_at.date().isoformat(),
        "title": case.title,
        "channel": case.channel,
        "category": case.category,
        "handling_unit": case.handling_unit,
        "replied_at": case.replied_at.date().isoformat() if case.replied_at else "",
        "status": str(status_of(case).label),
    }


def _nothing(done: int, total: int) -> None:
    """Report no progress: the command and the tests need none."""


def ledger_check(
    *, actor: Any, path: Path, mapping: LedgerMapping, name: str = "", progress: Progress = _nothing
) -> Report:
    """Return what importing the file at `path` would do and every problem; write nothing."""
    checked = _check(actor, path, name, mapping, progress)
    checked.report.created = len(checked.cases)
    return checked.report


def ledger_import(
    *,
    actor: Any,
    path: Path,
    mapping: LedgerMapping,
    name: str = "",
    skip_invalid: bool = False,
    progress: Progress = _nothing,
    ip: str | None = None,
) -> Report:
    """Import the cases of the file at `path`: all or nothing, or with `skip_invalid` the valid ones.

    The file is read and checked before the transaction opens, so a long check holds no
    lock and its progress can be seen; the writes are one transaction, and the unique
    `external_ref` refuses a case someone imported in between.
    """
    checked = _check(actor, path, name, mapping, progress)
    report = checked.report
    file_error = any(p.row == 0 for p in report.errors)
    if report.errors and (not skip_invalid or file_error):
        return report
    if report.errors:
        report.rejected_file = str(_write_rejected(path, checked))
    _write(actor, checked, name or path.name, progress, ip)
    events.publish_bulk(report.case_ids)
    return report


@transaction.atomic
def _write(actor: Any, checked: _Checked, name: str, progress: Progress, ip: str | None) -> None:
    report = checked.report
    checked.refs.create(actor)
    total = len(checked.cases)
    refs = checked.refs
    writer = Writer(
        actor=actor,
        unit=checked.unit,
        units=refs.units,
        categories=refs.categories,
        file_name=name,
        people=People(refs.mapping),
    )
    for start in range(0, total, BATCH):
        writer.write(checked.cases[start : start + BATCH])
        progress(report.total + start, report.total + total)
    report.created = total
    report.case_ids = writer.ids
    audit_write(
        [
            audit_entry(
                actor=actor,
                kind="create",
                obj=checked.unit,
                summary=_("导入台账“%(file)s”：新建%(n)d件，跳过%(s)d件，有误%(e)d行")
                % {
                    "file": name,
                    "n": total,
                    "s": report.skipped,
                    "e": len({p.row for p in report.errors}),
                },
                ip=ip,
            )
        ]
    )


def ledger_index(*, case_ids: Sequence[int], progress: Progress = _nothing) -> None:
    """Write the search words (search.document) of imported cases, a committed batch at a time."""
    for start in range(0, len(case_ids), BATCH):
        chunk = case_ids[start : start + BATCH]
        rows = Petition.objects.filter(pk__in=chunk, search_text="").values_list(
            "pk", "title", "content"
        )
        words = [(search.document(title, content), pk) for pk, title, content in rows]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE petitions_petition SET search_text = %s WHERE id = %s", words
            )
        progress(start + len(chunk), len(case_ids))


def _write_rejected(path: Path, checked: _Checked) -> Path:
    """Write the rejected rows with their reasons to a CSV beside the input; return its path."""
    reasons: dict[int, list[str]] = defaultdict(list)
    for p in checked.report.errors:
        reasons[p.row].append(f"{p.column}：{p.message}" if p.column else p.message)
    out = path.with_name(f"{path.stem}.rejected.csv")
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([_("行号"), _("原因"), *checked.table.headers])
        for row, why in sorted(reasons.items()):
            writer.writerow([row, "；".join(why), *checked.rows.get(row, ())])
    return out
