"""Time the petition register at scale: intake throughput, bulk fill, and the busy pages.

    .venv/bin/python bench/petitions.py --petitions 100000 [--database-url URL] [--analyze]

Works in a database of its own, built fresh each run: the SQLite file
var/bench/petitions-<N>.sqlite3, or, for a PostgreSQL URL (from --database-url or
DJANGO_DATABASE_URL), a database `xinfang_bench` created on that server; the database the
URL names is only used to reach the server. The development database is never touched.

The run builds the demo street, writes a few hundred cases of the last two years through
the demo generator (the real services), fills the rest of N petitions with copies of
them by multi-row inserts, registers a few thousand more through
services.petition_register to measure intake, then times the workbench, list pages and a
text search, and prints one JSON line with every figure followed by a table. Reads slower than 50 ms at p95 are shown with their query plans.
bench/README.md says more, and keeps the latest figures.
"""

import argparse
import datetime as dt
import json
import operator
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
SLOW_MS = 50.0
BATCH = 5000
# Base-32 digits of the query code; a fixed odd multiplier mixes the row number into a
# unique 60-bit code, so a million codes need no uniqueness check.
CODE_MIX = 0x9E3779B97F4A7C15
CODE_BITS = 60


def parse_args(description: str = "", reuse: bool = False) -> argparse.Namespace:
    """Return the options of this bench (or of one built on its fill, `description`);
    with `reuse`, --reuse too (reused_street)."""
    parser = argparse.ArgumentParser(description=description or __doc__.split("\n\n")[0])
    parser.add_argument("--petitions", type=int, default=100_000, help="cases in the database")
    parser.add_argument(
        "--register", type=int, default=2000, help="of which registered by the service"
    )
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to use instead of SQLite"
    )
    parser.add_argument("--runs", type=int, default=100, help="timed runs per query")
    parser.add_argument(
        "--analyze", action="store_true", help="run ANALYZE on SQLite before timing"
    )
    parser.add_argument(
        "--templates",
        type=int,
        default=300,
        help="of the filled cases, how many the services write (the rest are their copies)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=2, help="processes registering at once (the cores)"
    )
    if reuse:
        add_reuse(parser)
    return parser.parse_args()


# ---------------------------------------------------------------- the database


def bench_database(args: argparse.Namespace) -> str:
    """Create the bench's own empty database and return its URL."""
    url = args.database_url or os.environ.get("DJANGO_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return fresh_postgres(url)
    if url and not args.database_url:
        url = ""  # an exported SQLite URL is the developer's database: not ours to replace
    path = Path(urlsplit(url).path) if url else BENCH_DIR / f"petitions-{args.petitions}.sqlite3"
    if path.exists() and path.parent != BENCH_DIR and "bench" not in path.name:
        sys.exit(f"Refusing to replace {path}: the bench replaces only its own files.")
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_postgres(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS xinfang_bench")
        conn.execute("CREATE DATABASE xinfang_bench")
    return urlunsplit(parts._replace(path="/xinfang_bench"))


def setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log: it would cost memory and time in every query


@contextmanager
def bulk_load() -> Iterator[None]:
    """Fill SQLite with a large page cache and no fsync; restore both for the timings."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -1048576")  # 1 GiB; the indexes outgrow 2 MB fast
        cursor.execute("PRAGMA synchronous = OFF")  # a crash mid-fill loses only the bench
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
            cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")


@contextmanager
def indexes_deferred(*models: Any) -> Iterator[None]:
    """Drop the tables' plain indexes for the fill and build them again after, as bulk loads do.

    Keeping some twenty indexes of a petition up to date row by row costs more than
    writing the row; sorting each index once at the end is several times cheaper. Primary
    keys and unique constraints stay, so the fill is still checked.
    """
    from django.db import connection

    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND tbl_name IN ({', '.join(['%s'] * len(tables))})",
                tables,
            )
        else:
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                " WHERE t.relname = ANY(%s) AND NOT x.indisprimary AND NOT x.indisunique",
                [tables],
            )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)


def database_size() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return Path(connection.settings_dict["NAME"]).stat().st_size
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


# ---------------------------------------------------------------- the bulk fill


def query_codes(alphabet: str, length: int) -> Callable[[int], str]:
    """Return a function giving row `n` its query code, unique among all rows."""
    pairs = [a + b for a in alphabet for b in alphabet]  # two characters per 10 bits
    chunks = range(0, 5 * length, 10)

    def code(n: int) -> str:
        mixed = (n * CODE_MIX) % (1 << CODE_BITS)
        return "".join([pairs[(mixed >> shift) & 1023] for shift in chunks])

    return code


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def batches(total: int) -> Iterator[range]:
    for start in range(0, total, BATCH):
        yield range(start, min(start + BATCH, total))


class RawTable:
    """Multi-row INSERTs into one model's table of values ready for the database.

    The caller chooses the ids and gives dates and datetimes as ISO text, datetimes in
    UTC, which both SQLite and PostgreSQL take as they are. bulk_create spends about
    0.2 ms of Python on each 55-column petition (a compiled placeholder and a prepared
    value per field); executemany of plain tuples on SQLite, and COPY on PostgreSQL, are
    several times faster.
    """

    def __init__(self, model: Any) -> None:
        from django.db import connection

        fields = model._meta.concrete_fields
        self.model = model
        self.defaults = {f.attname: None if f.primary_key else f.get_default() for f in fields}
        self.values = operator.itemgetter(*self.defaults)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = quote(model._meta.db_table)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        self.copy = f"COPY {table} ({columns}) FROM STDIN"

    def insert(self, rows: list[dict[str, Any]]) -> None:
        """Insert `rows`, dicts of attribute names to values; the other columns take defaults."""
        self.insert_tuples([self.values(self.defaults | row) for row in rows])

    def insert_tuples(self, params: list[Any]) -> None:
        """Insert rows given as sequences of every column's value, in the model's order."""
        from django.db import connection, transaction

        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.connection.cursor() as cursor, cursor.copy(self.copy) as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                with connection.cursor() as cursor:
                    cursor.executemany(self.sql, params)


def next_id(model: Any) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(*models: Any) -> None:
    """Move PostgreSQL's id sequences past the ids the fill chose itself."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def fill_petitioners(total: int, street: Any, rng: random.Random) -> list[int]:
    """Insert `total` petitioners with unique ID numbers and phones; return their ids."""
    from django.utils import timezone

    from xinfang.demo import content
    from xinfang.petitions.models import Petitioner
    from xinfang.petitions.validators import id_check_digit

    progress(f"filling {total:,} petitioners")
    table, first = RawTable(Petitioner), next_id(Petitioner)
    communities = [(street.units[c[0]].pk, c[3]) for c in content.COMMUNITIES]
    born, now = dt.date(1940, 1, 1), str(timezone.now().replace(tzinfo=None))
    for rows in batches(total):
        people = []
        for i in rows:
            community, pattern = communities[i % len(communities)]
            first17 = f"330106{born + dt.timedelta(days=i % 21_900):%Y%m%d}{i // 21_900 % 1000:03d}"
            people.append(
                {
                    "id": first + i,
                    "name": content.person_name(rng),
                    "id_number": first17 + id_check_digit(first17) if i % 10 < 7 else "",
                    "phone": f"13{i:09d}" if i % 10 else "",
                    "address": content.address(rng, pattern),
                    "community_id": community,
                    "created_at": now,
                }
            )
        table.insert(people)
    reset_sequences(Petitioner)
    return list(range(first, first + total))


def demo_cases(street: Any, total: int, rng: random.Random) -> list[int]:
    """Write `total` cases through the demo generator, the real services; return their ids."""
    from xinfang.common import clock
    from xinfang.demo.generator import DemoGenerator

    progress(f"writing {total:,} cases through the services (the demo generator)")
    generator = DemoGenerator(street, rng, clock.now())
    generator.run(total)
    return [d.pk for d in generator.done]


class Filler:
    """Copies of cases the services wrote: the same columns but the ids and the petitioner.

    Only the services know what a case's columns should be at each point of its life, so
    the fill runs none of that logic itself: it clones the `templates` (cases the demo
    generator wrote through petition_register and petition_transition) with their status,
    dates and deadlines as they are, giving each copy its own id, query code and (unless
    it is a repeat) petitioner. Event rows, representatives and supervisions are not
    copied: the pages timed here do not read them.
    """

    def __init__(self, templates: list[int], people: list[int], rng: random.Random) -> None:
        from django.db import connection

        from xinfang.petitions.models import QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH, Petition

        self.table, self.first = RawTable(Petition), next_id(Petition)
        self.code = query_codes(QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH)
        self.people, self.rng = people, rng
        fields = Petition._meta.concrete_fields
        names = [f.attname for f in fields]
        self.id, self.query_code, self.petitioner = (
            names.index(n) for n in ("id", "query_code", "petitioner_id")
        )
        rows = Petition.objects.filter(pk__in=templates).order_by("pk").values_list(*names)
        self.templates = [
            [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
            for values in rows
        ]
        # A repeat keeps its petitioner: the person who came back about the same matter.
        self.new_person = [t[names.index("repeat_of_id")] is None for t in self.templates]

    def fill(self, total: int) -> None:
        """Insert `total` copies in batches, each batch one transaction."""
        started = time.perf_counter()
        for rows in batches(total):
            self.table.insert_tuples([self.row(n) for n in rows])
            if rows.stop % 100_000 == 0 or rows.stop == total:
                rate = rows.stop / (time.perf_counter() - started)
                progress(f"filled {rows.stop:,} of {total:,} petitions ({rate:,.0f}/s)")
        reset_sequences(self.table.model)

    def row(self, n: int) -> list[Any]:
        """Return the columns of copy number `n`."""
        rng = self.rng
        i = int(rng.random() * len(self.templates))
        row = self.templates[i].copy()
        row[self.id], row[self.query_code] = self.first + n, self.code(n)
        if row[self.petitioner] is not None and self.new_person[i]:
            row[self.petitioner] = self.people[int(rng.random() * len(self.people))]
        return row


# ---------------------------------------------------------------- intake through the service


def register(
    total: int, street: Any, people: list[int], rng: random.Random, workers: int = 1
) -> float:
    """Register `total` petitions through the service; return petitions per second.

    Three in ten come from someone already on file (matched by ID number), so the
    petitioner matching of a large register is part of what is timed. With `workers`
    above one, as many processes register at once, as the application servers of a
    deployment would: the figure is then the machine's throughput, not one process's.
    """
    from xinfang.common import clock
    from xinfang.demo.cases import Intake
    from xinfang.petitions import inputs, repeats, services
    from xinfang.petitions.models import Petitioner

    intake, today = Intake(street, rng), clock.today()
    known = list(
        Petitioner.objects.filter(pk__in=rng.sample(people, min(len(people), total)))
        .exclude(id_number="")
        .values_list("name", "id_number")
    )
    registrar = street.users["registrar"]
    datas = []
    for _ in range(total):
        template = intake.template()
        spec = intake.spec(template, intake.community(template))
        data = intake.registration(spec, today, rng)  # adds higher offices' references
        if data.petitioners and known and rng.random() < 0.3:
            name, id_number = rng.choice(known)
            data.petitioners[0] = inputs.PetitionerData(name=name, id_number=id_number)
        datas.append(data)
    # A made-up ID number can be one the fill gave someone else: that person came back,
    # under the name on file (a different name would be refused as a mistyped number),
    # the record standing where the phone differs (the registrar's "keep").
    typed = {p.id_number for d in datas for p in d.petitioners if p.id_number}
    # The fill can give two people one number: the service matches the oldest record, so
    # newest first, the oldest written last.
    on_file = {
        number: (name, pk)
        for number, name, pk in Petitioner.objects.filter(id_number__in=typed)
        .order_by("-pk")
        .values_list("id_number", "name", "pk")
    }
    now, seen = clock.now(), set()
    for data in datas:
        data.petitioners = [
            replace(p, name=on_file[p.id_number][0], on_record="keep")
            if p.id_number in on_file
            else p
            for p in data.petitioners
        ]
        # Someone back within 30 days with a like title is refused as a likely repeat
        # until the registrar ticks "a new matter", as they would after reading it.
        ids = [on_file[p.id_number][1] for p in data.petitioners if p.id_number in on_file]
        data.not_repeat = bool(seen.intersection(ids)) or bool(
            repeats.likely_repeats(registrar, ids, data.title, now)
        )
        seen.update(ids)
    from django.db import connections

    def run(chunk: list[Any]) -> None:
        for data in chunk:
            services.petition_register(actor=registrar, data=data)

    if workers <= 1:
        started = time.perf_counter()
        run(datas)
        return total / (time.perf_counter() - started)
    connections.close_all()  # each process opens its own connection
    children = []
    started = time.perf_counter()
    for w in range(workers):
        pid = os.fork()
        if pid == 0:  # the child registers its share and leaves without cleanup
            code = 1
            try:
                run(datas[w::workers])
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    if any(os.waitpid(pid, 0)[1] for pid in children):
        raise SystemExit("a registering worker failed")
    return total / (time.perf_counter() - started)


# ---------------------------------------------------------------- latency


def timed(fn: Callable[[], Any], runs: int, budget: float = 30.0) -> dict[str, float]:
    """Return the median and 95th percentile of `fn` in ms, over `runs` or `budget` seconds."""
    fn()  # warm the caches the way a server that has been up a while has them
    times: list[float] = []
    deadline = time.perf_counter() + budget
    while len(times) < runs and (len(times) < 5 or time.perf_counter() < deadline):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
        "runs": len(times),
    }


def operations(street: Any) -> dict[str, Callable[[], Any]]:
    """Return the page reads to time, each evaluated as the page would."""
    from django.utils import timezone

    from xinfang.common.pagination import CappedPaginator
    from xinfang.petitions import selectors
    from xinfang.petitions.selectors import PetitionFilters

    today = timezone.localdate()
    registrar, handler = street.users["registrar"], street.users["handler"]

    def page(user: Any, filters: PetitionFilters) -> Callable[[], Any]:
        def run() -> Any:
            first = CappedPaginator(selectors.petition_search(user, filters), 20).page(1)
            return first.paginator.count, list(first.object_list)

        return run

    def workbench(user: Any) -> Callable[[], Any]:
        return lambda: selectors.workbench_for_user(user)

    year, quarter = today - dt.timedelta(days=365), today - dt.timedelta(days=90)
    return {
        "workbench_registrar": workbench(registrar),
        "workbench_handler": workbench(handler),
        "list_closed_visits_year": page(
            registrar,
            PetitionFilters(
                status="closed", channel="visit", created_after=year, created_before=today
            ),
        ),
        "list_handling_visits_quarter": page(
            registrar,
            PetitionFilters(
                status="handling", channel="visit", created_after=quarter, created_before=today
            ),
        ),
        "list_handler_open": page(handler, PetitionFilters(status="open")),
        "search_text": page(registrar, PetitionFilters(q="业委会")),
    }


def query_plans(fn: Callable[[], Any]) -> list[dict[str, Any]]:
    """Return each query `fn` runs with its time and the database's plan for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    plans = []
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute(explain + query["sql"])
            rows = cursor.fetchall()
        plan = [
            " | ".join(str(c) for c in row[-1:]) if connection.vendor == "sqlite" else row[0]
            for row in rows
        ]
        plans.append(
            {"ms": round(float(query["time"]) * 1000, 1), "sql": query["sql"], "plan": plan}
        )
    return plans


def kpi_args(description: str, runs: int) -> argparse.Namespace:
    """Return the options of the benches that time figures over a filled street."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--petitions", type=int, default=100_000, help="cases in the database")
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to use instead of SQLite"
    )
    parser.add_argument("--runs", type=int, default=runs, help="timed runs per read")
    parser.add_argument("--seed", type=int, default=1)
    add_reuse(parser)
    args = parser.parse_args()
    args.analyze = True
    return args


def add_reuse(parser: argparse.ArgumentParser) -> None:
    """Offer --reuse: time the database an earlier run filled (reused_street)."""
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the database an earlier run filled (SQLite: of the same size), without filling",
    )


def reused_street(args: argparse.Namespace, name: str = "petitions") -> Any:
    """Open the bench database an earlier run filled, var/bench/<name>-<N>.sqlite3 or
    PostgreSQL's xinfang_bench, brought up to the code's migrations; return its street."""
    url = args.database_url or os.environ.get("DJANGO_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        url = urlunsplit(urlsplit(url)._replace(path="/xinfang_bench"))
    else:
        path = BENCH_DIR / f"{name}-{args.petitions}.sqlite3"
        if not path.exists():
            sys.exit(f"--reuse: no {path} from an earlier run")
        url = f"sqlite:///{path}"
    setup_django(url)
    from django.core.management import call_command

    from xinfang.demo.street import load_street

    call_command("migrate", verbosity=0)  # what the code has added since
    return load_street()


def filled_street(args: argparse.Namespace) -> Any:
    """Build the demo street on a fresh bench database and fill it with args.petitions cases."""
    if args.reuse:
        return reused_street(args)
    setup_django(bench_database(args))

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from xinfang.demo.street import build_street
    from xinfang.petitions.models import Petition, Petitioner

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    street = build_street(make_password(None))
    # Cases written through the services as templates, then copied in bulk.
    templates = demo_cases(street, min(2_000, args.petitions), rng)
    with bulk_load(), indexes_deferred(Petitioner, Petition):
        people = fill_petitioners(max(100, args.petitions * 6 // 10), street, rng)
        if args.petitions > len(templates):
            Filler(templates, people, rng).fill(args.petitions - len(templates))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return street


def built_summary() -> float:
    """Build the KPI summary of the filled register; return the seconds it took.

    The fill wrote the cases raw, so the summary counts the whole register again, as
    `manage.py kpi_rebuild` does, then the events of the cases the services wrote.
    """
    from xinfang.assessment.services import summary

    progress("building the KPI summary")
    started = time.perf_counter()
    summary.rebuild()
    summary.bring_up_to_date()
    return round(time.perf_counter() - started, 1)


# ---------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    url = bench_database(args)
    setup_django(url)

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from xinfang.demo.street import build_street
    from xinfang.petitions.models import Petition, Petitioner

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    street = build_street(make_password(None))
    service_n = min(args.register, args.petitions)
    bulk_n = args.petitions - service_n
    result: dict[str, Any] = {
        "backend": connection.vendor,
        "database": connection.settings_dict["NAME"],
        "petitions": args.petitions,
    }

    # Written before the fill, while the register is small and its indexes in place.
    started = time.perf_counter()
    templates = demo_cases(street, min(args.templates, bulk_n), rng)
    result["service_written"] = len(templates)
    result["service_written_s"] = round(time.perf_counter() - started, 1)
    copies = bulk_n - len(templates)
    # Rows per second count the whole load: the inserts and building the indexes after.
    with bulk_load():
        started = time.perf_counter()
        with indexes_deferred(Petitioner, Petition):
            people = fill_petitioners(max(100, copies * 6 // 10), street, rng)
            filled_people = time.perf_counter()
            if copies:
                Filler(templates, people, rng).fill(copies)
            progress("building the indexes")
        done = time.perf_counter()
    result["petitioners"] = len(people)
    result["petitioner_rows_per_s"] = round(len(people) / (filled_people - started))
    result["bulk_petitions"] = copies
    result["bulk_rows_per_s"] = round(copies / (done - filled_people))
    result["fill_s"] = round(done - started, 1)
    progress(f"registering {service_n:,} through the service")
    result["register_petitions"] = service_n
    result["register_per_s"] = round(register(service_n, street, people, rng), 1)
    result["register_workers"] = args.workers
    result["register_per_s_all_workers"] = round(
        register(service_n, street, people, rng, workers=args.workers), 1
    )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What autovacuum does to a table this size soon after a load: statistics, and
            # the visibility map that lets counts be answered from an index alone.
            cursor.execute("VACUUM ANALYZE")
        elif args.analyze:
            cursor.execute("ANALYZE")
    result["analyzed"] = connection.vendor == "postgresql" or args.analyze
    result["db_size_mb"] = round(database_size() / 2**20, 1)

    slow = {}
    latencies = {}
    for name, fn in operations(street).items():
        progress(f"timing {name}")
        latencies[name] = timed(fn, args.runs)
        if latencies[name]["p95_ms"] > SLOW_MS:
            slow[name] = query_plans(fn)
    result["latency"] = latencies
    print(json.dumps(result, ensure_ascii=False))
    print_table(result, slow)


def print_table(result: dict[str, Any], slow: dict[str, list[dict[str, Any]]]) -> None:
    print(
        f"\n{result['petitions']:,} petitions on {result['backend']} "
        f"({result['db_size_mb']} MB, ANALYZE {'yes' if result['analyzed'] else 'no'})"
    )
    print(
        f"  through services {result['service_written']:>10,} cases written by the demo "
        f"generator in {result['service_written_s']} s, the templates of the fill"
    )
    print(
        f"  bulk fill        {result['bulk_rows_per_s']:>10,} petitions/s "
        f"({result['petitioner_rows_per_s']:,} petitioners/s)"
    )
    print(f"  registration     {result['register_per_s']:>10,} petitions/s through the service")
    print(
        f"  registration     {result['register_per_s_all_workers']:>10,} petitions/s "
        f"with {result['register_workers']} processes"
    )
    print(f"\n  {'query':<30}{'median ms':>10}{'p95 ms':>10}{'runs':>6}")
    for name, t in result["latency"].items():
        flag = "  slow" if t["p95_ms"] > SLOW_MS else ""
        print(f"  {name:<30}{t['median_ms']:>10}{t['p95_ms']:>10}{t['runs']:>6}{flag}")
    for name, queries in slow.items():
        print(f"\n{name}: p95 over {SLOW_MS:.0f} ms; its queries and plans:")
        for q in queries:
            print(f"  [{q['ms']} ms] {q['sql'][:300]}")
            for line in q["plan"]:
                print(f"      {line}")


if __name__ == "__main__":
    main()
