"""Time the public portal on a full register: online submissions and the tracking page.

    .venv/bin/python bench/portal.py --petitions 1000000 [--database-url URL] [--reuse]

Builds its database as bench/petitions.py does (the demo street, cases written by the
services, the rest copies of them; its options are the same), in a file of its own,
var/bench/portal-<N>.sqlite3, or `xinfang_bench` on a PostgreSQL server; with --reuse,
the one an earlier run filled, without filling (each run adds its own cases to it). Then:

- submissions: K online petitions, each the whole of what a petitioner's two requests
  cause: a one-time code issued and sent (the file gateway, delivered in process), read
  back from the outbox, then portal.services.online_petition_submit; beside it the same
  number of staff registrations (services.petition_register), the figure to match. The
  same matters both ways (the demo intake's), in turns, after one of each to warm up;
  beside each rate the process CPU time per petition (the machine may be shared), the
  case-event handlers' share (run in process here, by a worker in a deployment) and what
  is left, the service itself;
- tracking: the tracking page (POST /public/track/ through the whole middleware stack,
  rate-limit counters included) and the public API's GET /api/v1/public/track, for
  random cases by their query code and phone digits; and a wrong code, which must cost
  the same. Median and 95th percentile in ms.

Prints one JSON line. bench/README.md keeps the figures.
"""

import json
import logging
import os
import random
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import petitions as base  # the register's fill, shared with its bench

CODE_RE = re.compile(r"验证码为(\d{6})")
ROUNDS = 10  # online and at the office in turns


class Online:
    """Online petitions, each the whole of what a petitioner's two requests cause, timed."""

    def __init__(self, street: Any, rng: random.Random) -> None:
        from xinfang.demo.cases import Intake

        # The staff registrations' own matters: like for like, and no one matter sent
        # hundreds of times over (that would time a growing collective-visit alert).
        self.intake, self.rng, self.sent = Intake(street, rng), rng, 0
        self.wall = self.cpu = self.submit_wall = self.submit_cpu = 0.0

    def send(self, total: int) -> None:
        """Send `total` petitions: a code issued and read back from the outbox, then
        portal.services.online_petition_submit (the submission alone, timed apart)."""
        from django.conf import settings

        from xinfang.notifications import gateways
        from xinfang.petitions.validators import id_check_digit
        from xinfang.portal import services

        rng = self.rng
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(total):
            i, self.sent = self.sent, self.sent + 1
            phone = f"139{rng.randrange(10**8):08d}"
            services.otp_issue(phone=phone)
            line = gateways.read_outbox(settings.XINFANG_SMS_OUTBOX)[-1]
            code = CODE_RE.search(line["text"])
            assert code and line["phone"] == phone
            template = self.intake.template()
            matter = self.intake.spec(template, self.intake.community(template)).data
            # Another district's code than the fill's people (330106): new people, never
            # one on file under another name.
            first17 = f"33010819{rng.randrange(60, 99)}0101{i % 1000:03d}"
            data = services.OnlinePetition(
                name=f"网上{i}",
                id_number=first17 + id_check_digit(first17),
                phone=phone,
                title=matter.title,
                content=matter.content,
                category_id=matter.category_id,
                community_id=matter.community_id,
            )
            before, cpu_before = time.perf_counter(), time.process_time()
            services.online_petition_submit(data=data, otp=code.group(1))
            self.submit_wall += time.perf_counter() - before
            self.submit_cpu += time.process_time() - cpu_before
            if i % 50 == 0:  # the outbox grows by a line a code: keep the read short
                Path(settings.XINFANG_SMS_OUTBOX).unlink(missing_ok=True)
        self.wall += time.perf_counter() - started
        self.cpu += time.process_time() - cpu_started

    def figures(self) -> dict[str, float]:
        """Petitions per second with the code's issue and sending and without (the
        submission alone), and the process CPU time of each in ms: the machine may be
        shared, and the wall clock counts others' work."""
        n = self.sent
        return {
            "online_with_code_per_s": round(n / self.wall, 1),
            "online_with_code_cpu_ms": round(self.cpu * 1000 / n, 1),
            "online_submit_alone_per_s": round(n / self.submit_wall, 1),
            "online_submit_alone_cpu_ms": round(self.submit_cpu * 1000 / n, 1),
        }


@dataclass
class Spent:
    """Calls of a function, and the wall-clock and process CPU seconds they took."""

    calls: int = 0
    wall: float = 0.0
    cpu: float = 0.0

    def per_call_ms(self, n: int | None = None) -> dict[str, float]:
        n = n or self.calls
        return {"wall_ms": round(self.wall * 1000 / n, 1), "cpu_ms": round(self.cpu * 1000 / n, 1)}


@contextmanager
def counted(module: Any, name: str, spent: Spent) -> Iterator[None]:
    """Add each call of module.name while inside to `spent`."""
    original = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent.calls += 1
            spent.wall += time.perf_counter() - wall
            spent.cpu += time.process_time() - cpu

    setattr(module, name, timed)
    try:
        yield
    finally:
        setattr(module, name, original)


def fill(args: Any) -> tuple[Any, list[int]]:
    """Build the demo street on a fresh database and fill it; return it and its people."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from xinfang.demo.street import build_street
    from xinfang.petitions.models import Petition, Petitioner

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    street = build_street(make_password(None))
    bulk_n = args.petitions - min(args.register, args.petitions)
    templates = base.demo_cases(street, min(args.templates, bulk_n), rng)
    copies = bulk_n - len(templates)
    with base.bulk_load(), base.indexes_deferred(Petitioner, Petition):
        people = base.fill_petitioners(max(100, copies * 6 // 10), street, rng)
        if copies:
            base.Filler(templates, people, rng).fill(copies)
        base.progress("building the indexes")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return street, people


def main() -> None:
    args = base.parse_args(__doc__.split("\n\n")[0], reuse=True)
    if args.reuse:
        street = base.reused_street(args, name="portal")
        from xinfang.petitions.models import Petitioner

        # The fill's people: everyone but the demo street's own and those online.
        people = list(
            Petitioner.objects.exclude(id_number__startswith="330108").values_list("pk", flat=True)
        )
    else:
        if not args.database_url and not os.environ.get("DJANGO_DATABASE_URL", "").startswith(
            ("postgres://", "postgresql://")
        ):
            args.database_url = f"sqlite://{base.BENCH_DIR / f'portal-{args.petitions}.sqlite3'}"
        base.setup_django(base.bench_database(args))
        street, people = fill(args)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from huey.contrib.djhuey import HUEY

    from xinfang.notifications import gateways
    from xinfang.petitions.models import Petition

    # Messages are delivered in process, to an outbox of the bench's own.
    HUEY.immediate = True
    settings.XINFANG_SMS_OUTBOX = base.BENCH_DIR / "portal-sms.jsonl"
    gateways.sms_gateway.cache_clear()
    settings.ALLOWED_HOSTS = ["testserver"]
    # A refused lookup is logged as a warning; writing it out is not what is timed.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    # Counted as always, never refused: the bench sends more than one person would.
    settings.XINFANG_PORTAL_RATES = {
        door: {kind: "1000000/h" for kind in kinds}
        for door, kinds in settings.XINFANG_PORTAL_RATES.items()
    }
    # A run on a reused database draws other people than the last run's.
    rng = random.Random(args.seed + (Petition.objects.count() if args.reuse else 0))
    service_n = min(args.register, args.petitions)

    result: dict[str, Any] = {"backend": connection.vendor}
    base.progress(f"submitting {service_n:,} online, registering {service_n:,} at the office")
    from xinfang.petitions import events, services

    # In turns: each registration makes the next one's KPI recount of the day a little
    # longer, whichever door it came in by. The case-event handlers (KPI summary, early
    # warnings, routing) run in process here, as HUEY.immediate has them: a worker's
    # work in a deployment, counted apart.
    Online(street, rng).send(1)  # the first of each loads what every later one finds
    base.register(1, street, people, rng)
    online, staff_s, staff = Online(street, rng), 0.0, Spent()
    handlers = {"online": Spent(), "staff": Spent()}
    rounds = min(ROUNDS, service_n)
    with counted(services, "petition_register", staff):
        for k in range(rounds):
            n = service_n * (k + 1) // rounds - service_n * k // rounds
            with counted(events, "_deliver", handlers["online"]):
                online.send(n)
            with counted(events, "_deliver", handlers["staff"]):
                staff_s += n / base.register(n, street, people, rng)
    result.update(online.figures())
    result["staff_registrations_per_s"] = round(service_n / staff_s, 1)
    result["staff_registration_cpu_ms"] = staff.per_call_ms()["cpu_ms"]
    result["case_event_handlers_per_petition"] = {
        door: spent.per_call_ms(service_n) for door, spent in handlers.items()
    }
    # What the request itself costs: the service less the handlers run on its commit.
    services_alone = {
        "online": Spent(service_n, online.submit_wall, online.submit_cpu),
        "staff": Spent(staff.calls, staff.wall, staff.cpu),
    }
    result["service_without_handlers_per_petition"] = {
        door: Spent(
            spent.calls, spent.wall - handlers[door].wall, spent.cpu - handlers[door].cpu
        ).per_call_ms(service_n)
        for door, spent in services_alone.items()
    }

    sample = list(
        Petition.objects.filter(petitioner__phone__regex=r"\d{4}$")
        .order_by("?")
        .values_list("query_code", "petitioner__phone")[:500]
    )
    client = Client()

    def page() -> None:
        code, phone = rng.choice(sample)
        addr = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        response = client.post(
            "/public/track/", {"code": code, "phone_last4": phone[-4:]}, REMOTE_ADDR=addr
        )
        assert response.status_code == 200, response.status_code

    def api() -> None:
        code, phone = rng.choice(sample)
        response = client.get("/api/v1/public/track", {"code": code, "phone_last4": phone[-4:]})
        assert response.status_code == 200, response.status_code

    def wrong_code() -> None:
        code, phone = rng.choice(sample)
        other = code[::-1]
        response = client.post("/public/track/", {"code": other, "phone_last4": phone[-4:]})
        assert response.status_code == 400, response.status_code

    result["latency"] = {
        name: base.timed(fn, args.runs)
        for name, fn in (("tracking page", page), ("tracking API", api), ("wrong code", wrong_code))
    }
    result["petitions"] = Petition.objects.count()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
