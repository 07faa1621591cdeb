"""Time the similarity index at scale: lookups, its size, rebuild, and detection's cost.

    .venv/bin/python bench/similarity.py --petitions 1000000 [--database-url URL] [--runs 200]
        [--reuse] [--reads-only]

Four parts, printed as one JSON line and then a table:

1. Quality, without a database: precision and recall of "same matter" (rules.match) on
   the hand-labelled pairs of xinfang/early_warnings/tests/data/same_matter_pairs.csv,
   and the hot issues (rules.hot_groups) of the 4,326 real messages of
   ../shared/data/teddy2020c_hot_issue_messages.csv.gz: the largest groups, and how many
   of the messages naming the two best-known matters each one holds.
2. The register: N petitions on a fresh bench database, built as bench/petitions.py
   builds it (its own SQLite file var/bench/similarity-bench-<N>.sqlite3, or a fresh database
   `xinfang_bench` on the PostgreSQL server of --database-url), then the similarity index
   of every case written in bulk. The index's texts are real: each case's text is three
   thirds of real messages (of the hot-issue board and the board with replies) drawn at
   random, its title one of theirs, so that about 140 cases share each third — a register
   where every matter comes back often, harder for the lookup than a real one. The whole
   text's signature of a union of parts is the element-wise minimum of the parts'
   signatures, so a million signatures cost no more than the parts'.
3. Reads: the similar-petition lookup of a random case (selectors.similar_petitions, as
   the API calls it; p50, p95, wall clock and the process's CPU time); the lookup under
   several band caps (selectors.BAND_CAP), each with its recall against a full scan —
   every signature in memory, scored as the lookup scores, of which the lookup's ten
   best should match the ten best scores; the hot issues of the street over 7 and 30 days
   (selectors.hot_issues); the hourly surge scan (services.surges_detect); the index's
   size in the database and the lookup process's peak memory.
4. Writes: the rebuild rate from the cases' own texts (services.signature_rebuild over a
   sample, and the million extrapolated), and registration through
   services.petition_register with early-warning detection subscribed and not (the
   request's cost: detection runs after commit, on the task queue), then the consumer's
   work per case (handlers.detect_on_register) against the full index.

--reuse opens the database and index an earlier run of the same size left (part 2's
fill skipped, the schema migrated to the code's), for a second run of the reads;
--reads-only skips part 4, which adds cases to the register.

The task queue is a SQLite file of the bench's own (var/bench/similarity-var/), never the
developer's. bench/README.md keeps the figures.
"""

import argparse
import csv
import gzip
import itertools
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import petitions as base  # the register bench's database and fill

ROOT = base.ROOT
PAIRS = ROOT / "xinfang" / "early_warnings" / "tests" / "data" / "same_matter_pairs.csv"
LOOKUP_P95_MS = 20.0


def data_dir() -> Path | None:
    for up in (ROOT.parent, ROOT.parent.parent):
        if (up / "shared" / "data" / "teddy2020c_hot_issue_messages.csv.gz").exists():
            return up / "shared" / "data"
    return None


def messages(name: str) -> list[dict[str, str]]:
    folder = data_dir()
    assert folder is not None, "../shared/data is absent"
    with gzip.open(folder / name, "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- 1. quality


def quality() -> dict[str, Any]:
    """Return precision and recall on the labelled pairs, and the real board's hot issues."""
    import datetime as dt

    from xinfang.early_warnings import rules

    rows = messages("teddy2020c_hot_issue_messages.csv.gz")
    started = time.perf_counter()
    sigs = {int(r["留言编号"]): rules.signatures(r["留言主题"], r["留言详情"]) for r in rows}
    sign_ms = (time.perf_counter() - started) * 1000 / len(rows)
    nowhere = rules.Place(None, "")
    with PAIRS.open(encoding="utf-8") as f:
        pairs = [(int(r["a"]), int(r["b"]), r["same"] == "1") for r in csv.DictReader(f)]
    said = []
    for a, b, same in pairs:
        sa, sb = sigs[a], sigs[b]
        assert sa is not None and sb is not None
        said.append((rules.match(sa, sb, nowhere, nowhere) is not None, same))
    hits = sum(s and t for s, t in said)
    # The lookup offers a pair only when the two share a band key; what it then finds
    # of the labelled same pairs (the band cap aside, which part 3 measures).
    offered = [
        bool(set(rules.band_keys(sigs[a])) & set(rules.band_keys(sigs[b]))) for a, b, _s in pairs
    ]
    found = sum(s and t and o for (s, t), o in zip(said, offered, strict=True))
    people: dict[str, int] = {}
    cases = []
    for r in rows:
        sig = sigs[int(r["留言编号"])]
        assert sig is not None
        at = dt.datetime.strptime(r["留言时间"].replace("-", "/"), "%Y/%m/%d %H:%M:%S")
        who = frozenset({people.setdefault(r["留言用户"], len(people))})
        cases.append(rules.HotCase(int(r["留言编号"]), sig, nowhere, at, who, r["留言主题"]))
    started = time.perf_counter()
    groups = rules.hot_groups(cases, until=max(c.at for c in cases))
    group_s = time.perf_counter() - started
    text = {int(r["留言编号"]): r["留言主题"] + r["留言详情"] for r in rows}
    known = {
        "丽发新城搅拌站": lambda t: "丽发" in t and "搅拌" in t,
        "伊景园滨河苑捆绑车位": lambda t: "滨河苑" in t,
    }
    matters = {}
    for name, names in known.items():
        wanted = {pk for pk, t in text.items() if names(t)}
        best = max(groups, key=lambda g: len(wanted & {c.petition_id for c in g.cases}))
        members = {c.petition_id for c in best.cases}
        matters[name] = {
            "messages": len(wanted),
            "in_its_group": len(wanted & members),
            "group_size": len(members),
            "others_in_group": len(members - wanted),
        }
    return {
        "labelled_pairs": len(pairs),
        "same_pairs": sum(t for _s, t in said),
        "precision": round(hits / max(1, sum(s for s, _t in said)), 3),
        "recall": round(hits / max(1, sum(t for _s, t in said)), 3),
        "lookup_recall": round(found / max(1, sum(t for _s, t in said)), 3),
        "layout": {
            "full": [rules.FULL_BANDS, rules.FULL_ROWS],
            "title": [rules.TITLE_BANDS, rules.TITLE_ROWS],
        },
        "thresholds": {"min_full": rules.MIN_FULL, "min_title": rules.MIN_TITLE},
        "signature_ms": round(sign_ms, 2),
        "board_messages": len(rows),
        "board_groups": len(groups),
        "board_grouped_messages": sum(len(g.cases) for g in groups),
        "board_grouping_s": round(group_s, 2),
        "board_largest": [[len(g.cases), g.people, g.title] for g in groups[:10]],
        "known_matters": matters,
    }


# ---------------------------------------------------------------- 2. the index in bulk


def part_pool(rng: random.Random) -> tuple[list[bytes], list[bytes | None]]:
    """Return the signatures of thirds of real messages, and of their titles."""
    from xinfang.early_warnings import rules

    rows = messages("teddy2020c_hot_issue_messages.csv.gz") + messages(
        "teddy2020c_messages_with_replies.csv.gz"
    )
    parts, titles = [], []
    for r in rows:
        text = r["留言详情"].strip()
        third = max(1, len(text) // 3)
        for i in range(3):
            sig = rules.signature(
                r["留言主题"] if i == 0 else "", text[i * third : (i + 1) * third]
            )
            if sig is not None:
                parts.append(sig)
        titles.append(rules.signature(r["留言主题"], hashes=rules.TITLE_HASHES))
    rng.shuffle(parts)
    return parts, titles


def fill_index(rng: random.Random) -> dict[str, Any]:
    """Write a signature and its bands for every case, in bulk; return the figures."""
    import numpy as np

    from xinfang.early_warnings.models import TextBand, TextSignature
    from xinfang.petitions.models import Petition

    started = time.perf_counter()
    parts, titles = part_pool(rng)
    pool = np.frombuffer(b"".join(parts), dtype="<u4").reshape(len(parts), -1)
    pool_s = time.perf_counter() - started
    base.progress(f"{len(parts):,} real message parts signed in {pool_s:.0f} s")
    signatures = base.RawTable(TextSignature)
    bands = base.RawTable(TextBand)
    band_id = base.next_id(TextBand)
    size_before = base.database_size()
    cases = Petition.objects.order_by("pk").values_list(
        "pk", "community_id", "address", "registered_at", "owner_unit_id"
    )
    written = 0
    started = time.perf_counter()
    with base.bulk_load(), base.indexes_deferred(TextSignature, TextBand):
        chunk: list[Any] = []
        for row in cases.iterator(chunk_size=base.BATCH):
            chunk.append(row)
            if len(chunk) == base.BATCH:
                band_id = write_chunk(chunk, pool, titles, rng, signatures, bands, band_id)
                written += len(chunk)
                chunk = []
                if written % 100_000 == 0:
                    rate = written / (time.perf_counter() - started)
                    base.progress(f"indexed {written:,} cases ({rate:,.0f}/s)")
        if chunk:
            band_id = write_chunk(chunk, pool, titles, rng, signatures, bands, band_id)
            written += len(chunk)
        base.progress("building the index's indexes")
    elapsed = time.perf_counter() - started
    base.reset_sequences(TextBand)
    return {
        "indexed": written,
        "parts": len(parts),
        "part_pool_s": round(pool_s, 1),
        "bulk_index_s": round(elapsed, 1),
        "bulk_index_per_s": round(written / elapsed),
        "bands": TextBand.objects.count(),
        "index_mb": round((base.database_size() - size_before) / 2**20, 1),
    }


def write_chunk(
    chunk: list[Any],
    pool: Any,
    titles: list[bytes | None],
    rng: random.Random,
    signatures: Any,
    bands: Any,
    band_id: int,
) -> int:
    """Write one batch of cases' signatures and bands; return the next band id."""
    import numpy as np
    from django.db import connection

    from xinfang.early_warnings import rules
    from xinfang.early_warnings.models import TextSignature

    blob = TextSignature._meta.get_field("signature")
    when = TextSignature._meta.get_field("registered_at")
    picks = np.array([[rng.randrange(len(pool)) for _ in range(3)] for _ in chunk])
    fulls = pool[picks].min(axis=1)
    sig_rows, band_rows = [], []
    for (pk, community, address, at, owner), full in zip(chunk, fulls, strict=True):
        sigs = rules.Signatures(full=full.tobytes(), title=titles[rng.randrange(len(titles))])
        sig_rows.append(
            (
                pk,
                blob.get_db_prep_save(sigs.to_bytes(), connection),
                community,
                rules.place_key(address)[:200],
                when.get_db_prep_save(at, connection),
            )
        )
        for key in rules.band_keys(sigs):
            band_rows.append((band_id, key, pk, owner))
            band_id += 1
    signatures.insert_tuples(sig_rows)
    bands.insert_tuples(band_rows)
    return band_id


def table_sizes() -> dict[str, float]:
    """Return the index tables' sizes with their indexes, in MB, where the database says."""
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table in ("early_warnings_textsignature", "early_warnings_textband"):
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                sizes[table] = round(cursor.fetchone()[0] / 2**20, 1)
            else:
                try:
                    cursor.execute(
                        "SELECT SUM(pgsize) FROM dbstat WHERE name = %s OR name IN"
                        " (SELECT name FROM sqlite_master WHERE tbl_name = %s)",
                        [table, table],
                    )
                    sizes[table] = round((cursor.fetchone()[0] or 0) / 2**20, 1)
                except Exception:  # SQLite built without the dbstat table
                    return {}
    return sizes


# ---------------------------------------------------------------- 3. reads


def timed(fn: Any, runs: int) -> dict[str, Any]:
    """Return base.timed's wall-clock figures and the same of the process's CPU time.

    On a machine other processes load, the wall clock counts their turns too; the CPU
    time (SQLite runs in the process) is the lookup's own work. On PostgreSQL the
    server's share is not in it.
    """
    cpu: list[float] = []

    def one() -> None:
        started = time.process_time()
        fn()
        cpu.append((time.process_time() - started) * 1000)

    wall = base.timed(one, runs)
    cpu = sorted(cpu[1:])  # the first is the warm-up
    return {
        **wall,
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(cpu[min(len(cpu) - 1, int(len(cpu) * 0.95))], 2),
    }


def reads(street: Any, runs: int, rng: random.Random) -> dict[str, Any]:
    """Time the lookups, the hot issues and the surge scan on the full index."""
    import datetime as dt

    from xinfang.common import clock
    from xinfang.early_warnings import selectors, services
    from xinfang.early_warnings.models import TextSignature
    from xinfang.petitions import access
    from xinfang.petitions.models import Petition

    registrar = street.users["registrar"]
    top = TextSignature.objects.order_by("-petition_id").values_list("petition_id", flat=True)
    newest = top.first() or 0
    ids = [rng.randrange(1, newest + 1) for _ in range(runs * 2)]
    cases = [p for p in Petition.objects.filter(pk__in=ids)][:runs]
    found = []
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def lookup() -> Any:
        petition = cases[len(found) % len(cases)]
        found.append(len(selectors.similar_petitions(registrar, petition, limit=10)))

    result: dict[str, Any] = {"similar_lookup": timed(lookup, runs)}
    result["similar_found_mean"] = round(sum(found) / max(1, len(found)), 1)
    result["lookup_peak_rss_mb_growth"] = round(
        (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024, 1
    )
    result.update(cap_sweep(registrar, cases, min(runs, 100)))
    today = clock.today()
    scope = access.unit_q(street.street)
    for days in (7, 30):
        start = today - dt.timedelta(days=days - 1)
        timing = base.timed(lambda s=start: selectors.hot_issues(scope, s, today), 5)
        result[f"hot_issues_{days}d"] = timing
        found_groups = selectors.hot_issues(scope, start, today)
        result[f"hot_issues_{days}d_groups"] = len(found_groups)
        cand = TextSignature.objects.filter(
            registered_at__gte=clock.now() - dt.timedelta(days=days)
        ).count()
        result[f"hot_issues_{days}d_cases"] = cand
    result["surge_scan"] = base.timed(lambda: services.surges_detect(), 3)
    return result


class FullScan:
    """Every case's signature in memory, scored as the lookup scores: the lookup's truth."""

    def __init__(self) -> None:
        import numpy as np

        from xinfang.early_warnings import rules
        from xinfang.early_warnings.models import TextSignature

        ids, fulls, titles, communities, addresses = [], [], [], [], []
        untitled = bytes(rules.TITLE_HASHES * 4)
        rows = TextSignature.objects.order_by("pk").values_list(
            "petition_id", "signature", "community_id", "address"
        )
        for pk, data, community, address in rows.iterator(chunk_size=5000):
            sig = rules.Signatures.from_bytes(data)
            ids.append(pk)
            fulls.append(sig.full)
            titles.append(sig.title or untitled)
            communities.append(community or -1)
            addresses.append(address)
        self.ids = np.array(ids)
        self.full = np.frombuffer(b"".join(fulls), dtype="<u4").reshape(len(ids), -1)
        self.title = np.frombuffer(b"".join(titles), dtype="<u4").reshape(len(ids), -1)
        self.titled = (self.title != 0).any(axis=1)
        self.community = np.array(communities)
        codes: dict[str, int] = {"": -1}
        self.address = np.array([codes.setdefault(a, len(codes)) for a in addresses])
        self.row = {pk: i for i, pk in enumerate(ids)}

    def best(self, pk: int, limit: int) -> list[float]:
        """Return the `limit` best scores any other case reaches against case `pk`."""
        import numpy as np

        from xinfang.early_warnings import rules

        i = self.row[pk]
        full = (self.full == self.full[i]).mean(axis=1)
        title = np.where(
            self.titled & self.titled[i], (self.title == self.title[i]).mean(axis=1), 0.0
        )
        same = (full >= rules.MIN_FULL) | (title >= rules.MIN_TITLE)
        here = ((self.community == self.community[i]) & (self.community[i] != -1)) | (
            (self.address == self.address[i]) & (self.address[i] != -1)
        )
        score = (1 - rules.PLACE_WEIGHT) * np.maximum(full, title) + rules.PLACE_WEIGHT * here
        score = np.where(same, np.round(np.minimum(score, 1.0), 4), -1.0)
        score[i] = -1.0
        top = np.sort(score)[::-1][:limit]
        return [float(x) for x in top if x >= 0]


def recall(found: list[list[float]], truth: list[list[float]]) -> float:
    """Return the share of the full scan's best scores the lookups matched, rank by rank.

    The i-th best score of the full scan counts as found when the lookup's i-th best is
    at least as high: among equal scores any case will do (a register where each matter
    recurs holds many cases scoring alike).
    """
    hit = total = 0
    for got, best in zip(found, truth, strict=True):
        total += len(best)
        hit += sum(i < len(got) and got[i] >= b - 1e-9 for i, b in enumerate(best))
    return round(hit / max(1, total), 3)


def scores(user: Any, petition: Any) -> list[float]:
    """Return the scores of the similar lookup's ten best for `petition`, as `user` asks."""
    from xinfang.early_warnings import selectors

    return [s.match.score for s in selectors.similar_petitions(user, petition, limit=10)]


def cap_sweep(user: Any, cases: list[Any], runs: int) -> dict[str, Any]:
    """Return the lookup's time and recall (against a full scan) under several band caps."""
    from xinfang.early_warnings import selectors

    started = time.perf_counter()
    scan = FullScan()
    sample = [c for c in cases if c.pk in scan.row][:runs]
    truth = [scan.best(c.pk, 10) for c in sample]
    out: dict[str, Any] = {
        "full_scan_load_s": round(time.perf_counter() - started, 1),
        "recall_sample": len(sample),
        "recall_default_cap": selectors.BAND_CAP,
    }
    kept = selectors.BAND_CAP
    try:
        for cap in (25, 50, 100, 200, 400, 10**9):
            selectors.BAND_CAP = cap
            got = [scores(user, c) for c in sample]
            turn = itertools.cycle(sample)
            timing = timed(lambda t=turn: scores(user, next(t)), runs)
            name = "uncapped" if cap == 10**9 else str(cap)
            out[f"cap_{name}"] = {**timing, "recall": recall(got, truth)}
            base.progress(f"band cap {name}: {out[f'cap_{name}']}")
    finally:
        selectors.BAND_CAP = kept
    return out


# ---------------------------------------------------------------- 4. writes


def rebuild_rate(sample: int) -> dict[str, Any]:
    """Return the rebuild rate from the cases' own texts, over `sample` cases."""
    from xinfang.early_warnings import services
    from xinfang.petitions.models import Petition

    rows = list(
        Petition.objects.only(
            "pk", "title", "content", "community", "address", "registered_at", "owner_unit"
        ).order_by("-pk")[:sample]
    )
    started = time.perf_counter()
    services.signature_rebuild(petitions=rows, chunk=1000)
    per_s = len(rows) / (time.perf_counter() - started)
    return {
        "rebuild_sample": len(rows),
        "rebuild_per_s": round(per_s, 1),
        "rebuild_million_min_estimate": round(1_000_000 / per_s / 60, 1),
    }


def registration(street: Any, total: int, rng: random.Random) -> dict[str, Any]:
    """Return registrations per second with detection subscribed and not, and its own cost."""
    from xinfang.early_warnings import handlers
    from xinfang.petitions import events
    from xinfang.petitions.models import Petition, Petitioner, PetitionEvent

    # Two sets of people: a person registering the same matter twice is refused as a repeat.
    people = list(Petitioner.objects.order_by("pk").values_list("pk", flat=True)[: 20 * total])
    half = len(people) // 2
    subscribed = events._subscriptions["register"]
    name = events.handler_name(handlers.detect_on_register)
    handler = subscribed.pop(name)
    first = base.next_id(Petition)
    try:
        off = base.register(total, street, people[:half], rng)
    finally:
        subscribed[name] = handler
    on = base.register(total, street, people[half:], rng)
    # The consumer's share: the handler on each case the second run registered.
    registered = PetitionEvent.objects.filter(action="register", petition_id__gte=first).order_by(
        "pk"
    )[total : 2 * total]
    event_rows = [events._case_event(e) for e in registered]
    started = time.perf_counter()
    for event in event_rows:
        handler(event)
    per_case_ms = (time.perf_counter() - started) * 1000 / max(1, len(event_rows))
    return {
        "register_petitions": total,
        "register_per_s_detection_off": round(off, 1),
        "register_per_s_detection_on": round(on, 1),
        "register_slowdown_pct": round((off - on) / off * 100, 1),
        "detection_ms_per_case": round(per_case_ms, 1),
        "detection_cases": len(event_rows),
    }


# ---------------------------------------------------------------- main


def filled_street(args: argparse.Namespace) -> Any:
    """Build and fill the bench's register as bench/petitions.py does, from fewer templates.

    The index, not the cases' columns, is what this bench times: --templates cases
    through the services (default 200, not 2,000) are enough to copy from. With --reuse,
    the database an earlier run filled (and indexed) is opened instead.
    """
    if args.reuse:
        return base.reused_street(args, name="similarity-bench")
    base.setup_django(base.bench_database(args))

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from xinfang.demo.street import build_street
    from xinfang.petitions.models import Petition, Petitioner

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    street = build_street(make_password(None))
    templates = base.demo_cases(street, min(args.templates, args.petitions), rng)
    with base.bulk_load(), base.indexes_deferred(Petitioner, Petition):
        people = base.fill_petitioners(max(100, args.petitions * 6 // 10), street, rng)
        if args.petitions > len(templates):
            base.Filler(templates, people, rng).fill(args.petitions - len(templates))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return street


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--petitions", type=int, default=100_000, help="cases in the database")
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to use instead of SQLite"
    )
    parser.add_argument("--runs", type=int, default=200, help="timed lookups")
    parser.add_argument("--register", type=int, default=300, help="registrations per run")
    parser.add_argument("--rebuild-sample", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--templates", type=int, default=200, help="cases the services write")
    parser.add_argument("--quality-only", action="store_true", help="part 1 only: no database")
    base.add_reuse(parser)  # the index the earlier run built is reused with it
    parser.add_argument(
        "--reads-only", action="store_true", help="skip part 4 (rebuild and registration)"
    )
    args = parser.parse_args()
    args.analyze = True
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        # A file of its own: the register bench's petitions-<N> may be in use by its run.
        args.database_url = f"sqlite:///{base.BENCH_DIR}/similarity-bench-{args.petitions}.sqlite3"
    return args


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    os.environ["DJANGO_VAR_DIR"] = str(base.BENCH_DIR / "similarity-var")
    (base.BENCH_DIR / "similarity-var").mkdir(parents=True, exist_ok=True)
    if args.quality_only:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        print(json.dumps({"quality": quality()}, ensure_ascii=False))
        return
    started = time.perf_counter()
    street = filled_street(args)
    from django.db import connection

    result: dict[str, Any] = {
        "backend": connection.vendor,
        "petitions": args.petitions,
        "fill_s": round(time.perf_counter() - started, 1),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW fsync")
            result["fsync"] = cursor.fetchone()[0]
    base.progress("quality on the real messages")
    result["quality"] = quality()
    from xinfang.early_warnings.models import TextBand, TextSignature

    if args.reuse and TextSignature.objects.exists():
        result["index"] = {
            "reused": True,
            "indexed": TextSignature.objects.count(),
            "bands": TextBand.objects.count(),
        }
    else:
        base.progress("the index in bulk")
        result["index"] = fill_index(rng)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    result["index"]["tables_mb"] = table_sizes()
    base.progress("timing the reads")
    result["reads"] = reads(street, args.runs, rng)
    base.progress(json.dumps(result, ensure_ascii=False))  # the figures so far
    if not args.reads_only:
        base.progress("rebuild and registration")
        result["rebuild"] = rebuild_rate(args.rebuild_sample)
        result["registration"] = registration(street, args.register, rng)
    print(json.dumps(result, ensure_ascii=False))
    print_table(result)


def print_table(r: dict[str, Any]) -> None:
    q, ix, rd = r["quality"], r["index"], r["reads"]
    look = rd["similar_lookup"]
    print(
        f"\n{r['petitions']:,} petitions on {r['backend']}"
        + (f" (fsync {r['fsync']})" if "fsync" in r else "")
    )
    print(
        f"  same matter on {q['labelled_pairs']} labelled pairs: precision {q['precision']}, recall {q['recall']}"
    )
    print(f"  lookup recall on the labelled pairs {q['lookup_recall']} (bands {q['layout']})")
    print(
        f"  similar lookup  p50 {look['median_ms']} ms  p95 {look['p95_ms']} ms  (target p95 < {LOOKUP_P95_MS} ms)"
        f"  CPU p50 {look['cpu_median_ms']} ms  p95 {look['cpu_p95_ms']} ms"
    )
    for name, cap in rd.items():
        if name.startswith("cap_"):
            print(
                f"    band {name:<13} p50 {cap['median_ms']} ms  p95 {cap['p95_ms']} ms"
                f"  CPU p50 {cap['cpu_median_ms']} ms  p95 {cap['cpu_p95_ms']} ms  recall@10 {cap['recall']}"
            )
    print(
        f"  index           {ix['indexed']:,} cases, {ix['bands']:,} bands, {ix.get('index_mb', '?')} MB {ix['tables_mb']}"
    )
    if not ix.get("reused"):
        print(f"  bulk index      {ix['bulk_index_s']} s ({ix['bulk_index_per_s']:,}/s)")
    for days in (7, 30):
        t = rd[f"hot_issues_{days}d"]
        print(
            f"  hot issues {days:>2} d  p50 {t['median_ms']} ms over {rd[f'hot_issues_{days}d_cases']:,} cases, {rd[f'hot_issues_{days}d_groups']} groups"
        )
    print(f"  surge scan      p50 {rd['surge_scan']['median_ms']} ms")
    if "registration" not in r:
        return
    rb, rg = r["rebuild"], r["registration"]
    print(
        f"  rebuild         {rb['rebuild_per_s']}/s from texts: a million in ~{rb['rebuild_million_min_estimate']} min"
    )
    print(
        f"  registration    {rg['register_per_s_detection_off']}/s off, {rg['register_per_s_detection_on']}/s on ({rg['register_slowdown_pct']} % slower)"
    )
    print(f"  detection       {rg['detection_ms_per_case']} ms a case on the consumer")


if __name__ == "__main__":
    main()
