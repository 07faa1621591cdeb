"""An independent cross-check of the KPI engine: every figure recomputed with pandas.

The demo generator writes cases through the real services; 50,000 petitions that way
would take the better part of an hour, so it writes TEMPLATES of them and the register
is filled with copies, each moved back by a whole number of weeks (every date column
alike, so a working day stays one) to spread them over three years, a few collective
visits among them turned into ones sent down from above. The petition
columns are exported to CSV, read back with pandas, and every KPI of kpis.py is counted
from the file alone, by its rule as kpis.py states it, for every unit and every month;
the engine's numerators, denominators and last year's figures must be the same.

One test, its data built and compared inside it: it runs once per database in
`make test` (about 70 s of CPU on either database: 3–5 minutes of wall time on the
shared 2-core VM).
"""

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from xinfang.assessment import kpis, selectors
from xinfang.assessment.kpis import Kind, Period
from xinfang.assessment.models import MajorIncident
from xinfang.assessment.services import summary
from xinfang.common import clock
from xinfang.demo.generator import DemoGenerator
from xinfang.demo.street import build_street
from xinfang.organization.models import Unit
from xinfang.petitions.models import Channel, Petition, new_query_code
from xinfang.petitions.selectors import DUE_SOON_DAYS
from xinfang.petitions.workflow import OPEN_STATUSES

pytestmark = pytest.mark.django_db(transaction=False)

TOTAL = 50_000
TEMPLATES = 300
ZONE = "Asia/Shanghai"
COLUMNS = [
    "id",
    "status",
    "channel",
    "head_count",
    "owner_unit_id",
    "handling_unit_id",
    "community_id",
    "responsible_leader_id",
    "repeat_of_id",
    "merged_into_id",
    "is_first_time",
    "is_litigation",
    "satisfaction_unit",
    "solved",
    "registered_at",
    "route_due",
    "routed_at",
    "handling_due",
    "due_date",
    "paused_since",
    "replied_at",
    "rated_at",
    "review_requested_at",
]
INSTANTS = ("registered_at", "routed_at", "paused_since", "replied_at", "rated_at")
INSTANTS += ("review_requested_at",)
DAYS = ("route_due", "handling_due", "due_date")


def fill(street: Any, rng: random.Random) -> None:
    """Write the templates through the demo generator, then copies moved back in weeks."""
    DemoGenerator(street, rng, clock.now()).run(TEMPLATES)
    fields = [
        f
        for f in Petition._meta.concrete_fields
        if f.attname not in ("id", "query_code", "search_vector")
    ]
    moved = [f.attname for f in fields if f.get_internal_type() in ("DateField", "DateTimeField")]
    templates = list(Petition.objects.values(*(f.attname for f in fields)))
    copies = []
    for _n in range(TOTAL - len(templates)):
        row = dict(rng.choice(templates))
        weeks = dt.timedelta(weeks=rng.randint(0, 52))
        for name in moved:
            if row[name] is not None:
                row[name] -= weeks
        # The demo has no collective visit sent down from above; a few copies become one,
        # so that the skip-level count is tested too.
        if row["channel"] == Channel.COLLECTIVE_VISIT and rng.random() < 0.2:
            row["channel"] = Channel.ASSIGNED
        copies.append(Petition(**row, query_code=new_query_code()))
    Petition.objects.bulk_create(copies, batch_size=2_000)
    # A bulk writer tells the KPI summary what it wrote, as the ledger import does.
    summary.count_written([c.pk for c in copies])
    units = list(Unit.objects.filter(path__startswith=street.district.path))
    today = timezone.localdate()
    MajorIncident.objects.bulk_create(
        MajorIncident(
            unit=rng.choice(units),
            occurred_on=today - dt.timedelta(days=rng.randint(0, 3 * 365)),
            kind=MajorIncident.Kind.GATHERING,
            description="演练",
        )
        for _ in range(40)
    )


def export(path: Path) -> tuple[Path, Path, Path]:
    """Dump the petition columns, the unit paths and the incidents to three CSV files."""
    files = path / "petitions.csv", path / "units.csv", path / "incidents.csv"
    dumps = (
        (Petition.objects.order_by("pk").values_list(*COLUMNS), COLUMNS),
        (Unit.objects.values_list("id", "path"), ["id", "path"]),
        (MajorIncident.objects.values_list("unit_id", "occurred_on"), ["unit_id", "occurred_on"]),
    )
    for file, (rows, header) in zip(files, dumps, strict=True):
        with file.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            for row in rows:
                writer.writerow(
                    "" if v is None else v.isoformat() if hasattr(v, "isoformat") else v
                    for v in row
                )
    return files


def read(petitions: Path) -> pd.DataFrame:
    """Read the export back: instants as local times, days as dates, flags as booleans."""
    df = pd.read_csv(petitions, keep_default_na=True, dtype={"satisfaction_unit": "string"})
    for name in INSTANTS:
        df[name] = pd.to_datetime(df[name], utc=True).dt.tz_convert(ZONE)
    for name in DAYS:
        df[name] = pd.to_datetime(df[name]).dt.date
    for name in ("is_first_time", "is_litigation"):
        df[name] = df[name].astype(str) == "True"
    df["solved"] = df["solved"].astype(str) == "True"
    return df


def local_day(series: pd.Series) -> pd.Series:
    return series.dt.date


def within(days: pd.Series, start: dt.date, end: dt.date) -> pd.Series:
    return days.notna() & (days >= start) & (days <= end)


def raised_again(df: pd.DataFrame, window: int) -> pd.Series:
    """Cases another case repeats, or was merged into, within `window` days of the reply."""
    until = df.set_index("id")["replied_at"] + pd.Timedelta(days=window)
    hit = pd.Series(False, index=df["id"])
    for link in ("repeat_of_id", "merged_into_id"):
        later = df[df[link].notna()][[link, "registered_at"]]
        later = later.assign(until=until.reindex(later[link].astype(int)).to_numpy())
        ids = later[later["registered_at"] <= later["until"]][link].astype(int).unique()
        hit.loc[ids] = True
    return pd.Series(hit.to_numpy(), index=df.index)


def pandas_counts(df: pd.DataFrame, p: Period, today: dt.date, window: int) -> pd.DataFrame:
    """Count every figure of period `p` per owning unit, from the export's columns."""
    reg_day, rep_day = local_day(df["registered_at"]), local_day(df["replied_at"])
    one = df["status"] != "merged"
    again = raised_again(df, window)
    replied = one & within(rep_day, p.start, p.end)
    due = (
        one
        & within(df["handling_due"], p.start, p.end)
        & (df["handling_due"] < today)
        & df["paused_since"].isna()
    )
    on_time = rep_day.notna() & (rep_day <= df["handling_due"])
    first_due = due & df["is_first_time"]
    window_end = (
        one
        & within(rep_day, p.start - dt.timedelta(window), p.end - dt.timedelta(window))
        & (rep_day < today - dt.timedelta(window))
    )
    ratable = replied & ~df["is_litigation"]
    rated = ratable & df["rated_at"].notna()
    leader = replied & df["responsible_leader_id"].notna()
    community = replied & df["community_id"].notna()
    no_review = df["review_requested_at"].isna()
    from_above = df["channel"].isin(("assigned", "forwarded"))
    routed_day = local_day(df["routed_at"])
    open_ = df["status"].isin(list(OPEN_STATUSES))

    def registered_in(q: Period) -> pd.Series:
        return within(reg_day, q.start, q.end)

    def counted(q: Period) -> dict[str, pd.Series]:
        reg = one & registered_in(q)
        return {
            "letters": reg & df["channel"].isin(("letter", "online")),
            "visits": reg & df["channel"].isin(("visit", "reception")),
            "collective_visits": reg & (df["channel"] == "collective_visit"),
            "skip_level_collective": reg & from_above & (df["head_count"] >= 5),
        }

    routing = one & registered_in(p) & (df["route_due"] < today)
    rates = {
        "first_time_rate": (first_due & on_time & ~again, first_due),
        "settled_rate": (window_end & ~again & no_review, window_end),
        "satisfaction_rate": (
            rated & df["satisfaction_unit"].isin(("satisfied", "basically")).fillna(False),
            rated,
        ),
        "on_time_rate": (due & on_time, due),
        "timely_acceptance_rate": (
            routing & routed_day.notna() & (routed_day <= df["route_due"]),
            routing,
        ),
        "rating_rate": (rated, ratable),
        "repeat_rate": (registered_in(p) & ~df["is_first_time"], registered_in(p)),
        "leader_case_rate": (leader & df["solved"], leader),
        "community_locality_rate": (
            community & (df["handling_unit_id"] == df["community_id"]) & no_review,
            community,
        ),
        "street_locality_rate": (replied & ~from_above & no_review, replied),
    }
    columns: dict[str, pd.Series] = {}
    for key, (numerator, denominator) in rates.items():
        columns[f"{key}__n"], columns[f"{key}__d"] = numerator, denominator
    now, before = counted(p), counted(p.previous_year())
    heads = df["head_count"].fillna(0)
    for key in now:
        columns[f"{key}__n"], columns[f"{key}__p"] = now[key], before[key]
        if key != "skip_level_collective":
            columns[f"{key}_persons__n"] = now[key] * heads
            columns[f"{key}_persons__p"] = before[key] * heads
    columns["registered__n"] = one & registered_in(p)
    columns["overdue__n"] = open_ & (df["due_date"] < today)
    columns["at_risk__n"] = (
        open_ & (df["due_date"] >= today) & (df["due_date"] <= today + dt.timedelta(DUE_SOON_DAYS))
    )
    frame = pd.DataFrame({k: v.astype(int) for k, v in columns.items()})
    return frame.groupby(df["owner_unit_id"]).sum()


def subtree_totals(counts: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Add each owning unit's counts to every unit whose subtree holds it."""
    paths = units.set_index("id")["path"]
    owners = paths.reindex(counts.index)
    return pd.DataFrame(
        {pk: counts[owners.str.startswith(path).to_numpy()].sum() for pk, path in paths.items()}
    ).T


def incident_totals(incidents: pd.DataFrame, units: pd.DataFrame, p: Period) -> dict[int, int]:
    days = pd.to_datetime(incidents["occurred_on"]).dt.date
    paths = units.set_index("id")["path"]
    in_p = incidents[within(days, p.start, p.end)]
    where = paths.reindex(in_p["unit_id"]).to_numpy()
    return {pk: int(sum(str(w).startswith(path) for w in where)) for pk, path in paths.items()}


def engine_counts(figures: selectors.Figures) -> dict[str, int]:
    """Return the engine's counts of one unit and period, named as pandas_counts names them."""
    counts: dict[str, int] = {}
    for f in figures.figures:
        counts[f"{f.key}__n"] = f.numerator
        if f.spec.kind == Kind.RATE:
            counts[f"{f.key}__d"] = int(f.denominator or 0)
        elif f.previous is not None:
            counts[f"{f.key}__p"] = f.previous
    counts.update({f"{k}__n": n for k, n in figures.lists.items()})
    return counts


def test_every_figure_of_every_unit_and_month_is_what_pandas_counts_from_the_export(tmp_path):
    rng = random.Random(2027)
    street = build_street(make_password(None))
    fill(street, rng)
    assert Petition.objects.count() == TOTAL
    petitions, unit_file, incident_file = export(tmp_path)
    df, units = read(petitions), pd.read_csv(unit_file)
    incidents = pd.read_csv(incident_file)
    today, window = timezone.localdate(), selectors.follow_up_days()
    root = street.district
    tree = list(Unit.objects.filter(path__startswith=root.path))
    first = df["registered_at"].min().date()
    months = kpis.months_until(
        today, (today.year - first.year) * 12 + today.month - first.month + 1
    )
    counted: set[str] = set()
    mismatches = []
    for month in months:
        expected = subtree_totals(pandas_counts(df, month, today, window), units)
        incidents_of = incident_totals(incidents, units, month)
        engine = selectors.kpi_figures_of_units(root, tree, month, today)
        engine[root.pk] = selectors.kpi_figures(root, month, today)  # the single-unit path too
        for unit in tree:
            got = engine_counts(engine[unit.pk])
            got.pop("major_incidents__p")
            want = {
                k: int(expected.at[unit.pk, k]) if unit.pk in expected.index else 0
                for k in got
                if k != "major_incidents__n"
            }
            want["major_incidents__n"] = incidents_of[unit.pk]
            counted |= {k for k, n in got.items() if n}
            mismatches += [
                (month.start, unit.name, k, got[k], want[k]) for k in got if got[k] != want[k]
            ]
    assert not mismatches, mismatches[:20]
    # Not a vacuous match: three years of months, and every count is above zero somewhere.
    assert len(months) >= 36
    assert counted == set(got), set(got) - counted
