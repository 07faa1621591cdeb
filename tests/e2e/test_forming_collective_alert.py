"""A registration completes a forming collective petition; a leader sees the alert and acknowledges it."""

from typing import Any

import pytest

from tests.e2e.conftest import login
from xinfang.early_warnings.models import Alert
from xinfang.early_warnings.tests.conftest import ELECTION
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.tests.factories import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_fifth_person_raises_the_alert_a_leader_opens_and_acknowledges(
    page: Any, street: Any
) -> None:
    # Four residents of 湖滨花园 have written about the election this week (the task
    # queue runs immediately in tests, so each was indexed on commit).
    for i in range(4):
        register(
            street.registrar,
            title=ELECTION[i][:12],
            content=ELECTION[i],
            community_id=street.lakeside.pk,
            petitioners=[PetitionerData(name=f"居民{i}", phone=f"1390000{i:04d}")],
        )
    assert not Alert.objects.exists()

    login(page, "registrar")
    assert page.locator("[data-open-alerts]").inner_text() == "0"
    page.goto("/petitions/new/")
    page.select_option("[name=channel]", "visit")
    page.fill("[name=person-0-name]", "居民5")
    page.fill("[name=person-0-phone]", "13900000005")
    page.fill("[name=title]", "业委会换届未公示候选人")
    page.fill("[name=content]", ELECTION[5])
    page.select_option("[name=community]", str(street.lakeside.pk))
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert page.locator("[data-open-alerts]").inner_text() == "1"
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.COLLECTIVE and alert.people.count() == 5

    login(page, "leader")
    page.click("#open-alerts")
    page.click(f"[data-alert='{alert.pk}'] a")
    page.screenshot(path="var/e2e-alert.png", full_page=True)
    evidence = page.locator("#evidence-cases").inner_text()
    assert evidence.count("XF") == 5 and "居民5" in evidence
    assert "5" in page.locator("#evidence-people h2").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="签收").click()
    assert "已签收" in page.locator("[data-status]").inner_text()
    assert "签收" in page.locator(".timeline").inner_text()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == street.leader
