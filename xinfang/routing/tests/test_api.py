"""Suggestions in the petition's API representation, and the acceptance figures."""

from typing import Any

import pytest
from django.test import Client

from xinfang.accounts.models import ApiToken
from xinfang.petitions.tests.factories import drive, register
from xinfang.petitions.workflow import Action
from xinfang.routing.models import Kind, RouterModel
from xinfang.routing.tests.factories import about

pytestmark = pytest.mark.django_db


def _get(user: Any, url: str) -> Any:
    token = ApiToken.issue(user)
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_registrar_sees_the_top_three_with_confidence(
    street: Any, categories: dict[str, Any], category_router: RouterModel
) -> None:
    petition = register(street.registrar, title="拆迁补偿", content=about("demolition"))
    body = _get(street.registrar, f"/api/v1/petitions/{petition.pk}").json()
    suggested = body["suggestions"]["category"]
    assert suggested["items"][0]["id"] == categories["demolition"].pk
    assert len(suggested["items"]) == 3
    assert suggested["items"][0]["confidence"] >= suggested["items"][1]["confidence"]
    assert suggested["preselect"] == categories["demolition"].pk
    assert suggested["model_version"] == category_router.version
    assert body["suggestions"]["unit"]["items"] == []
    assert "routing train" in body["suggestions"]["unit"]["hint"]


def test_a_handler_gets_no_suggestions(street: Any, category_router: RouterModel) -> None:
    petition = register(street.registrar)
    drive(petition, street, (Action.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar"))
    body = _get(street.handler, f"/api/v1/petitions/{petition.pk}").json()
    assert body["suggestions"] is None


def test_a_registration_through_the_api_runs_no_prediction_and_get_has_them(
    street: Any, categories: dict[str, Any], category_router: RouterModel
) -> None:
    body = {
        "channel": "letter",
        "title": "拆迁补偿",
        "content": about("demolition"),
        "is_anonymous": True,
    }
    token = ApiToken.issue(street.registrar)
    created = Client().post(
        "/api/v1/petitions",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert created.status_code == 201 and created.json()["suggestions"] is None
    again = _get(street.registrar, f"/api/v1/petitions/{created.json()['id']}").json()
    assert again["suggestions"]["category"]["items"]


def test_registration_records_the_choice_against_the_suggestion(
    street: Any,
    categories: dict[str, Any],
    category_router: RouterModel,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        register(
            street.registrar,
            title="拆迁",
            content=about("demolition"),
            category_id=categories["demolition"].pk,
        )
    with django_capture_on_commit_callbacks(execute=True):
        register(
            street.registrar,
            title="噪音",
            content=about("environment"),
            category_id=categories["demolition"].pk,
        )
    figures = _get(street.registrar, f"/api/v1/routing/acceptance?kind={Kind.CATEGORY}").json()
    assert figures["total"] == {"label": "", "shown": 2, "accepted": 1, "rate": 0.5}
    assert _get(street.handler, "/api/v1/routing/acceptance").status_code == 403
