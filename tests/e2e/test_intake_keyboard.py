"""A registrar registers a returning visitor's new matter by keyboard, starting from the ID.

Every key that is not the typed text is counted: the issue's bound is 40 (64 before the
intake started from the known person).
"""

from typing import Any

import pytest

from tests.e2e.conftest import login
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Category, Petition, Petitioner
from xinfang.petitions.tests.factories import register
from xinfang.petitions.validators import id_check_digit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "33010619700101001" + id_check_digit("33010619700101001")
MAX_KEYS = 40


class Keyboard:
    """The page's keyboard, counting the presses that are not typed text."""

    def __init__(self, page: Any) -> None:
        self.page, self.presses = page, 0

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.presses += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


@pytest.fixture
def known(street: Any) -> Petition:
    # Transactional tests flush the seeded taxonomy between tests: make this one's own.
    parent = Category.objects.create(name="城乡建设")
    Category.objects.create(name="物业管理", parent=parent)
    return register(
        street.registrar,
        title="小区夜间施工噪声扰民",
        category_id=None,
        petitioners=[
            PetitionerData(
                name="朱根保",
                id_number=ID_NUMBER,
                phone="13800000001",
                address="湖滨花园3幢",
                community_id=street.lakeside.pk,
            )
        ],
    )


def _start(page: Any) -> Keyboard:
    login(page, "registrar")
    page.goto("/petitions/new/")
    keys = Keyboard(page)
    assert page.evaluate("document.activeElement.name") == "person-0-id_number"
    keys.type(ID_NUMBER)
    keys.press("Tab")
    page.locator("#known-person [data-known]").wait_for()
    return keys


def test_a_returning_visitors_new_matter_by_keyboard_within_40_keys(
    page: Any, street: Any, known: Petition
) -> None:
    keys = _start(page)
    # The record filled the person: name, phone and address as on file.
    assert page.input_value("[name=person-0-name]") == "朱根保"
    assert page.input_value("[name=person-0-phone]") == "13800000001"
    keys.press("Tab", "Tab", "Tab", "Space")  # name, address, "same place as the address"
    assert page.input_value("[name=address]") == "湖滨花园3幢"
    assert page.input_value("[name=community]") == str(street.lakeside.pk)
    keys.press("Tab", "Tab")  # "add a representative", the channel
    assert page.evaluate("document.activeElement.name") == "channel"
    keys.press("ArrowDown")  # 来信 → 来访
    assert page.input_value("[name=channel]") == "visit"
    assert page.locator("[name=origin_authority]").is_hidden()
    keys.press("Tab", "Tab", "Tab")  # head count, anonymous, the title
    keys.type("楼道堆放杂物影响通行")
    keys.press("Tab")
    keys.type("三幢楼道长期堆放杂物，影响通行和消防安全，请求物业清理。")
    keys.press("Tab", "ArrowDown")  # the category
    with page.expect_navigation():
        keys.press("Control+Enter")

    assert keys.presses <= MAX_KEYS, keys.presses
    petition = Petition.objects.latest("pk")
    assert petition.pk != known.pk
    assert petition.petitioner == known.petitioner and petition.is_first_time
    assert (petition.channel, petition.community, petition.address) == (
        "visit",
        street.lakeside,
        "湖滨花园3幢",
    )
    assert petition.category is not None


def test_another_name_is_warned_and_the_record_updated_when_chosen(
    page: Any, street: Any, known: Petition
) -> None:
    keys = _start(page)
    name = page.locator("[name=person-0-name]")
    name.fill("朱根宝")
    name.press("Tab")  # the change looks the person up again
    warning = page.locator("#known-person [data-differs]")
    warning.wait_for()
    assert "朱根保" in warning.inner_text()
    assert page.locator("[name=person-0-on_record]").is_visible()
    warning.locator("[data-on-record-choice='update']").click()
    assert page.input_value("[name=person-0-on_record]") == "update"
    page.fill("[name=title]", "楼道堆放杂物影响通行")
    page.fill("[name=content]", "三幢楼道长期堆放杂物。")
    with page.expect_navigation():
        keys.press("Control+Enter")
    assert Petitioner.objects.get(pk=known.petitioner_id).name == "朱根宝"


def test_a_likely_repeat_is_shown_and_linked_with_alt_r_where_the_registrar_is(
    page: Any, street: Any, known: Petition
) -> None:
    keys = _start(page)
    title = page.locator("[name=title]")
    title.fill("小区施工噪声扰民")
    title.press("Tab")  # the changed title asks the panel again
    page.locator("#known-person [data-likely-repeats]").wait_for()
    assert known.number in page.locator("#known-person").inner_text()
    assert page.locator("[name=not_repeat]").is_visible()
    keys.type("夜间施工仍未停止。")
    keys.press("Alt+r")
    assert page.input_value("[name=repeat_of]") == known.number
    assert page.evaluate("document.activeElement.name") == "content"  # the focus stayed
    with page.expect_navigation():
        keys.press("Control+Enter")
    repeat = Petition.objects.latest("pk")
    assert repeat.repeat_of == known and not repeat.is_first_time


def test_a_failed_save_puts_the_focus_on_the_first_error(page: Any, street: Any) -> None:
    login(page, "registrar")
    page.goto("/petitions/new/")
    # The person is given: the first error is further down, not the field the form opens on.
    page.fill("[name=person-0-name]", "王建国")
    page.fill("[name=person-0-phone]", "13900000002")
    # The server's own refusal, past the browser's check of the required fields.
    page.evaluate("document.getElementById('intake').noValidate = true")
    with page.expect_navigation():
        page.click("#save")
    first_error = page.locator(".has-error").first
    first_error.wait_for()
    focused = page.evaluate(
        "() => { const a = document.activeElement;"
        " return [a.name, a.closest('.has-error') === document.querySelector('.has-error')]; }"
    )
    assert focused[1], f"the focus is on {focused[0]}, not in the first error"
    assert not focused[0].startswith("person-0-"), focused[0]
    assert Petition.objects.count() == 0
