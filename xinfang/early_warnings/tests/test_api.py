"""GET /api/v1/petitions/{id}/similar: scored, best first, scoped to the user."""

from typing import Any

import pytest
from django.test import Client

from xinfang.accounts.models import ApiToken
from xinfang.early_warnings import services
from xinfang.early_warnings.tests.conftest import ELECTION, START, UNRELATED, petition_by
from xinfang.organization.models import Unit
from xinfang.organization.tests.factories import UnitFactory, UserFactory
from xinfang.petitions.tests.factories import act
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db


def _similar(user: Any, pk: int, **query: Any) -> Any:
    return Client().get(
        f"/api/v1/petitions/{pk}/similar",
        query,
        HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)}",
    )


def _indexed(street: Any, person: int, text: str, **overrides: Any) -> Any:
    petition = petition_by(street, person, text, START, **overrides)
    services.signature_index(petition=petition)
    return petition


def test_similar_cases_come_best_first_with_scores_and_reasons(street: Any) -> None:
    target = _indexed(street, 0, ELECTION[0])
    here = _indexed(street, 1, ELECTION[1])
    elsewhere = _indexed(street, 2, ELECTION[1], community_id=street.yashiyuan.pk)
    for i, text in enumerate(UNRELATED):
        _indexed(street, 10 + i, text)
    response = _similar(street.registrar, target.pk)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [here.pk, elsewhere.pk]
    assert results[0]["number"] == here.number and results[0]["title"] == here.title
    assert all(0 <= r["score"] <= 1 for r in results)
    assert results[0]["score"] > results[1]["score"]
    assert results[0]["reasons"][0].startswith("文本相似度")
    assert "同一社区" in results[0]["reasons"] and "同一社区" not in results[1]["reasons"]


def test_the_limit_cuts_the_list(street: Any) -> None:
    target = _indexed(street, 0, ELECTION[0])
    for i in range(1, 6):
        _indexed(street, i, ELECTION[i])
    assert len(_similar(street.registrar, target.pk, limit=2).json()["results"]) == 2
    assert _similar(street.registrar, target.pk, limit=0).status_code in (400, 422)


def test_a_one_character_case_finds_nothing_rather_than_everything(street: Any) -> None:
    for i in range(3):
        _indexed(street, i, ELECTION[i])
    short = petition_by(street, 9, "访", START)
    short.title = "访"
    services.signature_index(petition=short)
    assert _similar(street.registrar, short.pk).json() == {"results": []}


def test_cases_the_user_may_not_see_are_left_out(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    target = _indexed(street, 0, ELECTION[0])
    mine = _indexed(street, 1, ELECTION[1])
    theirs = _indexed(street, 2, ELECTION[2])
    # Routed after indexing: the moves reach the index after commit (handlers.owner_sync).
    with django_capture_on_commit_callbacks(execute=True):
        act(target, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk})
        act(mine, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk})
        act(theirs, street.registrar, Action.ACCEPT, {"handling_unit": street.yashiyuan.pk})
    ids = [r["id"] for r in _similar(street.handler, target.pk).json()["results"]]
    assert ids == [mine.pk]


def test_a_case_out_of_scope_answers_as_a_missing_one(street: Any) -> None:
    other_street = UnitFactory(name="YY街道", kind=Unit.Kind.STREET, parent=street.district)
    stranger = UserFactory(username="stranger", role="registrar", unit=other_street)
    target = _indexed(street, 0, ELECTION[0])
    assert _similar(stranger, target.pk).status_code == 404
    assert _similar(stranger, 999_999).status_code == 404
