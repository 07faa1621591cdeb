"""The search page: a search it cannot run is told with a 400 and shows no rows."""

from typing import Any

import pytest
from django.test import Client

from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    # A server error must come back as a 500 response here, not as the test's exception.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("page", 10**18, "10000"),
        ("category", 2**63, "9223372036854775807"),
        ("unit", 2**63, "9223372036854775807"),
        ("created_before", "9999-12-31", "2100-12-31"),
        ("created_after", "0001-01-01", "1900-01-01"),
        ("q", "噪音\x00", "空字符"),
    ],
)
def test_search_out_of_bounds_is_a_400_that_says_why_and_lists_nothing(
    street: Any, param: str, value: Any, message: str
) -> None:
    petition = register(street.registrar)
    response = _client(street.registrar).get("/petitions/", {param: value})

    assert response.status_code == 400
    page = response.content.decode()
    assert "查询条件有误" in page and message in page
    assert petition.number not in page


def test_search_within_bounds_lists_as_before(street: Any) -> None:
    petition = register(street.registrar)
    client = _client(street.registrar)
    edges = {"created_after": "1900-01-01", "created_before": "2100-12-31", "page": 10_000}

    response = client.get("/petitions/", edges)

    assert response.status_code == 200
    # A page past the last shows the last, as it always did.
    assert petition.number in response.content.decode()
    assert petition.number in client.get("/petitions/").content.decode()
