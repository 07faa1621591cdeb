"""The similar-petitions panel of the case page."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xinfang.early_warnings import services
from xinfang.early_warnings.tests.conftest import ELECTION, START, UNRELATED, petition_by

pytestmark = pytest.mark.django_db


def _panel(user: Any, pk: int) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(reverse("early_warnings:similar_panel", args=[pk]))


def test_the_case_page_loads_the_similar_panel(street: Any) -> None:
    petition = petition_by(street, 0, ELECTION[0], START)
    client = Client()
    client.force_login(street.registrar)
    page = client.get(petition.get_absolute_url()).content.decode()
    assert reverse("early_warnings:similar_panel", args=[petition.pk]) in page


def test_the_panel_lists_similar_cases_with_their_scores_and_reasons(street: Any) -> None:
    cases = [petition_by(street, i, text, START) for i, text in enumerate(ELECTION[:2])]
    unrelated = petition_by(street, 9, UNRELATED[0], START)
    for petition in [*cases, unrelated]:
        services.signature_index(petition=petition)
    html = _panel(street.registrar, cases[0].pk).content.decode()
    assert cases[1].number in html and unrelated.number not in html
    assert "同一社区" in html and "相似度" in html


def test_a_case_with_nothing_like_it_says_so(street: Any) -> None:
    petition = petition_by(street, 0, ELECTION[0], START)
    services.signature_index(petition=petition)
    assert "暂无相似信访" in _panel(street.registrar, petition.pk).content.decode()
