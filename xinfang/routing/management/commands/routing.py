"""Train and evaluate the routers from the command line; each run prints one JSON line.

    python manage.py routing train --from-db [--kind unit] [--max-cases 25000]
    python manage.py routing train --data FILE --text-col C --label-col L [--title-col T]
    python manage.py routing evaluate --data FILE --text-col C --label-col L [--model 3]
    python manage.py routing record [--kind unit] [--days 7]

Training from the database reads the office's newest concluded petitions, at most
--max-cases of them (ROUTING_MAX_CASES by default). On a schedule, run
`record` then `train --from-db` for each kind (cron, nightly): `record` measures the
choices of the day against the router that was in use, and a new version goes live only
if it is not worse than that router, so the job is safe to repeat.
"""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.errors import DomainError
from xinfang.routing import ml, services
from xinfang.routing.models import Kind, RouterModel


def _add_table_arguments(parser: CommandParser, *, required: bool) -> None:
    parser.add_argument("--data", required=required, help="CSV, CSV.gz or Excel file")
    parser.add_argument("--text-col", help="column of the petition text")
    parser.add_argument("--label-col", help="column of the category or unit")
    parser.add_argument("--title-col", help="column of the title, read before the text")
    parser.add_argument("--kind", choices=Kind.values, default=Kind.CATEGORY)


class Command(BaseCommand):
    help = "Train or evaluate the category and unit routers."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        train = actions.add_parser("train", help="train a new version")
        _add_table_arguments(train, required=False)
        train.add_argument("--from-db", action="store_true", help="learn from concluded petitions")
        train.add_argument(
            "--max-cases",
            type=int,
            help="learn from at most this many of the newest (default: ROUTING_MAX_CASES)",
        )
        evaluate = actions.add_parser("evaluate", help="score a version on a labelled file")
        _add_table_arguments(evaluate, required=True)
        evaluate.add_argument("--model", type=int, help="version to score (default: active)")
        record = actions.add_parser("record", help="record unrecorded choices against suggestions")
        record.add_argument("--kind", choices=Kind.values, default=Kind.CATEGORY)
        record.add_argument("--days", type=int, default=7, help="look this many days back")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = Kind(options["kind"])
        try:
            if options["action"] == "train":
                result = self._train(kind, options)
            elif options["action"] == "record":
                since = clock.now() - dt.timedelta(days=options["days"])
                result = {
                    "kind": kind.value,
                    "recorded": services.record_history(kind=kind, since=since),
                }
            else:
                texts, labels = self._table(options)
                result = services.router_evaluate(
                    kind=kind, texts=texts, labels=labels, version=options["model"]
                )
        except (ml.TrainingDataError, ml.ModelLoadError) as e:
            raise CommandError(str(e)) from e
        except DomainError as e:
            raise CommandError(e.message) from e
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _train(self, kind: Kind, options: dict[str, Any]) -> dict[str, Any]:
        if options["from_db"] == bool(options["data"]):
            raise CommandError(_("请指定 --from-db 或 --data 之一"))
        if options["max_cases"] is not None and options["max_cases"] < 1:
            raise CommandError(_("--max-cases 须为正整数"))
        if options["from_db"]:
            texts, labels = services.history_table(kind, options["max_cases"])
            source = RouterModel.Source.DB
        else:
            texts, labels = self._table(options)
            source = RouterModel.Source.FILE
        result = services.router_train(kind=kind, texts=texts, labels=labels, source=source)
        return {
            "kind": kind.value,
            "version": result.router.version,
            "activated": result.activated,
            "n_train": result.router.n_train,
            "metrics": result.metrics,
            "previous_metrics": result.previous_metrics,
        }

    def _table(self, options: dict[str, Any]) -> tuple[list[str], list[str]]:
        if not options["text_col"] or not options["label_col"]:
            raise CommandError(_("使用 --data 时须指定 --text-col 和 --label-col"))
        return ml.load_table(
            options["data"],
            text_col=options["text_col"],
            label_col=options["label_col"],
            title_col=options["title_col"],
        )
