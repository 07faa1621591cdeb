"""The training history, and the accepted-as-suggested rate overall, by month and by target."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinfang.petitions.models import Category
from xinfang.petitions.workflow import Status
from xinfang.routing import selectors
from xinfang.routing.models import Kind, SuggestionRecord
from xinfang.routing.tests.factories import concluded_petition


def record(petition: Any, chosen: Category, accepted: bool, day: dt.date) -> None:
    SuggestionRecord.objects.create(
        petition=petition,
        kind=Kind.CATEGORY,
        suggested=[],
        chosen=str(chosen.pk),
        accepted_top1=accepted,
        model_version=1,
        created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
    )


def test_the_acceptance_rate_is_counted_by_month_and_by_chosen_category(
    street: Any, django_assert_num_queries: Any
) -> None:
    noise, wages = Category.objects.filter(parent__isnull=False)[:2]
    petition = concluded_petition(street, title="来信", content="噪音")
    record(petition, noise, True, dt.date(2026, 3, 31))
    record(petition, noise, False, dt.date(2026, 4, 1))
    record(petition, wages, True, dt.date(2026, 4, 2))
    record(petition, wages, True, dt.date(2026, 4, 3))
    SuggestionRecord.objects.create(
        petition=petition,
        kind=Kind.UNIT,
        suggested=[],
        chosen=str(street.lakeside.pk),
        accepted_top1=False,
        created_at=timezone.now(),
    )

    with django_assert_num_queries(4):
        report = selectors.acceptance(Kind.CATEGORY)

    assert (report.total.shown, report.total.accepted, report.total.rate) == (4, 3, 0.75)
    assert [(r.label, r.shown, r.accepted) for r in report.by_month] == [
        ("2026-03", 1, 1),
        ("2026-04", 3, 2),
    ]
    assert {(r.label, r.shown, r.accepted) for r in report.by_target} == {
        (noise.name, 2, 1),
        (wages.name, 2, 2),
    }


def test_without_records_there_is_no_rate(db: Any) -> None:
    report = selectors.acceptance(Kind.UNIT)

    assert report.total.shown == 0 and report.total.rate is None and report.by_month == []


def test_the_training_history_is_the_newest_concluded_petitions_newest_first(street: Any) -> None:
    start = timezone.now() - dt.timedelta(days=30)
    for day in range(5):
        concluded_petition(
            street,
            title=f"第{day}天",
            content="噪音",
            handling_unit=street.lakeside,
            registered_at=start + dt.timedelta(days=day),
        )
    concluded_petition(
        street,
        title="未办结",
        content="噪音",
        handling_unit=street.lakeside,
        registered_at=timezone.now(),
        status=Status.HANDLING,
    )

    rows = selectors.training_history(Kind.UNIT, 3)

    assert [title for title, _, _ in rows] == ["第4天", "第3天", "第2天"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL plans by its statistics")
def test_on_sqlite_the_training_history_walks_the_registration_time_index(street: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        selectors.training_history(Kind.CATEGORY, 25_000)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {queries[0]['sql']}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "INDEX pet_registered" in plan and "pet_status" not in plan
