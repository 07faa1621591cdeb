"""Build the seed's demo street and petitions driven through the real services.

`python manage.py demo --petitions 300` creates 西湖区 → 西溪街道 with its communities and
departments, a user per role (password `xinfang-demo`) and petitions spread over the last
two years (xinfang.demo.generator says how). Only this command creates the demo accounts.
"""

import random
import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import ProtectedError

from xinfang.assessment.services import summary as kpi_summary
from xinfang.common import clock
from xinfang.demo.generator import DemoError, DemoGenerator
from xinfang.demo.outreach import seed_outreach
from xinfang.demo.reception import RECEPTION_CASES, seed_reception
from xinfang.demo.street import DEMO_PASSWORD, DemoStreet, build_street, demo_exists, remove_demo
from xinfang.petitions.models import Petition, PetitionEvent
from xinfang.petitions.workflow import OPEN_STATUSES, Status
from xinfang.reception.models import ReceptionDay


class Command(BaseCommand):
    help = "Create the demo street, its accounts (password xinfang-demo) and N petitions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--petitions", type=int, default=300, help="How many (default 300).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--reset", action="store_true", help="Replace existing demo data.")

    def handle(self, *args: Any, petitions: int, seed: int, reset: bool, **options: Any) -> None:
        if str(settings.SETTINGS_MODULE).endswith(".production"):
            raise CommandError("The demo creates accounts with a published password: not here.")
        if petitions < 0:
            raise CommandError("--petitions must be zero or more.")
        if demo_exists():
            if not reset:
                raise CommandError(
                    "Demo data already exists; run again with --reset to replace it."
                )
            try:
                with transaction.atomic():
                    remove_demo()
            except ProtectedError as e:
                raise CommandError(
                    f"Other records refer to the demo data ({len(e.protected_objects)} found); "
                    "use a fresh database."
                ) from e
        started = time.monotonic()
        with transaction.atomic():
            street = build_street(make_password(DEMO_PASSWORD))
        step = max(50, petitions // 10)

        def progress(done: int, total: int) -> None:
            if total >= 200 and (done % step == 0 or done == total):
                self.stdout.write(f"  {done}/{total} petitions")

        now = clock.now()
        generator = DemoGenerator(street, random.Random(seed), now, progress)
        # The reception days' records register cases of their own, counted in the total;
        # a demo too small for them has none.
        received = RECEPTION_CASES if petitions >= 4 * RECEPTION_CASES else 0
        try:
            generator.run(petitions - received)
        except DemoError as e:
            raise CommandError(str(e)) from e
        rng = random.Random(f"{seed}-outreach")
        with transaction.atomic():
            cases = seed_reception(street, rng, now) if received else []
            if petitions:  # `--petitions 0` is the street and its accounts alone
                seed_outreach(street, rng, now)
        # Two years of history at once, dated in the past: counted in one go, not left to
        # the queue event by event (the re-delivery looks only two days back).
        kpi_summary.rebuild()
        self.summary(street, generator, cases, time.monotonic() - started)

    def summary(
        self, street: DemoStreet, generator: DemoGenerator, received: list[Petition], seconds: float
    ) -> None:
        written = [d.pk for d in generator.done] + [p.pk for p in received]
        cases = Petition.objects.filter(pk__in=written)
        statuses = Counter(cases.values_list("status", flat=True))
        channels = Counter(cases.values_list("channel", flat=True))
        overdue = cases.filter(status__in=OPEN_STATUSES, due_date__lt=generator.today).count()
        events = PetitionEvent.objects.filter(petition__in=cases).count()
        w = self.stdout.write
        w(
            self.style.SUCCESS(
                f"Demo street {street.district.name} → {street.street.name}: {len(street.units)} units "
                f"under the street, {len(street.all_users)} accounts, {len(written)} petitions "
                f"with {events} events in {seconds:.1f} s."
            )
        )
        w("By status:  " + ", ".join(f"{s} {statuses[s]}" for s in Status if statuses[s]))
        w("By channel: " + ", ".join(f"{c} {n}" for c, n in channels.most_common()))
        w(f"Open and overdue: {overdue}")
        w(
            f"Reception days: {ReceptionDay.objects.filter(owner_unit=street.street).count()}, "
            f"{len(received)} of the cases registered by their leaders' records."
        )
        w(f"Accounts (password {DEMO_PASSWORD}):")
        for user in street.users.values():
            w(f"  {user.username:<16} {user.get_role_display():<10} {user.unit}")
        w(
            "  plus handler_<unit> and leader_<unit> for every community and department, e.g. "
            f"{street.handlers['renovation'].username}, {street.unit_leaders['lakeside'].username}."
        )
