"""axe-core on the staff pages a registrar and a handler use all day: no serious or critical
violation on the workbench, the intake form (empty and refused), a case with its action
forms open, search results with the calendar open, and an HTML notice; and on the
leader's and the auditor's workbench, with their queues and overview filled."""

from typing import Any

import pytest

from tests.e2e.conftest import axe_serious, login
from xinfang.petitions.tests.factories import accepted, act, drive, register, replied
from xinfang.petitions.workflow import Action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe leaves a duplicate id, or a description pointing at nothing, "to review": a label
# then names another form's field and a screen reader reads no help or error.
BROKEN_REFERENCES = """() => {
  const count = (id) => document.querySelectorAll(`[id="${CSS.escape(id)}"]`).length;
  const broken = [];
  for (const label of document.querySelectorAll("label[for]")) {
    if (count(label.htmlFor) !== 1) broken.push(`label for=${label.htmlFor}`);
  }
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/)) {
        if (id && count(id) !== 1) broken.push(`${attr}=${id}`);
      }
    }
  }
  return broken;
}"""


def _check(page: Any, axe: str) -> list[str]:
    """Return axe's serious violations and the broken id references of the page as shown."""
    broken = page.evaluate(BROKEN_REFERENCES)
    return axe_serious(page, axe) + [f"broken reference: {b}" for b in broken]


def _open_forms(page: Any) -> None:
    """Open every action form of the case page, as a user looking through them would."""
    page.evaluate("document.querySelectorAll('details[data-action]').forEach(d => d.open = true)")


def _open_calendar(page: Any, selector: str) -> None:
    """Open the date picker of the field and wait until it has faded in."""
    page.click(selector)
    page.wait_for_function(
        "() => { const c = document.querySelector('.air-datepicker.-active-');"
        " return c && getComputedStyle(c).opacity === '1'; }"
    )


def test_no_registrar_page_has_a_serious_accessibility_violation(
    page: Any, street: Any, axe_source: str
) -> None:
    waiting = register(street.registrar, title="楼道堆放杂物")
    answered = replied(street)
    login(page, "registrar")
    found: dict[str, list[str]] = {}

    def check(name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(path)
        found[name] = _check(page, axe_source)

    check("workbench", "/")
    check("intake", "/petitions/new/")
    # The server's own refusal, past the browser's check of the required fields.
    page.evaluate("document.getElementById('intake').noValidate = true")
    with page.expect_navigation():
        page.click("#save")
    assert page.locator(".has-error").count() > 0
    check("intake with errors")
    page.goto(waiting.get_absolute_url())
    _open_forms(page)
    check("case to route, forms open")
    _open_calendar(page, "details[data-action=supervise] input[data-datepicker]")
    check("case to route, calendar open")
    page.goto(answered.get_absolute_url())
    _open_forms(page)
    check("replied case, forms open")
    check("search", "/petitions/?q=楼道")
    _open_calendar(page, "input[name=due_after]")
    check("search, calendar open")
    check("notice", f"/petitions/{answered.pk}/notices/reply/")
    assert {name: v for name, v in found.items() if v} == {}


def test_no_handler_page_has_a_serious_accessibility_violation(
    page: Any, street: Any, axe_source: str
) -> None:
    mine = accepted(street, title="楼道堆放杂物")
    login(page, "handler")
    found: dict[str, list[str]] = {}
    for name, path in {
        "workbench": "/",
        "case": mine.get_absolute_url(),
        "search": "/petitions/?q=楼道",
        "notice": f"/petitions/{mine.pk}/notices/acceptance/",
    }.items():
        page.goto(path)
        if name == "case":
            _open_forms(page)
        found[name] = _check(page, axe_source)
    assert {name: v for name, v in found.items() if v} == {}


def test_no_leader_or_auditor_workbench_has_a_serious_accessibility_violation(
    page: Any, street: Any, axe_source: str
) -> None:
    asked = accepted(street, title="楼道堆放杂物")
    ask = {"days": 20, "reason": "需等待不动产登记中心出具材料"}
    drive(asked, street, (Action.REQUEST_EXTENSION, ask, "handler"))
    owned = act(accepted(street), street.leader, Action.TAKE_CHARGE, {"leader": street.leader.pk})
    register(street.registrar, title="夜间施工噪声")
    found: dict[str, list[str]] = {}
    login(page, "leader")
    page.goto("/")
    # Filled, not the empty lists: the rows are what a screen reader has to get through.
    assert asked.number in page.locator("#queue-extensions").inner_text()
    assert owned.number in page.locator("#queue-leader_owned").inner_text()
    found["leader workbench"] = _check(page, axe_source)
    page.goto("/leader/")
    found["leader's cases"] = _check(page, axe_source)
    login(page, "auditor")
    page.goto("/")
    assert page.locator("#overdue-by-unit").count() == 1
    found["auditor workbench"] = _check(page, axe_source)
    assert {name: v for name, v in found.items() if v} == {}
