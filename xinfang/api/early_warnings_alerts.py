"""The early-warning endpoints of alerts and registers: list and handle alerts, read and enter
disputes and key persons, read the sensitive periods.

Scoped as the pages are (the selectors), with the pages' forms as the one set of field
rules (xinfang.api.formschema), and the same services writing; refusals come back in
the API's one JSON shape (xinfang.api.errors).
"""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from xinfang.api.auth import api_user, api_writer
from xinfang.api.errors import InvalidFields
from xinfang.api.formschema import form_data, schema_from_form
from xinfang.api.schemas import ErrorOut, Ref
from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.pagination import PAGE_SIZE, CappedPaginator
from xinfang.early_warnings import selectors, services
from xinfang.early_warnings.forms import (
    AlertFilterForm,
    AlertNoteForm,
    DisputeFilterForm,
    DisputeForm,
    KeyPersonFilterForm,
    KeyPersonForm,
)
from xinfang.early_warnings.models import Alert, Dispute, KeyPerson, SensitivePeriod
from xinfang.petitions.validators import MAX_ID

router = Router(tags=["early-warnings"])

ERRORS: dict[int, type[ErrorOut]] = {code: ErrorOut for code in (400, 401, 403, 404)}
AlertId = Annotated[int, Path(ge=1, le=MAX_ID, description="预警的内部编号")]

AlertQuery = schema_from_form(AlertFilterForm, name="AlertQuery", doc="预警列表的筛选条件。")
AlertNoteIn = schema_from_form(AlertNoteForm, name="AlertNoteIn", doc="处理预警的说明。")
DisputeQuery = schema_from_form(DisputeFilterForm, name="DisputeQuery")
DisputeIn = schema_from_form(DisputeForm, name="DisputeIn", doc="登记矛盾纠纷，字段与登记页相同。")
KeyPersonQuery = schema_from_form(KeyPersonFilterForm, name="KeyPersonQuery")
KeyPersonIn = schema_from_form(
    KeyPersonForm, name="KeyPersonIn", doc="列管重点人员，字段与列管页相同。"
)


class Page(Schema):
    count: int = Field(description="符合条件的条数；超过1000条时为1001，并置 count_capped")
    count_capped: bool
    page: int
    page_size: int


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    severity: str
    severity_label: str
    status: str
    status_label: str
    summary: str
    owner_unit: Ref
    escalated_to: Ref | None
    raised_at: dt.datetime
    updated_at: dt.datetime
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_note: str

    @classmethod
    def of(cls, a: Alert) -> "AlertOut":
        return cls(
            id=a.pk,
            kind=a.kind,
            kind_label=a.get_kind_display(),
            severity=a.severity,
            severity_label=a.get_severity_display(),
            status=a.status,
            status_label=a.get_status_display(),
            summary=a.summary,
            owner_unit=Ref(id=a.owner_unit_id, name=str(a.owner_unit)),
            escalated_to=Ref.of(a.escalated_to),
            raised_at=a.raised_at,
            updated_at=a.updated_at,
            acknowledged_at=a.acknowledged_at,
            closed_at=a.closed_at,
            close_note=a.close_note,
        )


class AlertPage(Page):
    results: list[AlertOut]


class DisputeOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    place: str
    parties: str
    people_involved: int
    risk_level: str
    risk_level_label: str
    risk_reason: str
    measures: str
    status: str
    status_label: str
    owner_unit: Ref
    cadre: Ref | None
    project_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, d: Dispute) -> "DisputeOut":
        return cls(
            id=d.pk,
            title=d.title,
            kind=d.kind,
            kind_label=d.get_kind_display(),
            place=d.place,
            parties=d.parties,
            people_involved=d.people_involved,
            risk_level=d.risk_level,
            risk_level_label=d.get_risk_level_display(),
            risk_reason=d.risk_reason,
            measures=d.measures,
            status=d.status,
            status_label=d.get_status_display(),
            owner_unit=Ref(id=d.owner_unit_id, name=str(d.owner_unit)),
            cadre=Ref.of(d.cadre),
            project_id=d.project_id,
            created_at=d.created_at,
            updated_at=d.updated_at,
        )


class DisputePage(Page):
    results: list[DisputeOut]


class KeyPersonOut(Schema):
    id: int
    name: str
    reason: str
    reason_label: str
    level: str
    level_label: str
    status: str
    status_label: str
    owner_unit: Ref
    cadre: Ref | None
    cadence_days: int
    last_contact_on: dt.date | None
    next_contact_on: dt.date
    overdue: bool = Field(description="在册且下次联系日期已过")

    @classmethod
    def of(cls, p: KeyPerson, today: dt.date) -> "KeyPersonOut":
        return cls(
            id=p.pk,
            name=p.name,
            reason=p.reason,
            reason_label=p.get_reason_display(),
            level=p.level,
            level_label=p.get_level_display(),
            status=p.status,
            status_label=p.get_status_display(),
            owner_unit=Ref(id=p.owner_unit_id, name=str(p.owner_unit)),
            cadre=Ref.of(p.cadre),
            cadence_days=p.cadence_days,
            last_contact_on=p.last_contact_on,
            next_contact_on=p.next_contact_on,
            overdue=p.status == KeyPerson.Status.CONFIRMED and p.next_contact_on < today,
        )


class KeyPersonPage(Page):
    results: list[KeyPersonOut]


class PeriodOut(Schema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    level: str
    level_label: str
    note: str

    @classmethod
    def of(cls, p: SensitivePeriod) -> "PeriodOut":
        return cls(
            id=p.pk,
            name=p.name,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            level=p.level,
            level_label=p.get_level_display(),
            note=p.note,
        )


class LimitsOut(Schema):
    min_people: int = Field(description="集体访苗头：至少多少人")
    window_days: int = Field(description="集体访苗头：多少天内")


class PeriodsOut(Schema):
    current: PeriodOut | None = Field(description="今天所处的敏感时期（数个时取等级最高者）")
    limits: LimitsOut = Field(description="今天生效的预警阈值（敏感时期收紧）")
    results: list[PeriodOut]


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise InvalidFields.from_form(form)
    return dict(form.cleaned_data)


def _page(rows: QuerySet[Any], page: int | None) -> tuple[dict[str, Any], list[Any]]:
    """Return the page's counts and rows of `rows`, PAGE_SIZE at a time."""
    paginator = CappedPaginator(rows, PAGE_SIZE)
    number = page or 1
    start = (number - 1) * PAGE_SIZE
    counts = {
        "count": paginator.count,
        "count_capped": paginator.count_capped,
        "page": number,
        "page_size": PAGE_SIZE,
    }
    return counts, list(rows[start : start + PAGE_SIZE])


# ---------------------------------------------------------------- alerts


@router.get("/alerts", response={200: AlertPage, **ERRORS})
def alert_list(
    request: HttpRequest,
    query: Query[AlertQuery],  # type: ignore[valid-type]  # derived from AlertFilterForm
) -> AlertPage:
    """List the alerts of the user's unit and the units below it, newest first, filtered."""
    user = api_user(request)
    form = AlertFilterForm(data=form_data(query))
    page = _valid(form)["page"]
    counts, rows = _page(selectors.alert_list(user, form.filters()), page)
    return AlertPage(**counts, results=[AlertOut.of(a) for a in rows])


def _alert_step(service: Callable[..., Alert], what: str) -> Callable[..., AlertOut]:
    def step(
        request: HttpRequest,
        alert_id: AlertId,
        body: AlertNoteIn,  # type: ignore[valid-type]  # derived from AlertNoteForm
    ) -> AlertOut:
        user = api_writer(request)
        note = _valid(AlertNoteForm(data=form_data(body)))["note"]
        alert = service(actor=user, alert_id=alert_id, note=note, ip=client_ip(request))
        return AlertOut.of(alert)

    step.__name__ = step.__qualname__ = f"alert_{what}"
    step.__doc__ = service.__doc__
    return step


for _what, _service in (
    ("acknowledge", services.alert_acknowledge),
    ("act", services.alert_act),
    ("close", services.alert_close),
):
    router.post(
        f"/alerts/{{alert_id}}/{_what}",
        response={200: AlertOut, **ERRORS},
        operation_id=f"alert_{_what}",
    )(_alert_step(_service, _what))


# ---------------------------------------------------------------- registers


@router.get("/disputes", response={200: DisputePage, **ERRORS})
def dispute_list(
    request: HttpRequest,
    query: Query[DisputeQuery],  # type: ignore[valid-type]  # derived from DisputeFilterForm
) -> DisputePage:
    """List the disputes of the user's units, unresolved ones unless asked, newest first."""
    user = api_user(request)
    d = _valid(DisputeFilterForm(data=form_data(query)))
    rows = selectors.dispute_list(
        user, status=d["status"], risk_level=d["risk_level"], kind=d["kind"]
    )
    counts, found = _page(rows, d["page"])
    return DisputePage(**counts, results=[DisputeOut.of(x) for x in found])


@router.post("/disputes", response={201: DisputeOut, **ERRORS})
def dispute_create(
    request: HttpRequest,
    payload: DisputeIn,  # type: ignore[valid-type]  # derived from DisputeForm
) -> tuple[int, DisputeOut]:
    """Register a dispute, as the register's page does."""
    user = api_writer(request)
    form = DisputeForm(data=form_data(payload), user=user)
    _valid(form)
    saved = services.dispute_save(actor=user, data=form.data_for_service(), ip=client_ip(request))
    return 201, DisputeOut.of(selectors.access_dispute(user, saved.pk))


@router.get("/key-persons", response={200: KeyPersonPage, **ERRORS})
def key_person_list(
    request: HttpRequest,
    query: Query[KeyPersonQuery],  # type: ignore[valid-type]  # derived from KeyPersonFilterForm
) -> KeyPersonPage:
    """List the key persons of the user's units: overdue contacts first, then proposals."""
    user = api_user(request)
    d = _valid(KeyPersonFilterForm(data=form_data(query)))
    today = clock.today()
    counts, found = _page(
        selectors.key_person_list(user, today=today, status=d["status"]), d["page"]
    )
    return KeyPersonPage(**counts, results=[KeyPersonOut.of(p, today) for p in found])


@router.post("/key-persons", response={201: KeyPersonOut, **ERRORS})
def key_person_create(
    request: HttpRequest,
    payload: KeyPersonIn,  # type: ignore[valid-type]  # derived from KeyPersonForm
) -> tuple[int, KeyPersonOut]:
    """List a key person, as the register's page does."""
    user = api_writer(request)
    form = KeyPersonForm(data=form_data(payload), user=user)
    _valid(form)
    saved = services.key_person_save(
        actor=user, data=form.data_for_service(), ip=client_ip(request)
    )
    return 201, KeyPersonOut.of(selectors.access_key_person(user, saved.pk), clock.today())


@router.get("/sensitive-periods", response={200: PeriodsOut, **ERRORS})
def period_list(request: HttpRequest) -> PeriodsOut:
    """List the sensitive periods, latest first, with the one in force and its thresholds."""
    api_user(request)
    today = clock.today()
    current = selectors.period_in_force(today)
    limits = selectors.limits_under(current)
    return PeriodsOut(
        current=PeriodOut.of(current) if current else None,
        limits=LimitsOut(min_people=limits.min_people, window_days=limits.window_days),
        results=[PeriodOut.of(p) for p in SensitivePeriod.objects.all()[:100]],
    )
