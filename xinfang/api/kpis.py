"""The KPI endpoints: a unit's figures for a period, and the kpi= filter of the petition list.

`GET /api/v1/kpis` returns every figure with its numerator, denominator, rule and the
link to the cases behind it; `GET /api/v1/petitions?kpi=…&part=…` (v1.petition_list,
through `KpiCasesQuery`) lists exactly those cases, with the filter the count uses.
"""

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from xinfang.accounts.models import User
from xinfang.api.auth import api_user
from xinfang.api.schemas import ErrorOut, UnitOut
from xinfang.assessment import kpis, selectors
from xinfang.common import clock
from xinfang.petitions.models import Petition

router = Router(tags=["kpis"])


class KpiQuery(Schema):
    unit: int | None = Field(None, description="单位编号，默认为本人所属单位")
    start: dt.date | None = Field(None, description="统计起始日期（含），默认本月")
    end: dt.date | None = Field(None, description="统计截止日期（含）")


class KpiCasesQuery(Schema):
    """The petition list's parameters that pick the cases behind a figure."""

    kpi: str = Field("", description="指标键，如 on_time_rate；另有 registered、overdue、at_risk")
    part: str = Field("numerator", description="numerator（分子）或 denominator（分母）")
    start: dt.date | None = Field(None, description="指标统计起始日期（含），默认本月")
    end: dt.date | None = Field(None, description="指标统计截止日期（含）")

    def narrow(self, user: User, qs: QuerySet[Petition], unit: int | None) -> QuerySet[Petition]:
        """Return `qs` narrowed to the figure's cases; `qs` unchanged without kpi=."""
        return selectors.kpi_filter(
            user,
            qs,
            key=self.kpi,
            part=self.part,
            unit_id=unit,
            start=self.start,
            end=self.end,
            today=clock.today(),
        )


class KpiOut(Schema):
    key: str
    label: str
    group: str
    kind: str = Field(
        description="rate（比率）、batches（批次）、persons（人次）或 events（事件数）"
    )
    value: float | None = Field(description="比率为 0–1 的小数；计数为件数或人数")
    numerator: int
    denominator: int | None
    previous: int | None = Field(None, description="计数类指标的上年同期数")
    change: float | None = Field(None, description="较上年同期的变化比例")
    per_10k: float | None = Field(None, description="每万名常住人口（单位有人口数时）")
    target: float | None
    rule: str
    cases_url: str | None = Field(description="列出分子事项的接口地址（分母改 part=denominator）")


class KpisOut(Schema):
    unit: UnitOut
    start: dt.date
    end: dt.date
    kpis: list[KpiOut]


@router.get("/kpis", response={200: KpisOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut})
def kpi_list(request: HttpRequest, query: Query[KpiQuery]) -> KpisOut:
    """Return every KPI of a unit's subtree for a period, each with the link to its cases."""
    user = api_user(request)
    today = clock.today()
    period = selectors.kpi_period(query.start, query.end, today)
    unit = selectors.kpi_unit(user, query.unit)
    figures = selectors.kpi_figures(unit, period, today)
    return KpisOut(
        unit=UnitOut.of(unit),
        start=period.start,
        end=period.end,
        kpis=[
            KpiOut(
                key=f.key,
                label=str(f.spec.label),
                group=f.spec.group,
                kind=f.spec.kind,
                value=f.value,
                numerator=f.numerator,
                denominator=f.denominator,
                previous=f.previous,
                change=f.change,
                per_10k=f.per_10k,
                target=f.spec.target,
                rule=str(f.spec.rule),
                cases_url=f"/api/v1/petitions?{kpis.case_query(f.key, 'numerator', unit.pk, period)}"
                if f.has_cases
                else None,
            )
            for f in figures.figures
        ],
    )
