"""A registrar types a petition, sees the suggested categories and takes one by keyboard."""

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import login
from xinfang.petitions.models import Category, Petition
from xinfang.routing.models import Kind, SuggestionRecord
from xinfang.routing.tests.factories import THEMES, about, train

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_suggested_category_is_taken_with_alt_and_its_rank(
    page: Any, street: Any, settings: Any, tmp_path: Path
) -> None:
    settings.ROUTING_MODEL_DIR = tmp_path / "models"
    # Transactional tests flush the seeded taxonomy between tests: make this one's own.
    parent = Category.objects.create(name="测试分类")
    categories = {t: Category.objects.create(name=f"{t}类", parent=parent) for t in THEMES}
    train(Kind.CATEGORY, categories)
    units = {
        "demolition": street.renovation,
        "property": street.lakeside,
        "environment": street.yashiyuan,
    }
    train(Kind.UNIT, units)

    login(page, "registrar")
    page.goto("/petitions/new/")
    page.select_option("[name=channel]", "letter")
    page.fill("[name=person-0-name]", "赵六")
    page.fill("[name=title]", "拆迁补偿迟迟不到位")
    page.locator("[name=content]").press_sequentially(about("demolition"), delay=5)
    panel = page.locator("[data-kind='category']")
    panel.locator("[data-rank='1']").wait_for()
    ranked = panel.locator("[data-category]").all_inner_texts()
    assert categories["demolition"].name in ranked[0] and "%" in ranked[0]

    page.locator("[name=content]").press("Alt+2")
    second = panel.locator("[data-rank='2']").get_attribute("data-category")
    assert page.locator("#id_category").input_value() == second
    page.locator("[name=content]").press("Alt+1")
    assert page.locator("#id_category").input_value() == str(categories["demolition"].pk)

    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    petition = Petition.objects.get()
    assert petition.category == categories["demolition"]
    record = SuggestionRecord.objects.get(petition=petition, kind=Kind.CATEGORY)
    assert record.accepted_top1 and record.chosen == str(categories["demolition"].pk)

    accept = page.locator("details[data-action='accept']")
    accept.locator("summary").click()
    unit = accept.locator("[name=handling_unit]")
    accept.locator("[data-kind='unit'] [data-rank='1']").wait_for()
    assert unit.input_value() == str(street.renovation.pk)  # confident: pre-selected
    unit.select_option(str(street.lakeside.pk))
    unit.press("Alt+1")
    assert unit.input_value() == str(street.renovation.pk)
    with page.expect_navigation():
        accept.locator("button[type=submit]").click()
    petition.refresh_from_db()
    assert petition.handling_unit == street.renovation
    record = SuggestionRecord.objects.get(petition=petition, kind=Kind.UNIT)
    assert record.accepted_top1
