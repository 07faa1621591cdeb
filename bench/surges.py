"""The surge rule's false-alarm rate on the demo history, which injects no spike.

    .venv/bin/python bench/surges.py [--petitions 3000] [--weeks 52] [--seed 1] [--database-url URL]

Builds the demo street on a fresh bench database (var/bench/surges-<N>.sqlite3, or a fresh
`xinfang_bench` database on a PostgreSQL server) and writes N cases of the last two years
through the demo generator (xinfang.demo.generator: the real services under a frozen
clock). The generator draws each case's day uniformly from the two years and its matter
and community from the demo's templates, one in eight a repeat of an earlier case: it puts
no spike anywhere, so every surge alert on its history is a false alarm.

Then runs the detector itself (services.surges_detect) as of the Sunday of each of the
last `--weeks` whole weeks, each in a transaction rolled back after counting (no alert
of one week is seen by the next, no mail is queued), and prints one JSON line: the
series-weeks evaluated (a category or a community with a case in the nine weeks the rule
reads), the alerts raised, and the false-alarm rate per series-week beside the rule's
nominal tail (rules.SURGE_P), by kind of series.
"""

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import petitions as base  # the register bench's database helpers


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--petitions", type=int, default=3000, help="demo cases over two years")
    parser.add_argument("--weeks", type=int, default=52, help="whole weeks the rule is run on")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to use instead of SQLite"
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        args.database_url = f"sqlite:///{base.BENCH_DIR / f'surges-{args.petitions}.sqlite3'}"
    return args


def main() -> None:
    args = parse_args()
    base.setup_django(base.bench_database(args))

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from xinfang.common import clock
    from xinfang.demo.generator import HISTORY_DAYS, DemoGenerator
    from xinfang.demo.street import build_street
    from xinfang.early_warnings import rules, selectors, services

    call_command("migrate", verbosity=0)
    street = build_street(make_password(None))
    base.progress(f"writing {args.petitions:,} demo cases through the services")
    started = time.perf_counter()
    DemoGenerator(street, random.Random(args.seed), clock.now()).run(args.petitions)
    written = time.perf_counter() - started

    today = clock.today()
    last_sunday = rules.week_start(today) - dt.timedelta(days=1)
    evaluated: Counter[str] = Counter()
    alerts: Counter[str] = Counter()
    worst: list[dict[str, Any]] = []
    base.progress(f"running the surge rule on {args.weeks} weeks")
    for back in range(args.weeks):
        sunday = last_sunday - dt.timedelta(weeks=back)
        first = rules.week_start(sunday) - dt.timedelta(weeks=rules.SURGE_TRAILING_WEEKS)
        for what in ("category", "community"):
            evaluated[what] += len(
                selectors.weekly_counts(f"{what}_id", first, sunday + dt.timedelta(days=1))
            )
        with transaction.atomic():
            for alert in services.surges_detect(today=sunday):
                what = alert.subject.split(":")[1]
                alerts[what] += 1
                worst.append({"week": sunday.isoformat(), "series": what, "summary": alert.summary})
            transaction.set_rollback(True)
    total_evaluated, total_alerts = sum(evaluated.values()), sum(alerts.values())
    result = {
        "backend": connection.vendor,
        "petitions": args.petitions,
        "weeks": args.weeks,
        "cases_per_week": round(args.petitions / (HISTORY_DAYS / 7), 1),
        "write_seconds": round(written, 1),
        "nominal_tail": rules.SURGE_P,
        "series_weeks": dict(evaluated),
        "false_alarms": dict(alerts),
        "false_alarm_rate": {
            **{k: round(alerts[k] / n, 5) if n else None for k, n in evaluated.items()},
            "all": round(total_alerts / total_evaluated, 5) if total_evaluated else None,
        },
        "alerts": worst,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
