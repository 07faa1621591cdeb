"""Time the public portal on a full register: online submissions and the tracking page.

    .venv/bin/python bench/portal.py --petitions 1000000 [--database-url URL]

Builds its database as bench/petitions.py does (the demo street, cases written by the
services, the rest copies of them; its options are the same), in a file of its own,
var/bench/portal-<N>.sqlite3, or `xinfang_bench` on a PostgreSQL server. Then:

- submissions: K online petitions, each the whole of what a petitioner's two requests
  cause: a one-time code issued and sent (the file gateway, delivered in process), read
  back from the outbox, then portal.services.online_petition_submit; beside it the same
  number of staff registrations (services.petition_register), the figure to match;
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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import petitions as base  # the register's fill, shared with its bench

CODE_RE = re.compile(r"验证码为(\d{6})")


def submissions(total: int, street: Any, rng: random.Random) -> tuple[float, float]:
    """Submit `total` petitions online, each after its code; return petitions per second,
    with the code's issue and sending and without (the submission alone)."""
    from django.conf import settings

    from xinfang.notifications import gateways
    from xinfang.petitions.validators import id_check_digit
    from xinfang.portal import services

    started, submitting = time.perf_counter(), 0.0
    for i in range(total):
        phone = f"139{rng.randrange(10**8):08d}"
        services.otp_issue(phone=phone)
        line = gateways.read_outbox(settings.XINFANG_SMS_OUTBOX)[-1]
        code = CODE_RE.search(line["text"])
        assert code and line["phone"] == phone
        # Another district's code than the fill's people (330106): new people, never one
        # on file under another name.
        first17 = f"33010819{rng.randrange(60, 99)}0101{i % 1000:03d}"
        data = services.OnlinePetition(
            name=f"网上{i}",
            id_number=first17 + id_check_digit(first17),
            phone=phone,
            title="小区道路破损",
            content="北门道路破损，雨天积水，请求修复。",
            community_id=rng.choice([u.pk for u in street.units.values()]),
        )
        before = time.perf_counter()
        services.online_petition_submit(data=data, otp=code.group(1))
        submitting += time.perf_counter() - before
        if i % 50 == 0:  # the outbox grows by a line a code: keep the read short
            Path(settings.XINFANG_SMS_OUTBOX).unlink(missing_ok=True)
    return total / (time.perf_counter() - started), total / submitting


def main() -> None:
    args = base.parse_args()
    if not args.database_url and not os.environ.get("DJANGO_DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    ):
        args.database_url = f"sqlite://{base.BENCH_DIR / f'portal-{args.petitions}.sqlite3'}"
    url = base.bench_database(args)
    base.setup_django(url)

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from huey.contrib.djhuey import HUEY

    from xinfang.demo.street import build_street
    from xinfang.notifications import gateways
    from xinfang.petitions.models import Petition, Petitioner

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

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    street = build_street(make_password(None))
    service_n = min(args.register, args.petitions)
    bulk_n = args.petitions - service_n
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

    result: dict[str, Any] = {"backend": connection.vendor}
    base.progress(f"submitting {service_n:,} online, registering {service_n:,} at the office")
    with_code, alone = submissions(service_n, street, rng)
    result["online_with_code_per_s"] = round(with_code, 1)
    result["online_submit_alone_per_s"] = round(alone, 1)
    result["staff_registrations_per_s"] = round(base.register(service_n, street, people, rng), 1)

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
