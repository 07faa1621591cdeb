"""GET /api/v1/kpis and the kpi= filter of GET /api/v1/petitions, on the hand-built street."""

from typing import Any

import pytest
from django.test import Client

from xinfang.accounts.models import ApiToken
from xinfang.assessment.tests.fixture import MARCH, TODAY, Cases, build
from xinfang.petitions.tests.factories import travel

pytestmark = pytest.mark.django_db

MARCH_PARAMS = {"start": MARCH[0].isoformat(), "end": MARCH[1].isoformat()}


@pytest.fixture
def cases(street: Any) -> Cases:
    return build(street)


def get(url: str, user: Any, **params: Any) -> Any:
    with travel(TODAY):
        token = ApiToken.issue(user)
        return Client().get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def all_ids(url: str, user: Any) -> set[int]:
    """Return the ids of every page of a petition list link."""
    found: set[int] = set()
    page = 1
    while True:
        body = get(f"{url}&page={page}&page_size=100", user).json()
        found |= {row["id"] for row in body["results"]}
        if len(found) >= body["count"]:
            return found
        page += 1


def test_kpis_answer_every_figure_with_its_parts_rule_and_link(street, cases):
    response = get("/api/v1/kpis", street.leader, **MARCH_PARAMS)
    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["id"] == street.street.pk
    assert (body["start"], body["end"]) == ("2025-03-01", "2025-03-31")
    by_key = {k["key"]: k for k in body["kpis"]}
    on_time = by_key["on_time_rate"]
    assert set(on_time) >= {
        "key",
        "label",
        "value",
        "numerator",
        "denominator",
        "rule",
        "cases_url",
    }
    assert (on_time["value"], on_time["numerator"], on_time["denominator"]) == (0.6, 3, 5)
    assert on_time["label"] == "按期办结率"
    letters = by_key["letters"]
    assert (letters["value"], letters["previous"], letters["denominator"]) == (3, 1, None)
    assert by_key["major_incidents"]["cases_url"] is None


def test_the_unit_defaults_to_the_users_own(street, cases):
    body = get("/api/v1/kpis", street.community_leader, **MARCH_PARAMS).json()
    assert body["unit"]["id"] == street.lakeside.pk
    letters = next(k for k in body["kpis"] if k["key"] == "letters")
    assert letters["value"] == 2


def test_a_unit_outside_the_users_scope_is_not_found(street, cases):
    response = get("/api/v1/kpis", street.handler, unit=street.street.pk, **MARCH_PARAMS)
    assert response.status_code == 404


def test_each_figures_link_lists_exactly_the_cases_it_counts(street, cases):
    body = get("/api/v1/kpis", street.leader, **MARCH_PARAMS).json()
    for k in body["kpis"]:
        if k["cases_url"] is None or k["kind"] == "persons":
            continue
        numerator = all_ids(k["cases_url"], street.leader)
        assert len(numerator) == k["numerator"], k["key"]
        if k["denominator"] is not None:
            url = k["cases_url"].replace("part=numerator", "part=denominator")
            denominator = all_ids(url, street.leader)
            assert len(denominator) == k["denominator"], k["key"]
            assert numerator <= denominator


def test_the_on_time_numerator_lists_the_cases_replied_in_time(street, cases):
    url = "/api/v1/petitions?kpi=on_time_rate&part=numerator&start=2025-03-01&end=2025-03-31"
    assert all_ids(url, street.leader) == {cases.a.pk, cases.c.pk, cases.f.pk}


def test_an_unknown_kpi_is_refused(street, cases):
    response = get("/api/v1/petitions", street.leader, kpi="nonsense")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_list_without_kpi_is_unchanged(street, cases):
    body = get("/api/v1/petitions", street.leader, page_size=100).json()
    assert body["count"] == 18


def test_without_dates_the_figures_are_of_the_current_month(street, cases):
    body = get("/api/v1/kpis", street.leader).json()
    assert (body["start"], body["end"]) == ("2025-07-01", "2025-07-31")


def test_an_end_before_the_start_is_refused(street, cases):
    response = get("/api/v1/kpis", street.leader, start="2025-03-31", end="2025-03-01")
    assert response.status_code == 400
