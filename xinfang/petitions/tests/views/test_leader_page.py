"""The leader's page and the case page's 包案 and 批示 forms."""

import re
from typing import Any

import pytest
from django.test import Client

from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import REPLY, accepted, act, drive
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db
A = Action


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(page: str, action: Action) -> str:
    match = re.search(rf'<details[^>]*data-action="{action.value}".*?</details>', page, re.S)
    assert match, action
    return match.group(0)


def test_the_case_page_offers_the_leaders_above_the_case_with_the_leader_chosen(
    street: Any,
) -> None:
    petition = accepted(street)
    page = _client(street.leader).get(petition.get_absolute_url()).content.decode()
    select = re.search(r'<select name="leader".*?</select>', _form(page, A.TAKE_CHARGE), re.S)
    assert select
    options = select.group(0)
    assert f'value="{street.leader.pk}" selected' in options
    assert f'value="{street.community_leader.pk}"' in options  # Lakeside Garden handles it
    assert f'value="{street.handler.pk}"' not in options  # not a leader
    assert A.INSTRUCT.value in page


def test_a_leader_takes_charge_from_the_case_page_and_finds_it_on_their_page(
    street: Any,
) -> None:
    petition = accepted(street)
    client = _client(street.leader)
    version = Petition.objects.values_list("version", flat=True).get(pk=petition.pk)
    answer = client.post(
        f"/petitions/{petition.pk}/act/{A.TAKE_CHARGE.value}/",
        {"version": version, "leader": street.leader.pk},
    )
    assert answer.status_code == 302
    page = client.get("/leader/").content.decode()
    assert petition.number in page
    assert "领导包案" in page  # the latest step
    assert 'id="leader-cases-link"' in page


def test_the_leaders_page_shows_their_cases_only_with_the_solved_rate(street: Any) -> None:
    mine = act(accepted(street), street.leader, A.TAKE_CHARGE, {"leader": street.leader.pk})
    drive(mine, street, (A.REPLY, REPLY, "handler"), (A.FOLLOW_UP, {"solved": True}, "registrar"))
    others = act(
        accepted(street), street.leader, A.TAKE_CHARGE, {"leader": street.community_leader.pk}
    )
    page = _client(street.leader).get("/leader/").content.decode()
    assert mine.number in page and others.number not in page
    rate = re.search(r'id="leader-rate"><b>([^<]*)</b>', page)
    assert rate and rate.group(1) == "100%"


def test_a_handler_has_no_leaders_page_nor_its_menu_link(street: Any) -> None:
    client = _client(street.handler)
    assert client.get("/leader/").status_code == 403
    assert 'id="leader-cases-link"' not in client.get("/").content.decode()


def test_the_menu_offers_intake_and_the_ledger_import_to_the_office_only(street: Any) -> None:
    office = _client(street.registrar).get("/").content.decode()
    handler = _client(street.handler).get("/").content.decode()
    assert 'id="ledger-import-link"' in office and 'accesskey="n"' in office
    assert 'id="ledger-import-link"' not in handler and 'accesskey="n"' not in handler
