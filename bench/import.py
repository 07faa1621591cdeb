"""Time the ledger import: rows per second of a district-sized CSV, checked and written.

    .venv/bin/python bench/import.py --rows 100000 [--database-url URL]

Works in a fresh database of its own, like bench/petitions.py (the SQLite file
var/bench/import-<N>.sqlite3 as the project configures SQLite, or a database
`xinfang_bench` on the PostgreSQL server a URL names). It builds a street with its
communities and departments, writes a ledger of N rows (three years, seven in ten
replied, half of those rated, people named with their phones, some repeated), then
times the dry run (`ledger_check`: read, check, resolve) and the real import
(`ledger_import`: the same, then the writes) and a second import of the same file (all
skipped), and prints one JSON line with rows per second of each.
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from petitions import BENCH_DIR, bench_database, setup_django

TITLES = [
    (
        "夜间施工噪声扰民",
        "噪声污染",
        "小区东侧工地每晚施工到凌晨，机械轰鸣，居民无法休息，请求依法查处并限定施工时间。",
    ),
    (
        "拖欠农民工工资",
        "拖欠工资",
        "我们在某工地务工半年，包工头拖欠工资三万余元至今未付，多次讨要无果，请求帮助追讨。",
    ),
    (
        "小区物业服务不到位",
        "物业管理",
        "物业公司收费后不履行保洁和安保职责，电梯长期故障，业主多次反映无人处理。",
    ),
    (
        "违章搭建影响通行",
        "违章建筑",
        "邻居在公共通道上私自搭建棚屋，占用消防通道，存在安全隐患，请求拆除。",
    ),
    (
        "低保申请迟迟未批",
        "低保救助",
        "本人患病失去劳动能力，三个月前申请低保，至今没有答复，家庭生活困难。",
    ),
    (
        "学区划分不合理",
        "入学入托",
        "我家所在楼栋被划入较远的学区，孩子上学需要跨越主干道，请求重新划分。",
    ),
    ("垃圾清运不及时", "垃圾处理", "小区垃圾站已经多日未清运，气味难闻，蚊蝇滋生，影响居民健康。"),
    (
        "路灯损坏无人修",
        "市政设施",
        "某路段路灯损坏一个多月，夜间行人和车辆通行不便，容易发生事故。",
    ),
]
CHANNELS = ["来信", "来访", "来电", "网上信访"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
MAPPING = {
    "source": {"encoding": "utf-8-sig"},
    "registered_unit": "台账街道",
    "fields": {
        "external_ref": "编号",
        "registered_at": {"column": "登记日期", "format": "%Y-%m-%d"},
        "channel": "信访形式",
        "title": "标题",
        "content": "内容",
        "category": "问题分类",
        "handling_unit": "承办单位",
        "community": "问题发生地",
        "petitioner_name": "信访人",
        "petitioner_phone": "联系电话",
        "replied_at": {"column": "答复日期", "format": "%Y-%m-%d"},
        "satisfaction": {
            "column": "满意度",
            "values": {"满意": "satisfied", "不满意": "dissatisfied"},
        },
    },
}
HEADERS = ["编号", "登记日期", "信访形式", "标题", "内容", "问题分类", "承办单位", "问题发生地",
           "信访人", "联系电话", "答复日期", "满意度"]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile",
        metavar="FILE",
        default="",
        help="only the import, under cProfile (stats written to FILE), and its SQL by statement",
    )
    args = parser.parse_args()
    args.petitions = f"import-{args.rows}"  # bench_database names its SQLite file by it
    return args


def write_ledger(path: Path, rows: int, communities: list[str], units: list[str]) -> None:
    rng = random.Random(1)
    today = dt.date.today()
    people = [
        (rng.choice(SURNAMES) + rng.choice("伟芳娜敏静丽强磊军洋"), f"139{n:08d}")
        for n in range(rows // 3)
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for n in range(rows):
            title, category, content = rng.choice(TITLES)
            day = today - dt.timedelta(days=rng.randint(30, 3 * 365))
            replied = day + dt.timedelta(days=rng.randint(3, 75)) if rng.random() < 0.7 else None
            replied = replied if replied and replied < today else None
            name, phone = rng.choice(people)
            writer.writerow(
                [
                    f"TZ{n:07d}",
                    day.isoformat(),
                    rng.choice(CHANNELS),
                    title,
                    f"{content}（第{n}号）",
                    category,
                    rng.choice(units),
                    rng.choice(communities),
                    name,
                    phone,
                    replied.isoformat() if replied else "",
                    rng.choice(["满意", "不满意", ""]) if replied else "",
                ]
            )


def time_bulk_handlers() -> list[float]:
    """Time the bulk subscribers (the KPI summary's count) the import runs after its commit."""
    from xinfang.petitions import events

    spent = [0.0, 0.0]  # wall, this process's CPU

    def timed(handler: Any) -> Any:
        def run(ids: Any) -> None:
            started, started_cpu = time.perf_counter(), time.process_time()
            handler(ids)
            spent[0] += time.perf_counter() - started
            spent[1] += time.process_time() - started_cpu

        return run

    events._bulk = {name: timed(h) for name, h in events._bulk.items()}
    return spent


def profile(out: str, registrar: Any, path: Path, mapping: Any) -> None:
    """Run the import under cProfile; print where its time and its SQL's time go."""
    import cProfile
    import pstats
    from collections import defaultdict

    from django.db import connection

    from xinfang.ledger_import import services

    sql: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])

    def tally(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            return execute(statement, params, many, context)
        finally:
            words = statement.split()
            key = " ".join(words[:3]) if words[0] != "SELECT" else statement[:90]
            sql[key][0] += len(params) if many else 1
            sql[key][1] += time.perf_counter() - started
            sql[key][2] += time.process_time() - started_cpu

    profiler = cProfile.Profile(time.process_time)  # CPU: what the load does not change
    started = time.perf_counter()
    with connection.execute_wrapper(tally):
        profiler.enable()
        report = services.ledger_import(actor=registrar, path=path, mapping=mapping)
        profiler.disable()
    wall = time.perf_counter() - started
    profiler.dump_stats(out)
    stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    print(f"created {report.created} in {wall:.1f} s (profiled)", file=sys.stderr)
    print("    wall   CPU here   rows  statement", file=sys.stderr)
    for key, (n, s, c) in sorted(sql.items(), key=lambda kv: -kv[1][1])[:25]:
        print(f"{s:8.2f} {c:8.2f} {n:8d}  {key}", file=sys.stderr)


def main() -> None:
    args = parse_args()
    url = bench_database(args)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from xinfang.accounts.models import User
    from xinfang.ledger_import import services
    from xinfang.ledger_import.mapping import parse_mapping
    from xinfang.organization.models import Unit

    district = Unit.objects.create(name="台账区", kind=Unit.Kind.DISTRICT)
    street = Unit.objects.create(name="台账街道", kind=Unit.Kind.STREET, parent=district)
    communities = [f"第{i}社区" for i in range(1, 13)]
    departments = ["城建办", "综治办", "社会事务办", "城管中队", "劳动保障所"]
    for name in communities:
        Unit.objects.create(name=name, kind=Unit.Kind.COMMUNITY, parent=street)
    for name in departments:
        Unit.objects.create(name=name, kind=Unit.Kind.DEPARTMENT, parent=street)
    registrar = User.objects.create(username="bench-registrar", role="registrar", unit=street)
    path = BENCH_DIR / f"ledger-{args.rows}.csv"
    write_ledger(path, args.rows, communities, communities + departments)
    mapping = parse_mapping(json.dumps(MAPPING))

    if args.profile:
        profile(args.profile, registrar, path, mapping)
        return
    kpi_s = time_bulk_handlers()
    cpu: dict[str, float] = {}

    def timed(fn: object, **kwargs: object) -> tuple[float, services.Report]:
        started, started_cpu = time.perf_counter(), time.process_time()
        report = fn(actor=registrar, path=path, mapping=mapping, **kwargs)  # type: ignore[operator]
        cpu[fn.__name__] = time.process_time() - started_cpu  # type: ignore[attr-defined]
        return time.perf_counter() - started, report

    check_s, checked = timed(services.ledger_check)
    import_s, imported = timed(services.ledger_import)
    import_cpu = cpu["ledger_import"]  # before the second import takes the key
    started, started_cpu = time.perf_counter(), time.process_time()
    services.ledger_index(case_ids=imported.case_ids)
    index_s, index_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    again_s, again = timed(services.ledger_import)
    assert not checked.errors and imported.created == args.rows, checked.errors[:3]
    assert again.skipped == args.rows, (again.skipped, again.created, again.errors[:3])
    figures = {
        "database": connection.vendor,
        "rows": args.rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "dry_run_rows_per_s": round(args.rows / check_s),
        "import_rows_per_s": round(args.rows / import_s),
        "import_s": round(import_s, 1),
        "index_rows_per_s": round(args.rows / index_s),
        "import_and_index_rows_per_s": round(args.rows / (import_s + index_s)),
        "reimport_rows_per_s": round(args.rows / again_s),
        # The KPI summary's count of the new cases (events.publish_bulk), in import_s.
        "kpi_count_s": round(kpi_s[0], 1),
        "kpi_count_cpu_s": round(kpi_s[1], 1),
        "import_cpu_s": round(import_cpu, 1),
        # Per second of this process's CPU: what the machine's load does not change
        # (SQLite runs in the process; PostgreSQL's own work is not in it).
        "dry_run_rows_per_cpu_s": round(args.rows / cpu["ledger_check"]),
        "import_rows_per_cpu_s": round(args.rows / import_cpu),
        "index_rows_per_cpu_s": round(args.rows / index_cpu),
        "load_average": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
