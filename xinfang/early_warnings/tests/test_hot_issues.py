"""Hot issues (热点问题): cases on one matter grouped, counted, placed and ranked, per user."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xinfang.accounts.models import ApiToken
from xinfang.early_warnings import rules, selectors, services
from xinfang.early_warnings.tests.conftest import ELECTION, START, UNRELATED, petition_by
from xinfang.organization.models import Unit
from xinfang.organization.tests.factories import UnitFactory, UserFactory

PARKING = [
    "雅仕苑开发商强制捆绑销售车位，不买车位不给办理购房合同，请求查处。",
    "雅仕苑开发商捆绑销售车位，不买车位就不让签购房合同，要求查处。",
    "反映雅仕苑开发商强制业主捆绑购买车位，不买不给签合同。",
]
NOON = dt.time(12, tzinfo=dt.UTC)


def _case(pk: int, text: str, day: int, person: int | None, community: int = 1) -> rules.HotCase:
    sigs = rules.signatures(text[:12], text)
    assert sigs is not None
    return rules.HotCase(
        petition_id=pk,
        sigs=sigs,
        place=rules.Place(community_id=community, address=""),
        at=dt.datetime.combine(START + dt.timedelta(days=day), NOON),
        people=frozenset() if person is None else frozenset({person}),
        title=text[:12],
    )


END = dt.datetime.combine(START + dt.timedelta(days=10), NOON)


def test_cases_of_one_matter_from_several_people_form_one_issue_and_unrelated_ones_none() -> None:
    cases = [_case(i, text, i, person=i) for i, text in enumerate(ELECTION[:5])]
    cases += [_case(10 + i, text, i, person=10 + i) for i, text in enumerate(UNRELATED)]
    (group,) = rules.hot_groups(cases, until=END)
    assert [c.petition_id for c in group.cases] == [0, 1, 2, 3, 4]
    assert group.people == 5 and group.title in {t[:12] for t in ELECTION}
    assert (group.first, group.last) == (cases[0].at, cases[4].at)


def test_two_matters_come_most_people_first() -> None:
    cases = [_case(i, text, i, person=i) for i, text in enumerate(ELECTION[:3])]
    cases += [_case(10 + i, t, i, person=10 + i, community=2) for i, t in enumerate(PARKING)]
    cases += [_case(20, ELECTION[3], 4, person=20)]
    groups = rules.hot_groups(cases, until=END)
    assert [sorted(c.petition_id for c in g.cases) for g in groups] == [
        [0, 1, 2, 20],
        [10, 11, 12],
    ]


def test_one_person_raising_a_matter_again_and_again_is_no_hot_issue() -> None:
    cases = [_case(i, text, i, person=1) for i, text in enumerate(ELECTION[:4])]
    assert rules.hot_groups(cases, until=END) == []
    # Anonymous cases are each somebody.
    anonymous = [_case(i, text, i, person=None) for i, text in enumerate(ELECTION[:2])]
    assert [g.people for g in rules.hot_groups(anonymous, until=END)] == [2]


def test_the_hot_index_counts_people_then_repeats_at_half_and_halves_in_two_weeks() -> None:
    assert rules.hot_index(4, 6, 0) == 5.0
    assert rules.hot_index(4, 6, rules.HOT_HALF_LIFE_DAYS) == 2.5
    assert rules.hot_index(4, 4, 0) > rules.hot_index(2, 4, 0)


# ---------------------------------------------------------------- the API and the selector


def _hot(user: Any, **query: Any) -> Any:
    return Client().get(
        "/api/v1/hot-issues", query, HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)}"
    )


def _indexed(street: Any, person: int, text: str, day: dt.date, **overrides: Any) -> Any:
    petition = petition_by(street, person, text, day, **overrides)
    services.signature_index(petition=petition)
    return petition


@pytest.mark.django_db
def test_hot_issues_list_each_group_with_size_place_period_title_and_index(street: Any) -> None:
    election = [_indexed(street, i, ELECTION[i], START + dt.timedelta(days=i)) for i in range(4)]
    parking = [
        _indexed(street, 10 + i, t, START, community_id=street.yashiyuan.pk)
        for i, t in enumerate(PARKING[:2])
    ]
    for i, text in enumerate(UNRELATED):
        _indexed(street, 20 + i, text, START)
    response = _hot(street.registrar, start="2026-03-01", end="2026-03-31")
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"]) == ("2026-03-01", "2026-03-31")
    first, second = body["results"]
    assert (first["size"], first["people"], first["place"]) == (4, 4, street.lakeside.name)
    assert [p["id"] for p in first["petitions"]] == [p.pk for p in election]
    assert first["petitions"][0]["number"] == election[0].number
    assert first["title"] in {p.title for p in election}
    assert first["first"].startswith("2026-03-02") and first["last"].startswith("2026-03-05")
    assert first["hot_index"] > 0
    assert [p["id"] for p in second["petitions"]] == [p.pk for p in parking]
    assert second["place"] == street.yashiyuan.name


@pytest.mark.django_db
def test_the_period_bounds_the_cases_and_defaults_to_the_last_thirty_days(street: Any) -> None:
    for i in range(3):
        _indexed(street, i, ELECTION[i], START + dt.timedelta(days=40 * i))
    assert _hot(street.registrar, start="2026-03-01", end="2026-03-31").json()["results"] == []
    (group,) = _hot(street.registrar, start="2026-03-01", end="2026-04-30").json()["results"]
    assert group["size"] == 2
    assert selectors.hot_period(None, None, dt.date(2026, 3, 30)) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 30),
    )


@pytest.mark.django_db
def test_hot_issues_hold_only_cases_the_user_may_see(street: Any) -> None:
    for i in range(3):
        _indexed(street, i, ELECTION[i], START)
    other_street = UnitFactory(name="YY街道", kind=Unit.Kind.STREET, parent=street.district)
    stranger = UserFactory(username="stranger", role="registrar", unit=other_street)
    assert _hot(stranger, start="2026-03-01").json()["results"] == []
    assert _hot(stranger, start="2026-03-01", unit=street.street.pk).status_code == 404
    narrowed = _hot(
        street.registrar, start="2026-03-01", end="2026-03-31", unit=street.yashiyuan.pk
    )
    assert narrowed.json()["results"] == []


@pytest.mark.django_db
def test_a_period_ending_before_it_starts_is_refused(street: Any) -> None:
    response = _hot(street.registrar, start="2026-03-10", end="2026-03-01")
    assert response.status_code == 400 and "end" in response.json()["fields"]


@pytest.mark.django_db
def test_hot_issues_take_the_same_queries_however_many_cases_and_groups(
    street: Any, django_assert_num_queries: Any
) -> None:
    for i in range(5):
        _indexed(street, i, ELECTION[i], START)
    for i in range(3):
        _indexed(street, 10 + i, PARKING[i], START, community_id=street.yashiyuan.pk)
    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    # The unit tree (scope), the candidates, their representatives, the groups' communities.
    with django_assert_num_queries(4):
        found = selectors.hot_issues_for_user(street.registrar, start, end)
    assert [h.size for h in found] == [5, 3]


@pytest.mark.django_db
def test_the_hot_issue_page_lists_the_groups_the_api_returns(street: Any) -> None:
    election = [_indexed(street, i, ELECTION[i], START) for i in range(3)]
    client = Client()
    client.force_login(street.registrar)
    url = reverse("early_warnings:hot_issue_list")
    page = client.get(url, {"start": "2026-03-01", "end": "2026-03-31"}).content.decode()
    assert page.count('data-hot="') == 1
    assert all(p.number in page for p in election) and "hot-data" in page
    refused = client.get(url, {"start": "2026-03-10", "end": "2026-03-01"}).content.decode()
    assert "结束日期不能早于开始日期" in refused
