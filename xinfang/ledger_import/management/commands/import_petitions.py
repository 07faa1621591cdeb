"""Import a petition ledger (CSV or Excel) by a mapping file; see docs/import.md."""

import json
import logging
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from xinfang.common.errors import DomainError
from xinfang.ledger_import import services
from xinfang.ledger_import.mapping import LedgerMapping, MappingError, parse_mapping
from xinfang.ledger_import.reading import FileRefused, check_size
from xinfang.ledger_import.rows import Problem
from xinfang.ledger_import.selectors import unindexed_case_ids
from xinfang.petitions.workflow import OFFICE_ROLES

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Import petitions from a ledger file (CSV or .xlsx) by a JSON mapping."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--mapping", type=Path, required=True)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows; write the rejected ones to FILE.rejected.csv",
        )
        parser.add_argument(
            "--user",
            help="who registers the cases (default: the registered unit's first registrar)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"没有文件：{path}")
        try:
            mapping = parse_mapping(options["mapping"].read_bytes())
            check_size(path.stat().st_size)
        except (OSError, MappingError, FileRefused) as e:
            self._last_line(services.Report(errors=[Problem(0, "", str(e))]))
            raise CommandError(str(e)) from None
        actor = self._actor(options["user"], mapping.registered_unit)
        try:
            if options["dry_run"]:
                report = services.ledger_check(actor=actor, path=path, mapping=mapping)
                self.stdout.write(
                    f"试运行（未写入）：共 {report.total} 行，可导入 {report.created} 件，"
                    f"已导入过 {report.skipped} 件，有误 {len({p.row for p in report.errors})} 行"
                )
                report.created = 0  # the last line says what was written: nothing
            else:
                report = services.ledger_import(
                    actor=actor, path=path, mapping=mapping, skip_invalid=options["skip_invalid"]
                )
                self._index(actor, mapping, report.case_ids)
        except DomainError as e:
            self._last_line(services.Report(errors=[Problem(0, "", e.message)]))
            raise CommandError(e.message) from None
        for problem in report.errors:
            self.stderr.write(str(problem))
        if report.rejected_file:
            self.stdout.write(f"有误的行及原因已写入 {report.rejected_file}")
        self._last_line(report)
        if report.errors and not options["skip_invalid"]:
            raise CommandError(f"{len(report.errors)} 处错误，未写入任何事项。")

    def _index(self, actor: Any, mapping: LedgerMapping, case_ids: list[int]) -> None:
        """Write the search words of this run's cases; a run that created none (the same file
        again) writes those of the unit's cases an earlier run left without."""
        if not case_ids:
            case_ids = unindexed_case_ids(services.registered_unit_for(actor, mapping))
        try:
            services.ledger_index(case_ids=case_ids)
        except Exception as e:  # the cases are committed: say so, the next run tries again
            log.exception("search index after import failed")
            self.stderr.write(
                _("事项已导入，但检索索引未能写完（%(error)s）；再次运行本命令即可补上。")
                % {"error": e}
            )

    def _last_line(self, report: services.Report) -> None:
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))

    def _actor(self, username: str | None, unit_name: str) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"没有用户 {username}")
            return actor
        office = users.filter(unit__name=unit_name, role__in=OFFICE_ROLES).order_by("pk")
        actor = office.filter(role="registrar").first() or office.first()
        if actor is None:
            raise CommandError(f"“{unit_name}”没有登记员，请用 --user 指定导入人。")
        return actor
