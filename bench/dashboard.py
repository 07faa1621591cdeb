"""Time the leaders' dashboard for a street-year over a register of N petitions.

    .venv/bin/python bench/dashboard.py --petitions 100000 [--database-url URL] [--runs 20]

Builds its database as bench/petitions.py does (its own SQLite file under var/bench/, or
a fresh `xinfang_bench` database on a PostgreSQL server), fills it with the same
consistent petitions over the last two years, then times, for the street's leader and
the current year: every KPI (`kpi_figures`), the twelve-month trend, the breakdowns, and
the whole page as the browser gets it. Prints one JSON line, then each query's plan
when the page's p95 is over 300 ms.
"""

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import petitions as base  # the register bench's database and fill

TARGET_MS = 300.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--petitions", type=int, default=100_000, help="cases in the database")
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to use instead of SQLite"
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per read")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    args.analyze = True
    url = base.bench_database(args)
    base.setup_django(url)

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from xinfang.assessment import kpis, selectors
    from xinfang.petitions.management.commands.demo import build_street
    from xinfang.petitions.models import Petition, Petitioner

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    street = build_street(make_password(None))
    with base.bulk_load(), base.indexes_deferred(Petitioner, Petition):
        people = base.fill_petitioners(max(100, args.petitions * 6 // 10), street, rng)
        base.Filler(street, people, rng).fill(args.petitions)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    today = timezone.localdate()
    year = kpis.year_of(today)
    unit = street.street
    leader = street.users["leader"]
    client = Client()
    client.force_login(leader)

    def page() -> Any:
        response = client.get("/dashboard/", HTTP_HOST="localhost")
        assert response.status_code == 200
        return response

    reads = {
        "kpi_figures": lambda: selectors.kpi_figures(unit, year, today),
        "trend_12_months": lambda: selectors.kpi_trend(unit, year.end, today),
        "breakdowns": lambda: selectors.breakdowns(unit, year, today),
        "dashboard_page": page,
    }
    result: dict[str, Any] = {
        "backend": connection.vendor,
        "petitions": args.petitions,
        "period": [year.start.isoformat(), year.end.isoformat()],
        "latency": {},
    }
    for name, fn in reads.items():
        base.progress(f"timing {name}")
        result["latency"][name] = base.timed(fn, args.runs)
    print(json.dumps(result, ensure_ascii=False))
    if result["latency"]["dashboard_page"]["p95_ms"] > TARGET_MS:
        for q in base.query_plans(page):
            print(f"[{q['ms']} ms] {q['sql'][:300]}")
            for line in q["plan"]:
                print(f"    {line}")


if __name__ == "__main__":
    main()
