"""The KPIs (DOMAIN.md, "three improvements, three reductions, two no-occurrences") as data.

Each KPI is declared once here: its key, label, group, kind, period rule and default
target, in words the dashboard and the API show next to the figure. The filters that
implement each rule over the petition columns live in `selectors.KPI_RULES`, under the
same key; this module holds the arithmetic on what they count (rates, change against
last year, per 10,000 residents) and the periods. Pure Python: no ORM; `today` is an
argument.

Rules common to every figure, where the issue leaves a choice:

- A unit's cases are those it owns now (the handling unit once assigned, else the
  registering office) within its subtree: the same set the unit's users may list.
- A repeat merged into its original (status merged) is one matter: it counts only as
  the original, except in the repeat rate, whose point is to count repeat submissions.
- "Concluded" is the handling unit's reply (replied_at); "solved" is the follow-up's
  finding (solved = true). A case may be concluded, and closed by follow-up, unsolved.
- A rate's denominator counts only cases whose own deadline or window has passed by
  `today`, so a figure of the running month does not punish cases still in time.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from urllib.parse import urlencode

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Group(StrEnum):
    IMPROVE = "improve"  # 三提高
    REDUCE = "reduce"  # 三下降
    NONE = "none"  # 两个不发生
    OTHER = "other"


class Kind(StrEnum):
    RATE = "rate"  # numerator / denominator
    BATCHES = "batches"  # a count of cases (批次), against the same period last year
    PERSONS = "persons"  # a sum of head counts (人次), against the same period last year
    EVENTS = "events"  # a count of cases or incidents, target zero


@dataclass(frozen=True)
class KpiSpec:
    key: str
    label: str | Promise
    group: Group
    kind: Kind
    rule: str | Promise
    # The default target: a rate to reach (0–1), or a count not to exceed; None for none.
    # Responsibility letters will set a unit's own targets (issue 7); until then these are
    # the county scheme's figures (DOMAIN.md) or the statutory zero.
    target: float | None = None


G, KD = Group, Kind

KPIS: Final[tuple[KpiSpec, ...]] = (
    # ---- three improvements (三提高)
    KpiSpec(
        "first_time_rate",
        _("初信初访办结率"),
        G.IMPROVE,
        KD.RATE,
        _(
            "分母：初信初访事项中，办结期限（含批准延期、听证暂停）在统计期内且已届满的；"
            "分子：其中在期限当日或之前答复，且答复后息访观察期内未再就同一事项信访的。"
            "听证中的事项期限未定，暂不计入。"
        ),
        0.9,
    ),
    KpiSpec(
        "settled_rate",
        _("息访率"),
        G.IMPROVE,
        KD.RATE,
        _(
            "分母：已答复事项中，息访观察期（答复后90日，按办理时限设置）在统计期内届满的；"
            "分子：其中观察期内未再就同一事项信访（无重复件、无并单、未申请复查）的。"
        ),
        0.9,
    ),
    KpiSpec(
        "satisfaction_rate",
        _("当事人满意率"),
        G.IMPROVE,
        KD.RATE,
        _(
            "分母：统计期内答复、已评价的事项（涉法涉诉事项不参评）；"
            "分子：其中对承办单位评价为满意或基本满意的。"
        ),
        0.9,
    ),
    # ---- three reductions (三下降): counts of cases registered in the period
    KpiSpec(
        "letters",
        _("来信（批次）"),
        G.REDUCE,
        KD.BATCHES,
        _("统计期内登记的来信与网上信访件数（并入原件的重复件不计），与上年同期比较。"),
    ),
    KpiSpec(
        "letters_persons",
        _("来信（人次）"),
        G.REDUCE,
        KD.PERSONS,
        _("统计期内登记的来信与网上信访人数之和，与上年同期比较。"),
    ),
    KpiSpec(
        "visits",
        _("来访（批次）"),
        G.REDUCE,
        KD.BATCHES,
        _("统计期内登记的个人来访与领导接访件数（并入原件的重复件不计），与上年同期比较。"),
    ),
    KpiSpec(
        "visits_persons",
        _("来访（人次）"),
        G.REDUCE,
        KD.PERSONS,
        _("统计期内登记的个人来访与领导接访人数之和，与上年同期比较。"),
    ),
    KpiSpec(
        "collective_visits",
        _("集体访（批次）"),
        G.REDUCE,
        KD.BATCHES,
        _("统计期内登记的集体访（五人以上）件数（并入原件的重复件不计），与上年同期比较。"),
    ),
    KpiSpec(
        "collective_visits_persons",
        _("集体访（人次）"),
        G.REDUCE,
        KD.PERSONS,
        _("统计期内登记的集体访人数之和，与上年同期比较。"),
    ),
    # ---- two no-occurrences (两个不发生): target zero
    KpiSpec(
        "skip_level_collective",
        _("越级集体访"),
        G.NONE,
        KD.EVENTS,
        # The register has no skip-level flag: a collective matter (five or more people)
        # that reached us assigned or forwarded by a higher office went past this level
        # first. A flag at intake would be exact; this derivation needs no new field.
        _("统计期内登记、由上级交办或转送且人数五人以上的事项（即群众越过本级集体上访）。"),
        0,
    ),
    KpiSpec(
        "major_incidents",
        _("重大群体性事件"),
        G.NONE,
        KD.EVENTS,
        _("统计期内发生、登记在本单位及下级单位的重大群体性事件（重大事件登记）。"),
        0,
    ),
    # ---- the other figures the work plan and the county scheme use
    KpiSpec(
        "on_time_rate",
        _("按期办结率"),
        G.OTHER,
        KD.RATE,
        _(
            "分母：办结期限（含批准延期、听证暂停）在统计期内且已届满的事项；"
            "分子：其中在期限当日或之前答复的。听证中的事项期限未定，暂不计入。"
        ),
        0.95,
    ),
    KpiSpec(
        "timely_acceptance_rate",
        _("及时受理率"),
        G.OTHER,
        KD.RATE,
        _(
            "分母：统计期内登记、分流期限（15日）已届满的事项；"
            "分子：其中在期限当日或之前作出受理、转送、不予受理决定的。"
        ),
        0.95,
    ),
    KpiSpec(
        "rating_rate",
        _("参评率"),
        G.OTHER,
        KD.RATE,
        _("分母：统计期内答复的事项（涉法涉诉事项不参评）；分子：其中已作满意度评价的。"),
        0.8,
    ),
    KpiSpec(
        "repeat_rate",
        _("重复信访率"),
        G.OTHER,
        KD.RATE,
        _("分母：统计期内登记的全部信访件（含并单件）；分子：其中就同一事项重复信访的。"),
    ),
    KpiSpec(
        "leader_case_rate",
        _("包案化解率"),
        G.OTHER,
        KD.RATE,
        _(
            "分母：统计期内答复、有包案领导的事项；"
            "分子：其中经回访确认问题实际解决的（已办结未解决、未回访的不算化解）。"
        ),
        0.85,
    ),
    KpiSpec(
        "community_locality_rate",
        _("小事不出社区率"),
        G.OTHER,
        KD.RATE,
        _("分母：统计期内答复、问题发生地为社区的事项；分子：其中由该社区自行办结、未申请复查的。"),
    ),
    KpiSpec(
        "street_locality_rate",
        _("大事不出街道率"),
        G.OTHER,
        KD.RATE,
        _("分母：统计期内答复的事项；分子：其中既非上级交办、转送，也未申请复查（未出街道）的。"),
    ),
)

BY_KEY: Final[Mapping[str, KpiSpec]] = {k.key: k for k in KPIS}
GROUP_LABELS: Final[Mapping[Group, str | Promise]] = {
    G.IMPROVE: _("三提高"),
    G.REDUCE: _("三下降"),
    G.NONE: _("两个不发生"),
    G.OTHER: _("其他指标"),
}
PARTS: Final = ("numerator", "denominator")


@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included."""

    start: dt.date
    end: dt.date

    def previous_year(self) -> "Period":
        """Return the same days one year earlier (29 February becomes the 28th)."""
        return Period(_year_back(self.start), _year_back(self.end))


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def month_of(day: dt.date) -> Period:
    """Return the calendar month of `day`."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, following - dt.timedelta(days=1))


def quarter_of(day: dt.date) -> Period:
    """Return the calendar quarter of `day`."""
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period(first, month_of(first.replace(month=first.month + 2)).end)


def year_of(day: dt.date) -> Period:
    """Return the calendar year of `day`."""
    return Period(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))


PERIOD_KINDS: Final = {"month": month_of, "quarter": quarter_of, "year": year_of}


def months_until(end: dt.date, n: int = 12) -> list[Period]:
    """Return the `n` calendar months ending with the month of `end`, oldest first."""
    months = [month_of(end)]
    while len(months) < n:
        months.append(month_of(months[-1].start - dt.timedelta(days=1)))
    return months[::-1]


def rate(numerator: int, denominator: int) -> float | None:
    """Return numerator / denominator, or None when nothing is counted."""
    return numerator / denominator if denominator else None


def change(value: int, previous: int) -> float | None:
    """Return the relative change against last year's figure, or None from zero."""
    return (value - previous) / previous if previous else None


def per_10k(value: int, residents: int | None) -> float | None:
    """Return `value` per 10,000 residents, or None when the population is unknown."""
    return value * 10_000 / residents if residents else None


def meets_target(spec: KpiSpec, value: float | None, target: float | None) -> bool | None:
    """Return whether `value` meets `target` (rates at least, counts at most)."""
    if target is None or value is None:
        return None
    if spec.kind == Kind.RATE:
        return value >= target
    return value <= target


def case_query(key: str, part: str, unit_id: int, period: Period, **extra: object) -> str:
    """Return the query string that lists the cases behind `part` of figure `key`."""
    params: dict[str, object] = {
        "kpi": key,
        "part": part,
        "unit": unit_id,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }
    params.update({k: v for k, v in extra.items() if v is not None})
    return urlencode(params)
