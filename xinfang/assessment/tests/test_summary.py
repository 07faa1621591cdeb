"""The KPI summary: counted change by change it holds what counting from nothing gives,
follows a case from unit to unit and day to day, and catches up with what the queue missed."""

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import IntegerField, PositiveIntegerField

from xinfang.assessment import selectors
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import (
    DueDay,
    KpiCounted,
    KpiMark,
    KpiState,
    RegisteredDay,
    RegisteredSlice,
    RepliedDay,
)
from xinfang.assessment.selectors.rules import DUE, REGISTERED, REPLIED, parts
from xinfang.assessment.services import summary
from xinfang.assessment.tests.fixture import TODAY, build
from xinfang.petitions.models import EventDelivery, Petition, TimeLimitRule
from xinfang.petitions.tests.factories import REPLY, act, register, travel
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db

TABLES = (RegisteredDay, RegisteredSlice, RepliedDay, DueDay)
MARCH = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def snapshot() -> dict[str, set[tuple[Any, ...]]]:
    """Return every summary row, without its id."""
    return {
        m.__name__: {tuple(v for k, v in row.items() if k != "id") for row in m.objects.values()}
        for m in TABLES
    }


def test_every_part_has_its_column_and_every_column_its_part():
    for anchor, model in ((REGISTERED, RegisteredDay), (REPLIED, RepliedDay), (DUE, DueDay)):
        columns = {
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, PositiveIntegerField | IntegerField) and f.name != "id"
        }
        assert columns == {k for k, p in parts(90).items() if p.anchor == anchor}, anchor


def test_counted_event_by_event_the_summary_equals_one_counted_from_nothing(
    street: Any, django_capture_on_commit_callbacks: Any
):
    summary.rebuild()
    # Each step's events reach the handler as the queue would hand them, one by one.
    with django_capture_on_commit_callbacks(execute=True):
        build(street)
    assert not KpiMark.objects.exists()
    assert EventDelivery.objects.filter(handler__endswith="count_on_event").exists()
    counted = snapshot()
    assert counted["RepliedDay"] and counted["DueDay"] and counted["RegisteredSlice"]
    summary.rebuild()
    assert snapshot() == counted


def test_a_case_handed_to_another_unit_leaves_the_first_units_days(street: Any):
    with travel(dt.date(2025, 3, 3)):
        p = register(street.registrar)
    street_only = selectors.kpi_figures(street.street, MARCH, TODAY)
    assert street_only["visits"].value == 1
    with travel(dt.date(2025, 3, 4)):
        act(p, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk})
    lakeside = selectors.kpi_figures(street.lakeside, MARCH, TODAY)
    assert lakeside["visits"].value == 1
    # The street's row of 3 March is counted again: the case is no longer the street's own.
    own = RegisteredDay.objects.filter(unit=street.street, day=dt.date(2025, 3, 3))
    assert sum(r.visits for r in own) == 0
    assert KpiCounted.objects.get(petition=p).unit_id == street.lakeside.pk


def test_a_reply_moves_the_figures_at_the_next_read(street: Any):
    with travel(dt.date(2025, 3, 3)):
        p = register(street.registrar)
        p = act(p, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk})
    assert (
        selectors.kpi_figures(street.street, MARCH, TODAY)["street_locality_rate"].denominator == 0
    )
    with travel(dt.date(2025, 3, 20)):
        act(p, street.handler, Action.REPLY, REPLY)
    figures = selectors.kpi_figures(street.street, MARCH, TODAY)
    assert figures["street_locality_rate"].denominator == 1
    # The read counted the pending events and recorded them: the next read has none to do.
    assert summary.events.deliver_pending(summary.count_on_event, summary._count_events) == 0


def test_a_repeat_counts_its_original_again(street: Any):
    with travel(dt.date(2025, 1, 6)):
        first = register(street.registrar)
        first = act(first, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk})
    with travel(dt.date(2025, 3, 2)):
        first = act(first, street.handler, Action.REPLY, REPLY)
    march = selectors.kpi_figures(street.lakeside, MARCH, TODAY)
    assert march["first_time_rate"].numerator == 1
    with travel(dt.date(2025, 4, 1)):
        register(street.registrar, repeat_of_id=first.pk)
    again = selectors.kpi_figures(street.lakeside, MARCH, TODAY)
    assert (again["first_time_rate"].numerator, again["first_time_rate"].denominator) == (0, 1)


def test_a_new_follow_up_window_counts_everything_again(street: Any):
    build(street)
    before = selectors.kpi_figures(
        street.street, Period(dt.date(2025, 5, 1), dt.date(2025, 6, 30)), TODAY
    )
    TimeLimitRule.objects.update_or_create(
        key=TimeLimitRule.Key.FOLLOW_UP_WINDOW, defaults={"days": 30}
    )
    summary.bring_up_to_date()
    assert KpiState.objects.get().follow_up_days == 30
    after = selectors.kpi_figures(
        street.street, Period(dt.date(2025, 5, 1), dt.date(2025, 6, 30)), TODAY
    )
    assert before["settled_rate"].denominator != after["settled_rate"].denominator


def test_cases_written_in_bulk_are_counted_when_named(street: Any):
    with travel(dt.date(2025, 3, 3)):
        p = register(street.registrar)
    summary.bring_up_to_date()
    Petition.objects.filter(pk=p.pk).update(registered_at=dt.datetime(2025, 3, 9, 2, tzinfo=dt.UTC))
    summary.count_cases([p.pk])
    assert summary.refresh() == 2  # 3 March, where it was, and 9 March, where it is
    days = set(RegisteredDay.objects.filter(registered__gt=0).values_list("day", flat=True))
    assert days == {dt.date(2025, 3, 9)}


def test_a_deleted_case_leaves_the_days_it_was_counted_on(street: Any):
    with travel(dt.date(2025, 3, 3)):
        p = register(street.registrar)
    assert selectors.kpi_figures(street.street, MARCH, TODAY)["visits"].value == 1
    p.delete()
    assert selectors.kpi_figures(street.street, MARCH, TODAY)["visits"].value == 0


def test_the_rebuild_command_counts_the_register_again(street: Any):
    with travel(dt.date(2025, 3, 3)):
        register(street.registrar)
    RegisteredDay.objects.all().delete()  # as if changed by hand in the database
    out = io.StringIO()
    call_command("kpi_rebuild", stdout=out)
    assert "Counted 1 petitions" in out.getvalue()
    assert RegisteredDay.objects.get().visits == 1


def test_the_readers_of_one_page_bring_it_up_to_date_once(
    street: Any, django_assert_num_queries: Any
) -> None:
    summary.bring_up_to_date()
    # One query: whether it is built, marked or behind.
    with django_assert_num_queries(1), summary.brought_up_to_date():
        summary.bring_up_to_date()
        summary.bring_up_to_date()
    with django_assert_num_queries(1):
        summary.bring_up_to_date()
