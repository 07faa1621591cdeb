"""Reads that stay in SQL whatever the size of the registers, and writes made once."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xinfang.common import clock
from xinfang.early_warnings import briefing, selectors, services
from xinfang.early_warnings.models import Alert, KeyPerson
from xinfang.early_warnings.tests.conftest import ELECTION, START, petition_by
from xinfang.petitions.tests.factories import register, travel

pytestmark = pytest.mark.django_db


def _person(street: Any, **kw: Any) -> dict[str, Any]:
    return {
        "name": "王某",
        "reason": "organiser",
        "level": "close",
        "owner_unit_id": street.lakeside.pk,
        "cadence_days": 14,
        **kw,
    }


def test_the_next_contact_is_kept_by_listing_a_new_cadence_and_each_contact(street: Any) -> None:
    with travel(dt.date(2026, 3, 1)):
        person = services.key_person_save(actor=street.handler, data=_person(street))
    assert person.next_contact_on == dt.date(2026, 3, 15)
    with travel(dt.date(2026, 3, 2)):
        services.key_person_save(
            actor=street.handler, data=_person(street, cadence_days=7), person_id=person.pk
        )
        person.refresh_from_db()
        assert person.next_contact_on == dt.date(2026, 3, 8)
        services.key_person_contact_add(
            actor=street.handler, person_id=person.pk, on=dt.date(2026, 3, 2), how="电话", note="好"
        )
    person.refresh_from_db()
    assert person.next_contact_on == dt.date(2026, 3, 9)


def test_an_overdue_person_listed_after_five_hundred_others_comes_first_in_one_read(
    street: Any, django_assert_num_queries: Any
) -> None:
    now, today = clock.now(), clock.today()
    later = today + dt.timedelta(days=10)
    KeyPerson.objects.bulk_create(
        KeyPerson(name=f"人员{i}", reason="at_risk", owner_unit=street.lakeside,
                  created_at=now, next_contact_on=later)
        for i in range(500)
    )  # fmt: skip
    late = KeyPerson.objects.create(
        name="逾期者", reason="at_risk", owner_unit=street.lakeside, created_at=now,
        next_contact_on=today - dt.timedelta(days=1),
    )  # fmt: skip
    with django_assert_num_queries(2):  # the user's units, then the page of the list
        rows = list(selectors.key_person_list(street.handler, today=today)[:20])
    assert rows[0] == late and rows[0].overdue and not rows[1].overdue


def test_the_key_person_page_shows_the_overdue_first_and_pages_the_rest(
    street: Any, client: Any
) -> None:
    now, today = clock.now(), clock.today()
    KeyPerson.objects.bulk_create(
        KeyPerson(name=f"人员{i}", reason="at_risk", owner_unit=street.lakeside, created_at=now,
                  next_contact_on=today + dt.timedelta(days=i))
        for i in range(30)
    )  # fmt: skip
    late = KeyPerson.objects.create(
        name="逾期者", reason="at_risk", owner_unit=street.lakeside, created_at=now,
        next_contact_on=today - dt.timedelta(days=3),
    )  # fmt: skip
    client.force_login(street.handler)
    page = client.get(reverse("early_warnings:key_person_list")).content.decode()
    assert page.index(f'data-key-person="{late.pk}"') < page.index("人员0<")
    assert "已逾期" in page and "1 / 2" in page


def test_the_workbench_banner_reads_the_period_in_force_once(
    street: Any, django_assert_num_queries: Any
) -> None:
    today = clock.today()
    services.period_save(
        actor=street.registrar,
        data={
            "name": "全国两会",
            "starts_on": today,
            "ends_on": today,
            "level": "high",
            "note": "",
        },
    )
    banner = Template("{% load early_warnings %}{% sensitive_period_banner %}")
    with django_assert_num_queries(2):  # the period, the thresholds
        html = banner.render(Context())
    assert "全国两会" in html


def test_the_period_in_force_is_the_high_one_when_two_overlap(street: Any) -> None:
    today = clock.today()
    for name, level in (("春节", "raised"), ("全国两会", "high")):
        services.period_save(
            actor=street.registrar,
            data={"name": name, "starts_on": today, "ends_on": today, "level": level, "note": ""},
        )
    period = selectors.period_in_force(today)
    assert period is not None and period.name == "全国两会"


def _alert_updates(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "early_warnings_alert"')]


def test_an_overdue_contact_alert_is_written_in_one_insert(street: Any) -> None:
    with travel(dt.date(2026, 3, 1)):
        person = services.key_person_save(actor=street.handler, data=_person(street))
    with CaptureQueriesContext(connection) as queries:
        (alert,) = services.key_persons_check_contacts(today=dt.date(2026, 3, 16))
    assert alert.key_person == person
    assert _alert_updates(queries) == []


def test_a_surge_alert_is_written_in_one_insert(street: Any) -> None:
    monday = dt.date(2026, 3, 2)
    for n in range(6):
        with travel(monday):
            register(street.registrar, title=f"噪音{n}", content=f"夜间施工噪音{n}",
                     community_id=street.lakeside.pk)  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        raised = services.surges_detect(today=monday)
    assert raised and all(a.subject.startswith("surge:") for a in raised)
    assert _alert_updates(queries) == []


def test_weekly_counts_group_by_the_local_week_in_sql(street: Any) -> None:
    tz = timezone.get_current_timezone()
    monday = dt.date(2026, 3, 2)
    at = [
        dt.datetime(2026, 3, 1, 23, 30, tzinfo=tz),  # Sunday night: the week before
        dt.datetime(2026, 3, 2, 0, 10, tzinfo=tz),  # past midnight: this week
        dt.datetime(2026, 3, 8, 23, 59, tzinfo=tz),  # this week's Sunday
    ]
    for moment in at:
        with time_machine.travel(moment, tick=False):
            register(street.registrar, title="噪音", content="夜间施工噪音扰民",
                     community_id=street.lakeside.pk)  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.weekly_counts(
            "community_id", monday - dt.timedelta(weeks=1), monday + dt.timedelta(days=7)
        )
    assert counts == {street.lakeside.pk: {monday - dt.timedelta(weeks=1): 1, monday: 2}}
    (query,) = queries
    assert "GROUP BY" in query["sql"]


def test_the_surge_scan_reads_a_fixed_number_of_statements_however_many_cases(
    street: Any,
) -> None:
    monday = dt.date(2026, 3, 2)

    def statements() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert services.surges_detect(today=monday) == []
        return len(queries)

    with travel(monday - dt.timedelta(weeks=1)):
        register(street.registrar, title="噪音", content="夜间施工噪音扰民",
                 community_id=street.lakeside.pk)  # fmt: skip
    few = statements()
    for week in range(2, 6):
        with travel(monday - dt.timedelta(weeks=week)):
            register(street.registrar, title="噪音", content="夜间施工噪音扰民",
                     community_id=street.yashiyuan.pk)  # fmt: skip
    assert statements() == few


def test_the_briefing_counts_each_forming_groups_people_without_a_query_per_group(
    street: Any,
) -> None:
    cases = [petition_by(street, i, ELECTION[i], START) for i in range(3)]

    def statements() -> tuple[int, list[list[Any]]]:
        with CaptureQueriesContext(connection) as queries:
            figures = briefing.figures(street.street, START + dt.timedelta(days=1))
        return len(queries), figures["forming"]

    def forming(n: int) -> None:
        services.alert_raise(
            kind=Alert.Kind.COLLECTIVE, severity="medium", owner_unit_id=street.lakeside.pk,
            summary=f"群体{n}", petition_ids=[c.pk for c in cases],
            people_ids=[c.petitioner_id for c in cases[: n + 1]],
        )  # fmt: skip

    forming(0)
    statements()  # the first reads fill caches (content types, the unit tree)
    one, shown = statements()
    forming(1)
    forming(2)
    three, shown = statements()
    assert three == one
    assert sorted(n for _summary, n in shown) == [1, 2, 3]
