"""Time the yearly assessment of a street's communities over a register of N petitions.

    .venv/bin/python bench/assessment.py --petitions 100000 [--database-url URL] [--runs 5]

Builds and fills its database as bench/petitions.py does, then times, for last year (a
finished period): every KPI of every community in one grouped query per anchor
(`kpi_figures_of_units`), the whole scoring (`assessment_scores`), and the run through
the service (scores stored, audited). Prints one JSON line.
"""

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import petitions as base  # the register bench's database and fill


def main() -> None:
    args = base.kpi_args(__doc__.split("\n\n")[0], runs=5)
    street = base.filled_street(args)
    summary_build_s = base.built_summary()

    from django.db import connection, transaction
    from django.utils import timezone

    from xinfang.assessment import selectors, services
    from xinfang.assessment.kpis import Period
    from xinfang.assessment.models import Scheme
    from xinfang.organization.models import Unit

    today = timezone.localdate()
    year = today.year - 1
    period = Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    root = street.street
    # A run with --reuse meets the scheme of the run before: written afresh, the same.
    Scheme.objects.filter(year=year, level="community").delete()
    scheme = Scheme.objects.create(name="基准", year=year, level="community", total=25)
    scheme.items.create(kpi="timely_acceptance_rate", points=5, target=1, rule="linear")
    scheme.items.create(kpi="on_time_rate", points=10, target=1, rule="linear")
    scheme.items.create(kpi="satisfaction_rate", points=10, target=1, rule="linear")
    scheme.adjustments.create(source="repeat", points_each=-1)
    scheme.adjustments.create(source="accountability", points_each=-2)
    units = selectors.assessed_units(scheme, root)
    leader = street.users["leader"]

    def run() -> Any:
        with transaction.atomic():
            services.assessment_run(actor=leader, scheme_id=scheme.pk, period=period, today=today)
            transaction.set_rollback(True)

    reads = {
        "kpi_figures_of_units": lambda: selectors.kpi_figures_of_units(root, units, period, today),
        "assessment_scores": lambda: selectors.assessment_scores(scheme, root, period, today),
        "assessment_run": run,
    }
    result: dict[str, Any] = {
        "backend": connection.vendor,
        "petitions": args.petitions,
        "units": len(units),
        "units_in_tree": Unit.objects.count(),
        "summary_build_s": summary_build_s,
        "period": [period.start.isoformat(), period.end.isoformat()],
        "latency": {},
    }
    for name, fn in reads.items():
        base.progress(f"timing {name}")
        result["latency"][name] = base.timed(fn, args.runs)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
