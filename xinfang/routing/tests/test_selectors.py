"""The accepted-as-suggested rate, overall, by month and by chosen target."""

import datetime as dt
from typing import Any

from django.utils import timezone

from xinfang.petitions.models import Category
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
