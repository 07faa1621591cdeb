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
from xinfang.api.errors import InvalidFields
from xinfang.api.formschema import form_data, schema_from_form
from xinfang.api.schemas import ErrorOut, UnitOut
from xinfang.assessment import kpis, selectors
from xinfang.assessment.forms import KpiCasesForm, KpiForm
from xinfang.common import clock
from xinfang.petitions.models import Petition

router = Router(tags=["kpis"])


KpiQuery = schema_from_form(KpiForm, name="KpiQuery")
KpiCasesQuery = schema_from_form(KpiCasesForm, name="KpiCasesQuery")


def kpi_narrow(
    user: User,
    qs: QuerySet[Petition],
    query: Schema,
    unit: int | None,
) -> QuerySet[Petition]:
    """Return `qs` narrowed to the cases behind the figure `query` names; unchanged without kpi=."""
    form = KpiCasesForm(data=form_data(query))
    if not form.is_valid():
        raise InvalidFields.from_form(form)
    d = form.cleaned_data
    return selectors.kpi_filter(
        user,
        qs,
        key=d["kpi"],
        part=d["part"],
        unit_id=unit,
        start=d["start"],
        end=d["end"],
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
def kpi_list(
    request: HttpRequest,
    query: Query[KpiQuery],  # type: ignore[valid-type]  # derived from KpiForm
) -> KpisOut:
    """Return every KPI of a unit's subtree for a period, each with the link to its cases."""
    user = api_user(request)
    form = KpiForm(data=form_data(query))
    if not form.is_valid():
        raise InvalidFields.from_form(form)
    d = form.cleaned_data
    today = clock.today()
    period = selectors.kpi_period(d["start"], d["end"], today)
    unit = selectors.kpi_unit(user, d["unit"])
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
