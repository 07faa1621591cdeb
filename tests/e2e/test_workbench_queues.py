"""Each role's work queue in Chromium: a case shows in the right queue of the workbench at
the right step, one click on its number opens the case with that step offered, and the
case has left the queue once the step is taken. The steps between are taken through the
services; only the clicks under test go through the browser."""

from typing import Any

import pytest

from tests.e2e.conftest import login
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import REPLY, accepted, drive, register, replied
from xinfang.petitions.workflow import Action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATING = {"satisfaction_unit": "satisfied", "satisfaction_office": "satisfied"}


def _numbers(page: Any, key: str) -> list[str]:
    """Return the case numbers the workbench lists in the queue `key`, reloaded."""
    page.goto("/")
    return page.locator(f"#queue-{key} tbody td:first-child a").all_inner_texts()


def _opens(page: Any, key: str, petition: Petition, action: Action) -> None:
    """Click the case in the queue `key` and check its page offers `action`."""
    assert petition.number in _numbers(page, key), f"not in the queue {key}"
    with page.expect_navigation():
        page.locator(f"#queue-{key} a", has_text=petition.number).click()
    assert page.url.endswith(petition.get_absolute_url())
    assert page.locator(f"details[data-action='{action.value}']").count() == 1


def test_the_registrar_routes_rates_and_follows_up_from_the_queues(page: Any, street: Any) -> None:
    waiting = register(street.registrar, title="楼道堆放杂物")
    answered = replied(street, title="夜间施工噪声")
    login(page, "registrar")

    _opens(page, "to_route", waiting, Action.ACCEPT)
    assert answered.number not in _numbers(page, "to_route")
    drive(waiting, street, (Action.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar"))
    assert waiting.number not in _numbers(page, "to_route")

    _opens(page, "to_evaluate", answered, Action.EVALUATE)
    assert waiting.number not in _numbers(page, "to_evaluate")
    _opens(page, "to_follow_up", answered, Action.FOLLOW_UP)
    drive(answered, street, (Action.EVALUATE, RATING, "registrar"))
    assert answered.number not in _numbers(page, "to_evaluate")
    assert answered.number in _numbers(page, "to_follow_up")  # rated, not yet visited
    drive(answered, street, (Action.FOLLOW_UP, {"solved": True}, "registrar"))
    assert answered.number not in _numbers(page, "to_follow_up")


def test_the_handler_finds_a_case_given_to_the_unit_until_it_is_answered(
    page: Any, street: Any
) -> None:
    waiting = register(street.registrar)
    mine = accepted(street, title="楼道堆放杂物")
    login(page, "handler")

    assert waiting.number not in _numbers(page, "mine")  # not given to the unit yet
    _opens(page, "mine", mine, Action.REPLY)
    drive(mine, street, (Action.REPLY, REPLY, "handler"))
    assert mine.number not in _numbers(page, "mine")


def test_an_extension_waits_in_the_leaders_queues_until_approved(page: Any, street: Any) -> None:
    petition = accepted(street)
    login(page, "cleader")
    assert petition.number not in _numbers(page, "extensions")  # nothing asked yet

    ask = {"days": 20, "reason": "需等待不动产登记中心出具材料"}
    drive(petition, street, (Action.REQUEST_EXTENSION, ask, "handler"))
    row = page.locator("#queue-extensions tr", has_text=petition.number)
    assert petition.number in _numbers(page, "extensions")
    assert "20" in row.inner_text() and "需等待不动产登记中心出具材料" in row.inner_text()
    _opens(page, "extensions", petition, Action.APPROVE_EXTENSION)
    login(page, "leader")  # the leading group approves as well
    _opens(page, "extensions", petition, Action.APPROVE_EXTENSION)
    drive(petition, street, (Action.APPROVE_EXTENSION, {}, "community_leader"))
    assert petition.number not in _numbers(page, "extensions")
