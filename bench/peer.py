"""The side-by-side benchmark's workload on Xinfang: the JSONL lines of peer-bench's ours.py.

The peer, django-helpdesk, runs the same workload with ../shared/peer-bench/ (its README
says how); this is the project's own copy of that suite's ours.py, reading the project's
internals where they now live (the demo app, the bench's fill), with the same phases and
the same JSONL keys, so that report.py and ratio.py read both. Run from the checkout:

    XF_DB=sqlite BENCH_OUT=/tmp/ours.jsonl .venv/bin/python bench/peer.py 100000
    XF_DB=postgres (+ XF_PG_URL=postgres://postgres@127.0.0.1:55432/postgres) for PostgreSQL

`--reuse --skip-latency` runs only the HTTP phase on the database an earlier run of the
same N left (migrated first), so that it can alternate with the peer's `bench.py
--skip-seed --skip-latency` in one sitting. gunicorn runs under the project's interpreter
(`python -m gunicorn`): the venv's, or the peer's own put on PYTHONPATH, which is kept
after the suite's and the checkout's, so that both sides run the same server.

PEER_BENCH names the suite's directory (default ../shared/peer-bench beside the checkout,
or /work/shared/peer-bench): its benchlib (the seeded texts, the load generator) and
xf_settings (the settings both sides run under) are used from there. XF_ROOT is this
checkout unless given.

It builds a fresh database of its own (SQLite: $XF_DATA/ours-<N>.sqlite3; PostgreSQL: the
database `xinfang_ours` on the server of XF_PG_URL, dropped and created), migrates, runs
`manage.py demo --petitions 0` (the demo street and its accounts, password xinfang-demo),
then the phases of bench.py:

  seed     N petitions, all registered at the demo street (so the street registrar sees
           every row, the Lakeside handler the ones assigned to Lakeside):
           the first --orm-n through services.petition_register (the service path, one
           atomic call each), then --templates cases of the last two years through the
           demo generator (the services, not timed as the bulk path), the rest with
           Xinfang's own bulk path (bench/petitions.py: copies of those cases, petitioners
           + petitions as plain multi-row inserts/COPY, indexes rebuilt after); then
           ANALYZE and the DB size. Then the two routing models are trained
           (services.router_train, on at most --train-cap concluded cases) so that
           registration runs with suggestions, as a deployment would (not part of seed).
  latency  django.test.Client, 1 counted warm-up + 1 warm-up + 30 timed calls each:
           dashboard (= workbench `/`, registrar) and dashboard_handler, ticket_list_page
           (= /petitions/, server-rendered), ticket_list_data (= GET /api/v1/petitions,
           bearer token), ticket_detail (/petitions/<middle id>/), public_submit (= intake
           form POST /petitions/new/ as the registrar), public_submit_api (POST
           /api/v1/petitions), filtered_list_page/_data (status=handling&channel=visit).
  http     gunicorn 2 sync workers on 127.0.0.1:18081; ticket_detail (session from the
           real login form) and public_submit (intake form POST, CSRF token from the form,
           200 rotating bodies); 10 sequential checked requests, 3 s warm-up, 20 s wrk.

Text: benchlib.ComplaintText with the peer's seeds (20240601 for the service-path seed,
+7 for latency POSTs, +11 for HTTP POSTs). Every loop is bounded; gunicorn is started here
and stopped by its PID.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def peer_bench_dir() -> str:
    """Return the side-by-side suite's directory, where benchlib and xf_settings are."""
    given = os.environ.get("PEER_BENCH")
    candidates = [Path(given)] if given else [ROOT.parent / "shared" / "peer-bench"]
    candidates.append(Path("/work/shared/peer-bench"))
    for candidate in candidates:
        if (candidate / "benchlib.py").exists():
            return str(candidate.resolve())
    sys.exit("No peer-bench suite found: set PEER_BENCH to its directory.")


HERE = peer_bench_dir()
sys.path.insert(0, HERE)
import benchlib as bl  # noqa: E402

XF_ROOT = Path(os.environ.get("XF_ROOT", str(ROOT))).resolve()
XF_DATA = Path(os.environ.get("XF_DATA", str(ROOT / "var" / "peer-bench")))
XF_DB = os.environ.get("XF_DB", "sqlite")
XF_PG_URL = os.environ.get("XF_PG_URL", "postgres://postgres@127.0.0.1:55432/postgres")
PG_DBNAME = os.environ.get("XF_PG_DBNAME", "xinfang_ours")
PASSWORD = "xinfang-demo"


def prepare_environment(n: int, reuse: bool) -> str:
    """Choose our database (emptied unless `reuse`); set the env Django and gunicorn read."""
    XF_DATA.mkdir(parents=True, exist_ok=True)
    if XF_DB == "sqlite":
        path = XF_DATA / f"ours-{n}.sqlite3"
        for suffix in ("", "-wal", "-shm") if not reuse else ():
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    elif XF_DB == "postgres":
        import psycopg

        parts = urllib.parse.urlsplit(XF_PG_URL)
        if not reuse:
            with psycopg.connect(XF_PG_URL, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DBNAME}")
                conn.execute(f"CREATE DATABASE {PG_DBNAME}")
        url = urllib.parse.urlunsplit(parts._replace(path=f"/{PG_DBNAME}"))
    else:
        sys.exit("XF_DB must be sqlite or postgres")
    models = XF_DATA / f"models-{XF_DB}-{n}"
    if not reuse:
        subprocess.run(["rm", "-rf", str(models)], check=True)
    models.mkdir(parents=True, exist_ok=True)
    (XF_ROOT / "var").mkdir(exist_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "xf_settings",
            "DJANGO_DATABASE_URL": url,
            "DJANGO_ROUTING_MODEL_DIR": str(models),
            "DJANGO_ATTACHMENT_ROOT": str(XF_DATA / f"attachments-{XF_DB}-{n}"),
            # A PYTHONPATH given is kept after ours: it may hold the gunicorn to run.
            "PYTHONPATH": os.pathsep.join(
                [HERE, str(XF_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
    )
    return url


# Django is set up in main(), after the environment is chosen.
django = connection = transaction = Client = None


def _setup_django() -> None:
    global django, connection, transaction, Client
    sys.path.insert(0, str(XF_ROOT))
    os.chdir(XF_ROOT)
    import django as _django

    _django.setup()
    from django.db import connection as _c
    from django.db import transaction as _t
    from django.test import Client as _Client

    django, connection, transaction, Client = _django, _c, _t, _Client


def xf_bench_module():
    """Xinfang's own bench/petitions.py (its bulk fill), imported by path."""
    spec = importlib.util.spec_from_file_location(
        "xf_bench_petitions", XF_ROOT / "bench" / "petitions.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class _QueryCounter:
    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


# --------------------------------------------------------------------------
# env
# --------------------------------------------------------------------------


def db_version() -> str:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("select sqlite_version()")
            return "sqlite " + cur.fetchone()[0]
        cur.execute("show server_version")
        return "postgresql " + cur.fetchone()[0]


def env_record() -> dict:
    import importlib.metadata as md

    def ver(pkg):
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return None

    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), ""
            )
    except OSError:
        pass
    try:
        wrk = " ".join(
            subprocess.run(
                ["wrk", "--version"], capture_output=True, text=True, timeout=10
            ).stdout.split()[:2]
        )
    except (OSError, IndexError, subprocess.SubprocessError):
        wrk = None
    rev = subprocess.run(
        ["git", "-C", str(XF_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    from django.conf import settings

    opts = settings.DATABASES["default"].get("OPTIONS", {})
    return {
        "phase": "env",
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "xinfang": rev,
        "gunicorn": ver("gunicorn"),
        "psycopg": ver("psycopg"),
        "db_version": db_version(),
        "wrk": wrk,
        "settings": os.environ["DJANGO_SETTINGS_MODULE"],
        "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
        "db_options": {k: v for k, v in opts.items()},
        "debug": settings.DEBUG,
    }


# --------------------------------------------------------------------------
# seed
# --------------------------------------------------------------------------


def table_rows() -> dict:
    from xinfang.common.models import AuditEntry
    from xinfang.petitions.models import Petition, Petitioner, PetitionEvent
    from xinfang.routing.models import SuggestionRecord

    return {
        m.__name__: m.objects.count()
        for m in (Petition, Petitioner, PetitionEvent, AuditEntry, SuggestionRecord)
    }


def service_datas(n: int, street, seed_value: int) -> list:
    """RegistrationData for the service path: Xinfang's demo generator decides channel,
    petitioner(s), category, community and higher-office references; title and content
    are the peer's ComplaintText records (same seed, same order as the peer's tickets).
    Three in ten come from someone registered earlier in the run (matched by ID number)."""
    from xinfang.common import clock
    from xinfang.demo.cases import Intake
    from xinfang.petitions import inputs

    text = bl.ComplaintText(seed_value)
    rng = random.Random(seed_value + 1)
    intake, today = Intake(street, rng), clock.today()
    known: list[tuple[str, str]] = []
    out = []
    for _ in range(n):
        template = intake.template()
        spec = intake.spec(template, intake.community(template))
        data = intake.registration(spec, today, rng)
        rec = text.record()
        data.title, data.content = rec["title"], rec["body"]
        # The peer's texts repeat their few matters: confirmed as new ones, as the HTTP
        # phase's bodies are, or the registration refuses a likely repeat (repeats.py).
        data.not_repeat = True
        if data.petitioners and known and rng.random() < 0.3:
            name, idn = rng.choice(known)
            data.petitioners[0] = inputs.PetitionerData(name=name, id_number=idn)
        for p in data.petitioners:
            if p.id_number:
                known.append((p.name, p.id_number))
        out.append(data)
    return out


def train_routers(cap: int) -> dict:
    """Train both routers the way `manage.py routing train --from-db` does, on at most
    `cap` concluded cases (an even sample) to bound the time on 2 cores."""
    from xinfang.routing import services as routing
    from xinfang.routing.models import Kind, RouterModel

    out = {}
    for kind in Kind:
        t0 = time.perf_counter()
        texts, labels = routing.history_table(kind)
        total = len(texts)
        if not total:  # a seed all through the service path has no concluded case yet
            out[kind.value] = {"history": 0, "trained_on": 0, "activated": False, "seconds": 0}
            continue
        if total > cap:
            step = total / cap
            idx = [int(i * step) for i in range(cap)]
            texts, labels = [texts[i] for i in idx], [labels[i] for i in idx]
        res = routing.router_train(
            kind=kind, texts=texts, labels=labels, source=RouterModel.Source.DB
        )
        out[kind.value] = {
            "history": total,
            "trained_on": len(texts),
            "activated": res.activated,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    return out


def seed(n: int, orm_n: int, seed_value: int, train_cap: int, templates: int):
    from django.contrib.auth.hashers import make_password  # noqa: F401
    from django.core.management import call_command

    from xinfang.demo.street import load_street
    from xinfang.petitions import services
    from xinfang.petitions.models import Petition, Petitioner

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    import io

    demo_out = io.StringIO()  # its summary would mix into our JSON lines on stdout
    call_command("demo", petitions=0, verbosity=0, stdout=demo_out)
    bl.log("demo: " + demo_out.getvalue().splitlines()[0][:120])
    bl.emit(
        {"phase": "setup", "name": "migrate_demo", "seconds": round(time.perf_counter() - t0, 1)}
    )
    street = load_street()
    registrar = street.users["registrar"]
    orm_n = min(orm_n, n)

    # (a1) service path: services.petition_register, one atomic call per petition.
    t_gen = time.perf_counter()
    datas = service_datas(orm_n, street, seed_value)
    gen_s = time.perf_counter() - t_gen
    before = table_rows()
    counter = _QueryCounter()
    bl.log(f"seed: {orm_n} petitions via services.petition_register")
    t0 = time.perf_counter()
    with connection.execute_wrapper(counter):
        for data in datas:
            services.petition_register(actor=registrar, data=data)
    orm_s = time.perf_counter() - t0
    after = table_rows()
    delta = {k: after[k] - before[k] for k in after}
    rows = sum(delta.values())
    bl.emit(
        {
            "phase": "seed",
            "name": "orm_save",
            "tickets": orm_n,
            "rows_written": delta,
            "seconds": round(orm_s, 3),
            "tickets_per_s": round(orm_n / orm_s, 1),
            "rows_per_s": round(rows / orm_s, 1),
            "ms_per_ticket": round(orm_s * 1000 / orm_n, 3),
            "sql_per_ticket": round(counter.n / orm_n, 2),
            "textgen_seconds_excluded": round(gen_s, 3),
            "note": "services.petition_register; no routing model yet (trained after the seed)",
        }
    )

    # (a2) Xinfang's bulk path, as bench/petitions.py fills: cases of the last two years
    # through the demo generator (the services), then copies of them with petitioners
    # (0.6 per petition) by executemany/COPY in batches of 5,000, plain indexes dropped
    # during the fill and rebuilt after (SQLite: 1 GiB cache and synchronous=OFF).
    xb = xf_bench_module()
    rng = random.Random(seed_value + 2)
    t0 = time.perf_counter()
    written = xb.demo_cases(street, min(templates, n - orm_n), rng)
    written_s = time.perf_counter() - t0
    bl.emit(
        {
            "phase": "seed",
            "name": "demo_generator",
            "tickets": len(written),
            "seconds": round(written_s, 3),
            "note": "the templates of the bulk path: the demo generator through the services",
        }
    )
    bulk_n = n - orm_n - len(written)
    bulk_s = 0.0
    if bulk_n:
        bl.log(f"seed: {bulk_n} petitions via Xinfang's bulk fill")
        with xb.bulk_load():
            t0 = time.perf_counter()
            with xb.indexes_deferred(Petitioner, Petition):
                people = xb.fill_petitioners(max(100, bulk_n * 6 // 10), street, rng)
                t_people = time.perf_counter()
                xb.Filler(written, people, rng).fill(bulk_n)
                t_rows = time.perf_counter()
            bulk_s = time.perf_counter() - t0
        bl.emit(
            {
                "phase": "seed",
                "name": "bulk_create",
                "tickets": bulk_n,
                "petitioners": len(people),
                "seconds": round(bulk_s, 3),
                "tickets_per_s": round(bulk_n / bulk_s, 1),
                "rows_per_s": round((bulk_n + len(people)) / bulk_s, 1),
                "petitioners_s": round(t_people - t0, 3),
                "petitions_s": round(t_rows - t_people, 3),
                "index_rebuild_s": round(bulk_s - (t_rows - t0), 3),
                "chunk": xb.BATCH,
                "note": "Xinfang bench/petitions.py fill (Filler): copies of the demo generator's "
                "cases, raw inserts/COPY, indexes rebuilt after",
            }
        )

    seed_s = orm_s + written_s + bulk_s
    bl.emit(
        {
            "phase": "seed",
            "name": "total",
            "tickets": n,
            "seconds": round(seed_s, 3),
            "tickets_per_s": round(n / seed_s, 1),
        }
    )
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    bl.emit({"phase": "seed", "name": "analyze", "seconds": round(time.perf_counter() - t0, 3)})
    bl.emit({"phase": "seed", "name": "db_size", **db_size()})

    bl.log(f"routing: training both routers (cap {train_cap})")
    t0 = time.perf_counter()
    tr = train_routers(train_cap)
    bl.emit(
        {
            "phase": "setup",
            "name": "routing_train",
            **tr,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    )


def db_size() -> dict:
    from xinfang.petitions.models import Petition, Petitioner

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            path = str(connection.settings_dict["NAME"])
            size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
        else:
            cur.execute("select pg_database_size(current_database())")
            size = cur.fetchone()[0]
    return {
        "bytes": size,
        "mib": round(size / 2**20, 1),
        "tickets": Petition.objects.count(),
        "petitioners": Petitioner.objects.count(),
    }


# --------------------------------------------------------------------------
# latency
# --------------------------------------------------------------------------

FILTER = {"status": "handling", "channel": "visit"}


def pick_petition_id() -> int:
    from xinfang.petitions.models import Petition

    n = Petition.objects.count()
    return Petition.objects.order_by("id").values_list("id", flat=True)[n // 2]


class IntakeBodies:
    """Intake submissions: ComplaintText title/content (peer seeds), one petitioner
    (a plausible name, an ID number for 3 in 4, a phone), a community and a category."""

    def __init__(self, seed_value: int):
        from xinfang.organization.models import Unit
        from xinfang.petitions.models import Category

        self.text = bl.ComplaintText(seed_value)
        self.rng = random.Random(seed_value + 100)
        self.communities = list(
            Unit.objects.filter(kind=Unit.Kind.COMMUNITY)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.categories = list(
            Category.objects.filter(parent__isnull=False, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def person(self) -> dict:
        from xinfang.demo import content

        r = self.rng
        return {
            "name": content.person_name(r),
            "id_number": content.id_number(r) if r.random() < 0.75 else "",
            "phone": content.phone_number(r),
        }

    def fields(self) -> dict:
        rec, r = self.text.record(), self.rng
        return {
            "channel": r.choice(["visit", "letter", "phone", "online"]),
            "title": rec["title"],
            "content": rec["body"],
            "community": r.choice(self.communities),
            "category": r.choice(self.categories),
            "person": self.person(),
        }

    def form(self) -> dict:
        f = self.fields()
        p = f["person"]
        return {
            "channel": f["channel"],
            "title": f["title"],
            "content": f["content"],
            "category": str(f["category"]),
            "head_count": "1",
            "community": str(f["community"]),
            "address": "",
            "accused": "",
            "accused_unit": "",
            "repeat_of": "",
            "origin_authority": "",
            "origin_reference": "",
            "origin_deadline": "",
            "merit": "",
            # The 200 bodies rotate, so the same person brings the same matter again and
            # again: confirmed as a new matter, as a registrar would for a new one.
            "not_repeat": "on",
            "person-TOTAL_FORMS": "1",
            "person-INITIAL_FORMS": "0",
            "person-MIN_NUM_FORMS": "0",
            "person-MAX_NUM_FORMS": "1000",
            "person-0-name": p["name"],
            "person-0-id_number": p["id_number"],
            "person-0-phone": p["phone"],
            "person-0-address": "",
        }

    def api(self) -> str:
        f = self.fields()
        return json.dumps(
            {
                "channel": f["channel"],
                "title": f["title"],
                "content": f["content"],
                "category": f["category"],
                "community": f["community"],
                "petitioners": [f["person"]],
                "not_repeat": True,  # as the form's bodies
            },
            ensure_ascii=False,
        )


def api_token(client, username: str) -> str:
    r = client.post(
        "/api/v1/auth/token",
        data=json.dumps({"username": username, "password": PASSWORD}),
        content_type="application/json",
    )
    if r.status_code != 200:
        raise RuntimeError(f"token for {username}: {r.status_code} {r.content[:200]!r}")
    return r.json()["token"]


def _profile(name: str, call, repeats: int) -> None:
    """Run `call` `repeats` times more under cProfile (CPU time); write the stats, log the top."""
    import cProfile
    import io
    import pstats

    # CPU time, not wall time: on a shared machine the wall clock mostly measures waiting.
    prof = cProfile.Profile(time.process_time)
    prof.enable()
    for _ in range(repeats):
        call()
    prof.disable()
    path = XF_DATA / f"profile-{XF_DB}-{name}.prof"
    prof.dump_stats(str(path))
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(40)
    bl.log(f"profile of {name} ({repeats} calls) in {path}:\n{out.getvalue()}")


def latency(
    repeats: int, max_seconds: float, seed_value: int, only: set[str], profile: bool = False
):
    from xinfang.accounts.models import User
    from xinfang.common.models import AuditEntry
    from xinfang.petitions.models import Petition

    registrar = User.objects.get(username="registrar")
    handler = User.objects.get(username="handler")
    reg = Client()
    reg.force_login(registrar)
    hnd = Client()
    hnd.force_login(handler)
    api = Client()
    token = api_token(api, "registrar")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    pid = pick_petition_id()
    filt_q = urllib.parse.urlencode(FILTER)
    matching = Petition.objects.filter(**FILTER).count()
    total = Petition.objects.count()
    bl.emit(
        {
            "phase": "info",
            "name": "filter",
            "query": filt_q,
            "matching": matching,
            "total": total,
            "selectivity_pct": round(100 * matching / total, 2),
            "detail_id": pid,
            "detail_status": Petition.objects.filter(pk=pid).values_list("status", flat=True)[0],
        }
    )
    bodies = IntakeBodies(seed_value + 7)

    # name -> (client, method, path, body-factory, expected status, extra kwargs)
    cases = [
        ("dashboard", reg, "GET", "/", None, 200, {}),
        ("dashboard_handler", hnd, "GET", "/", None, 200, {}),
        ("ticket_list_page", reg, "GET", "/petitions/", None, 200, {}),
        ("ticket_list_data", api, "GET", "/api/v1/petitions", None, 200, auth),
        ("ticket_detail", reg, "GET", f"/petitions/{pid}/", None, 200, {}),
        ("public_submit", reg, "POST", "/petitions/new/", bodies.form, 302, {}),
        ("public_submit_api", api, "POST", "/api/v1/petitions", bodies.api, 201, auth),
        ("filtered_list_page", reg, "GET", f"/petitions/?{filt_q}", None, 200, {}),
        ("filtered_list_data", api, "GET", f"/api/v1/petitions?{filt_q}", None, 200, auth),
    ]
    registration: dict[str, dict] = {}
    for name, client, method, path, body, expect, kw in cases:

        def call(client=client, method=method, path=path, body=body, kw=kw, name=name):
            if method == "POST" and name.endswith("_api"):
                r = client.post(path, data=body(), content_type="application/json", **kw)
            elif method == "POST":
                # A browser follows the redirect, whose page shows and so drops the
                # "registered" message; the test client does not, and each POST would
                # re-sign every message before it in the cookie (9 CPU ms a call, not 5).
                client.cookies.pop("messages", None)
                r = client.post(path, body(), **kw)
            else:
                r = client.get(path, **kw)
            return r.status_code, len(r.content)

        if only and name not in only:
            continue
        before = Petition.objects.count()
        audit_before = AuditEntry.objects.count()
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):
            status, nbytes = call()
        # The timed calls' statements too, and the process's CPU time (not the database
        # server's on PostgreSQL): wall time on a shared machine includes waiting.
        timed = _QueryCounter()
        cpu0 = time.process_time()
        with connection.execute_wrapper(timed):
            samples, results, truncated = bl.repeat_timed(call, repeats, max_seconds, warmup=1)
        cpu_ms = (time.process_time() - cpu0) * 1000 / (1 + len(samples))
        statuses = sorted({s for s, _ in results} | {status})
        rec = {
            "phase": "latency",
            "name": name,
            "method": method,
            "path": path[:120],
            **bl.latency_stats(samples),
            "sql_queries": counter.n,
            "sql_per_call": round(timed.n / (1 + len(samples)), 2),
            "cpu_ms_per_call": round(cpu_ms, 2),
            "status": statuses,
            "bytes": nbytes,
            "truncated_by_time_cap": truncated,
        }
        rec["audit_rows_per_call"] = round(
            (AuditEntry.objects.count() - audit_before) / (2 + len(samples)), 2
        )
        if method == "POST":
            rec["tickets_created"] = Petition.objects.count() - before
            rec["tickets_expected"] = 2 + len(samples)
        if statuses != [expect]:
            rec["unexpected_status"] = True
        bl.emit(rec)
        registration[name] = rec
        if profile:
            _profile(name, call, repeats)
    if {"public_submit", "public_submit_api"} <= registration.keys():
        form, api = registration["public_submit"], registration["public_submit_api"]
        bl.log(
            "registration, CPU ms a call (statements): "
            f"form {form['cpu_ms_per_call']} ({form['sql_per_call']}), "
            f"API {api['cpu_ms_per_call']} ({api['sql_per_call']}), "
            f"API ÷ form {api['cpu_ms_per_call'] / form['cpu_ms_per_call']:.2f}"
        )


# --------------------------------------------------------------------------
# http
# --------------------------------------------------------------------------

WARMUP_S = 3
CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def petition_count() -> int:
    from xinfang.petitions.models import Petition

    n = Petition.objects.count()
    connection.close()
    return n


def http(port: int, seconds: int, connections: int, workers: int, seed_value: int):
    host = "127.0.0.1"
    base = f"http://{host}:{port}"
    pid = pick_petition_id()
    bodies_gen = IntakeBodies(seed_value + 11)
    bodies_forms = [bodies_gen.form() for _ in range(200)]
    connection.close()

    # The project's interpreter runs gunicorn, the venv's or one on PYTHONPATH (the peer's
    # own, so that both sides run the same server).
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"{host}:{port}",
        "--chdir",
        str(XF_ROOT),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    log_path = str(XF_DATA / f"gunicorn-{XF_DB}.log")
    bl.log(f"http: starting gunicorn ({workers} workers) on {host}:{port}")
    proc = bl.start_server(
        cmd, host, port, env=os.environ.copy(), cwd=str(XF_ROOT), log_path=log_path
    )
    try:
        common = {"server": f"gunicorn {workers} sync workers", "gunicorn_pid": proc.pid}
        sess = bl.HttpSession(host, port)
        sess.django_login("/accounts/login/", "registrar", PASSWORD)
        detail = f"/petitions/{pid}/"
        for _ in range(10):
            st, _, _ = sess.request("GET", detail)
            assert st == 200, f"GET {detail} -> {st}"
        hdrs = {"Cookie": f"sessionid={sess.cookies['sessionid']}"}
        bl.run_load(base + detail, WARMUP_S, connections=connections, headers=hdrs)
        res = bl.run_load(base + detail, seconds, connections=connections, headers=hdrs)
        bl.emit({"phase": "http", "name": "ticket_detail", "path": detail, **common, **res})

        # -- registration through the intake form, as the logged-in registrar
        st, _, html = sess.request("GET", "/petitions/new/")
        m = CSRF_RE.search(html)
        assert st == 200 and m, (
            f"GET /petitions/new/ -> {st}, csrf token {'found' if m else 'missing'}"
        )
        token = m.group(1).decode()
        bodies = [urllib.parse.urlencode({**f, "csrfmiddlewaretoken": token}) for f in bodies_forms]
        checked = 0
        for b in bodies[:10]:
            before = petition_count()
            st, _h, _ = sess.request(
                "POST", "/petitions/new/", form=dict(urllib.parse.parse_qsl(b))
            )
            created = petition_count() - before
            assert st == 302 and created == 1, f"POST /petitions/new/ -> {st}, created {created}"
            checked += 1
        # The session and the CSRF cookie, as the peer's load sends its CSRF cookie: not the
        # messages cookie the checked POSTs left (ten "registered" notices a browser would
        # have shown on the case page it follows the redirect to), which every request of
        # the load would otherwise decode and sign again with one notice more.
        cookies = {k: sess.cookies[k] for k in ("sessionid", "csrftoken")}
        hdrs = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        bl.run_load(
            base + "/petitions/new/",
            WARMUP_S,
            connections=connections,
            method="POST",
            bodies=bodies,
            headers=hdrs,
        )
        before = petition_count()
        res = bl.run_load(
            base + "/petitions/new/",
            seconds,
            connections=connections,
            method="POST",
            bodies=bodies,
            headers=hdrs,
        )
        time.sleep(1)  # let in-flight requests finish
        created = petition_count() - before
        ok = res.get("status_counts", {}).get("302", 0)
        bl.emit(
            {
                "phase": "http",
                "name": "public_submit",
                "path": "/petitions/new/",
                **common,
                **res,
                "tickets_created": created,
                "sequential_checked": checked,
                "created_minus_302": created - ok,
            }
        )
    finally:
        rc = bl.stop_server(proc)
        bl.log(f"http: gunicorn pid {proc.pid} stopped (rc={rc})")


# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("n", nargs="?", type=int, default=100000)
    ap.add_argument("--orm-n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--max-seconds", type=float, default=240.0)
    ap.add_argument("--http-seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--port", type=int, default=18081)
    ap.add_argument("--train-cap", type=int, default=20000)
    ap.add_argument(
        "--templates",
        type=int,
        default=300,
        help="cases the demo generator writes for the bulk path to copy",
    )
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="after each in-process call's timing, profile as many calls more (cProfile)",
    )
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="run the phases on the database of an earlier run of the same N: no seed",
    )
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument(
        "--only",
        default="",
        help="the in-process phase's calls to run, by name (comma-separated), e.g. "
        "public_submit,public_submit_api: registration by form and by API",
    )
    args = ap.parse_args()
    args.http_seconds = max(1, min(args.http_seconds, 20))
    if args.port in (8000, 54329):
        sys.exit("port reserved")

    if os.environ.get("BENCH_OUT"):  # we chdir into the Xinfang checkout below
        os.environ["BENCH_OUT"] = os.path.abspath(os.environ["BENCH_OUT"])
    prepare_environment(args.n, args.reuse)
    _setup_django()
    bl.set_common(target="xinfang", db=connection.vendor, n_tickets=args.n)
    bl.emit(env_record())
    t0 = time.perf_counter()
    if args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the code may have moved since that run
    else:
        seed(args.n, args.orm_n, args.seed, args.train_cap, args.templates)
    if not args.skip_latency:
        only = set(filter(None, args.only.split(",")))
        latency(args.repeats, args.max_seconds, args.seed, only, args.profile)
    if not args.skip_http:
        http(args.port, args.http_seconds, args.connections, args.workers, args.seed)
    bl.emit({"phase": "done", "wall_seconds": round(time.perf_counter() - t0, 1)})


if __name__ == "__main__":
    main()
