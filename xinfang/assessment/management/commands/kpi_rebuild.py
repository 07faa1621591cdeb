"""Count the KPI summary again from the whole register: `python manage.py kpi_rebuild`.

Never needed in the ordinary course (case events, the ledger import and deletions keep
it up to date, and `migrate` builds it the first time); for a register changed by hand
in the database.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand

from xinfang.assessment.models import KpiCounted, RegisteredDay, RepliedDay
from xinfang.assessment.services import summary


class Command(BaseCommand):
    help = "Count the KPI summary again from every petition."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        summary.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Counted {KpiCounted.objects.count()} petitions into "
                f"{RegisteredDay.objects.count()} registration days and "
                f"{RepliedDay.objects.count()} reply days in {time.monotonic() - started:.1f} s."
            )
        )
