"""Time the leaders' dashboard for a street-year over a register of N petitions.

    .venv/bin/python bench/dashboard.py --petitions 100000 [--database-url URL] [--runs 20]

Builds its database as bench/petitions.py does (its own SQLite file under var/bench/, or
a fresh `xinfang_bench` database on a PostgreSQL server), fills it with the same
consistent petitions over the last two years, then times, for the street's leader and
the current year: every KPI (`kpi_figures`), the twelve-month trend, the breakdowns, and
the whole page as the browser gets it, and the recount a case event costs; the KPI
summary's build after the fill is timed too. Prints one JSON line, then each query's plan
when the page's p95 is over 300 ms.
"""

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import petitions as base  # the register bench's database and fill

TARGET_MS = 300.0


def main() -> None:
    args = base.kpi_args(__doc__.split("\n\n")[0], runs=20)
    street = base.filled_street(args)
    summary_build_s = base.built_summary()

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from xinfang.assessment import kpis, selectors
    from xinfang.assessment.services import summary
    from xinfang.petitions.models import Petition

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
        # What the consumer does on each case event: count the case's days again.
        "event_recount": lambda: summary.count_written([changed]),
    }
    changed = Petition.objects.order_by("-pk").values_list("pk", flat=True)[0]
    result: dict[str, Any] = {
        "backend": connection.vendor,
        "petitions": args.petitions,
        "period": [year.start.isoformat(), year.end.isoformat()],
        "summary_build_s": summary_build_s,
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
