"""The KPI engine on the hand-built street of tests/fixture.py, every figure worked out by hand.

Today is 15 July 2025; the period is March 2025 unless a test says otherwise; the unit
is the street (its whole subtree).
"""

import datetime as dt
from typing import Any

import pytest

from xinfang.assessment import selectors
from xinfang.assessment.kpis import Period
from xinfang.assessment.services import summary
from xinfang.assessment.tests.fixture import MARCH, TODAY, Cases, build
from xinfang.petitions.selectors import PetitionFilters, petition_search

pytestmark = pytest.mark.django_db

P = Period(*MARCH)


@pytest.fixture
def cases(street: Any) -> Cases:
    return build(street)


def ids(*cases: Any) -> set[int]:
    return {c.pk for c in cases}


def listed(street: Any, key: str, part: str, unit: Any = None, period: Period = P) -> set[int]:
    """Return the cases the petition list shows for the figure: the page's and API's path."""
    qs = selectors.kpi_filter(
        street.admin,
        petition_search(street.admin, PetitionFilters()),
        key=key,
        part=part,
        unit_id=(unit or street.street).pk,
        start=period.start,
        end=period.end,
        today=TODAY,
    )
    return set(qs.values_list("pk", flat=True))


def figure(street: Any, key: str, unit: Any = None, period: Period = P) -> selectors.Figure:
    return selectors.kpi_figures(unit or street.street, period, TODAY)[key]


def test_on_time_counts_deadlines_of_the_period_with_extensions_and_without_hearings(street, cases):
    c = cases
    f = figure(street, "on_time_rate")
    # a, b, f, o fell due in March; c's extension moved it to Mar 26; d's hearing to April;
    # e is in a hearing, its deadline not known yet. a, c (extended) and f replied in time.
    assert (f.numerator, f.denominator) == (3, 5)
    assert f.value == 0.6
    assert listed(street, "on_time_rate", "denominator") == ids(c.a, c.b, c.c, c.f, c.o)
    assert listed(street, "on_time_rate", "numerator") == ids(c.a, c.c, c.f)


def test_a_case_registered_in_january_counts_in_the_month_its_deadline_falls(street, cases):
    january = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    april = Period(dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    assert figure(street, "on_time_rate", period=january).denominator == 0
    assert listed(street, "on_time_rate", "denominator", period=april) == ids(cases.d)
    assert figure(street, "on_time_rate", period=april).value == 1.0


def test_first_time_rate_leaves_out_a_case_raised_again_within_the_window(street, cases):
    c = cases
    f = figure(street, "first_time_rate")
    # f was replied on time but raised again on Apr 1 (g, a repeat of it), and a on Mar 10
    # (h, merged into it), both within 90 days of the reply.
    assert (f.numerator, f.denominator) == (1, 5)
    assert listed(street, "first_time_rate", "numerator") == ids(c.c)


def test_timely_acceptance_counts_march_registrations_routed_by_their_deadline(street, cases):
    c = cases
    f = figure(street, "timely_acceptance_rate")
    # h was merged (counted as a); j was routed late; k and r are not routed at all.
    assert (f.numerator, f.denominator) == (3, 6)
    assert listed(street, "timely_acceptance_rate", "denominator") == ids(
        c.i, c.j, c.k, c.l_, c.m, c.r
    )
    assert listed(street, "timely_acceptance_rate", "numerator") == ids(c.i, c.l_, c.m)


def test_litigation_cases_are_not_rated(street, cases):
    c = cases
    rating = figure(street, "rating_rate")
    satisfaction = figure(street, "satisfaction_rate")
    # Replied in March: a, b, c and f; f is litigation-type. a and b were rated.
    assert (rating.numerator, rating.denominator) == (2, 3)
    assert listed(street, "rating_rate", "denominator") == ids(c.a, c.b, c.c)
    assert (satisfaction.numerator, satisfaction.denominator) == (1, 2)
    assert listed(street, "satisfaction_rate", "numerator") == ids(c.a)


def test_a_leader_case_closed_unsolved_is_not_resolved(street, cases):
    c = cases
    f = figure(street, "leader_case_rate")
    # b was followed up (closed) and found unsolved: closed is not solved.
    assert c.b.closed_at is not None and c.b.solved is False
    assert (f.numerator, f.denominator) == (1, 2)
    assert listed(street, "leader_case_rate", "numerator") == ids(c.a)


def test_repeat_rate_counts_every_submission_the_merged_one_included(street, cases):
    c = cases
    f = figure(street, "repeat_rate")
    assert (f.numerator, f.denominator) == (1, 7)
    assert listed(street, "repeat_rate", "numerator") == ids(c.h)


def test_locality_rates(street, cases):
    c = cases
    community = figure(street, "community_locality_rate")
    # c happened in Yashiyuan but was handled by Lakeside; b went to review.
    assert (community.numerator, community.denominator) == (1, 3)
    assert listed(street, "community_locality_rate", "numerator") == ids(c.a)
    street_rate = figure(street, "street_locality_rate")
    assert (street_rate.numerator, street_rate.denominator) == (3, 4)
    assert listed(street, "street_locality_rate", "numerator") == ids(c.a, c.c, c.f)


def test_settled_rate_counts_windows_ending_in_the_period(street, cases):
    c = cases
    may = Period(dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    june = Period(dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    # Replied Mar 1 (a, f): windows end in May; a was raised again by h (merged into it),
    # f by g (a repeat of it).
    assert listed(street, "settled_rate", "denominator", period=may) == ids(c.a, c.f)
    assert figure(street, "settled_rate", period=may).value == 0.0
    # Replied Mar 15 and 20 (b, c): windows end in June; b asked for review.
    assert listed(street, "settled_rate", "denominator", period=june) == ids(c.b, c.c)
    assert figure(street, "settled_rate", period=june).value == 0.5


def test_a_window_not_yet_passed_is_not_counted(street, cases):
    july = Period(dt.date(2025, 7, 1), dt.date(2025, 7, 31))
    # d replied Apr 5: its window ends Jul 4, passed; nothing else replied in April.
    assert listed(street, "settled_rate", "denominator", period=july) == ids(cases.d)
    august = Period(dt.date(2025, 8, 1), dt.date(2025, 8, 31))
    assert figure(street, "settled_rate", period=august).denominator == 0


def test_counts_in_batches_and_persons_against_last_year(street, cases):
    letters = figure(street, "letters")
    # i, j (online) and r (Mar 31, 23:00 office time); s is April although still March in UTC.
    assert (letters.value, letters.previous) == (3, 1)
    assert letters.change == 2.0
    assert letters.per_10k == 0.75
    assert listed(street, "letters", "numerator") == ids(cases.i, cases.j, cases.r)
    # h, merged into a, is not a visit of its own.
    assert figure(street, "visits").value == 1
    assert figure(street, "visits").change is None
    assert figure(street, "collective_visits").value == 1
    assert figure(street, "collective_visits_persons").value == 8
    assert figure(street, "letters_persons").value == 3


def test_two_no_occurrences(street, cases):
    assert figure(street, "skip_level_collective").value == 1
    assert listed(street, "skip_level_collective", "numerator") == ids(cases.m)
    incidents = figure(street, "major_incidents")
    # The incident of another street is not this street's.
    assert (incidents.value, incidents.previous) == (1, 1)


def test_overdue_and_at_risk_as_of_today(street, cases):
    c = cases
    figures = selectors.kpi_figures(street.street, P, TODAY)
    overdue = ids(c.o, c.i, c.l_, c.j, c.k, c.g, c.r, c.s, c.b, c.n)
    assert listed(street, "overdue", "numerator") == overdue
    assert figures.lists["overdue"] == len(overdue)
    assert listed(street, "at_risk", "numerator") == ids(c.p)


def test_a_unit_counts_only_the_cases_its_subtree_owns(street, cases):
    # Lakeside owns what was assigned to it; r was never assigned and stays the street's.
    assert figure(street, "letters", unit=street.lakeside).value == 2
    assert figure(street, "on_time_rate", unit=street.yashiyuan).value is None


def test_every_figure_lists_exactly_the_cases_it_counts(street, cases):
    figures = selectors.kpi_figures(street.street, P, TODAY)
    for f in figures.figures:
        if not f.has_cases:
            continue
        numerator = listed(street, f.key, "numerator")
        assert len(numerator) == f.numerator or f.spec.kind == "persons", f.key
        if f.denominator is not None:
            denominator = listed(street, f.key, "denominator")
            assert len(denominator) == f.denominator, f.key
            assert numerator <= denominator, f.key


def test_all_figures_are_counted_in_a_fixed_number_of_queries(
    street, cases, django_assert_max_num_queries
):
    summary.bring_up_to_date()  # counting the fixture's events is not the read
    with django_assert_max_num_queries(8):
        selectors.kpi_figures(street.street, P, TODAY)


def test_trend_by_month_and_breakdowns(street, cases):
    trend = selectors.kpi_trend(street.street, dt.date(2025, 3, 31), TODAY)
    march = trend[-1]
    assert (march.letters, march.visits, march.collective_visits) == (3, 1, 1)
    assert (march.on_time_num, march.on_time_den) == (3, 5)
    assert trend[0].period.start == dt.date(2024, 4, 1)
    parts = selectors.breakdowns(street.street, P, TODAY)
    by_channel = {s.value: s.count for s in parts["channel"]}
    assert by_channel == {
        "letter": 2,
        "online": 1,
        "visit": 1,
        "collective_visit": 1,
        "assigned": 1,
    }
    by_unit = {s.value: s.count for s in parts["unit"]}
    # i, j, l assigned to Lakeside; k, m, r still with the street itself.
    assert by_unit == {street.lakeside.pk: 3, street.street.pk: 3}
