"""The suggestions panel and the acceptance page, through the URLs."""

import re
from typing import Any

from django.urls import reverse

from xinfang.petitions.models import Category
from xinfang.routing.models import KeywordRule, Kind, RouterModel
from xinfang.routing.tests.factories import about, train


def get(client: Any, user: Any, name: str, **params: str) -> Any:
    client.force_login(user)
    return client.get(reverse(name), params)


def test_the_panel_offers_each_suggestion_as_a_button_for_the_registrar(
    client: Any, street: Any, categories: dict[str, Category], category_router: RouterModel
) -> None:
    response = get(
        client, street.registrar, "routing:suggest", title="来信", content=about("demolition")
    )

    html = response.content.decode()
    assert f'data-category="{categories["demolition"].pk}"' in html
    assert html.count("data-category=") == 3 and html.count("data-preselect") == 1
    assert "尚未训练模型" in html  # the unit router has not been trained


def test_the_panel_is_empty_until_something_is_typed(client: Any, street: Any) -> None:
    response = get(client, street.registrar, "routing:suggest", title=" ", content="")

    assert response.status_code == 200 and response.content.strip() == b""


def test_the_panel_is_not_for_handlers(client: Any, street: Any) -> None:
    response = get(client, street.handler, "routing:suggest", title="来信", content="噪音")

    assert response.status_code == 404


def test_the_acceptance_page_shows_the_routers_and_the_rates(
    client: Any, street: Any, category_router: RouterModel
) -> None:
    response = get(client, street.auditor, "routing:acceptance")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"v{category_router.version}" in html and "routing train --from-db" in html


def test_the_acceptance_page_is_not_for_the_units(client: Any, street: Any) -> None:
    assert get(client, street.handler, "routing:acceptance").status_code == 404


def test_a_keyword_rule_names_its_target_and_refuses_an_unknown_one(
    client: Any, street: Any
) -> None:
    client.force_login(street.admin)
    url = reverse("admin:routing_keywordrule_add")
    rule = {"kind": "unit", "keyword": "拆迁", "mode": "override", "is_active": "on"}

    refused = client.post(url, {**rule, "target": "99999"})
    client.post(url, {**rule, "target": str(street.renovation.pk)})

    assert "没有这个编号" in refused.content.decode()
    assert KeywordRule.objects.get().target_display == street.renovation.name


def test_the_admin_puts_an_older_router_back_in_use(
    client: Any, street: Any, categories: dict[str, Category], category_router: RouterModel
) -> None:
    newer = train(Kind.CATEGORY, categories)
    client.force_login(street.admin)

    client.post(
        reverse("admin:routing_routermodel_changelist"),
        {"action": "activate", "_selected_action": [category_router.pk]},
    )

    assert list(RouterModel.objects.filter(is_active=True)) == [category_router]
    assert newer.pk != category_router.pk


def test_the_acceptance_page_speaks_plainly_and_in_percent(
    client: Any, street: Any, category_router: RouterModel
) -> None:
    html = get(client, street.auditor, "routing:acceptance").content.decode()
    # The words shown, not the tags: a random token (CSRF) may hold the letters F1.
    shown = re.sub(r"<[^>]*>", " ", html)
    assert not re.search(r"\bF1\b", shown) and "宏平均" not in shown and "留出集" not in shown
    assert "第一条建议就对的比例" in html
    accuracy = round(category_router.metrics["accuracy"] * 100)
    assert f"<td>{accuracy}%</td>" in html


def test_the_acceptance_page_is_in_the_administrators_menu(client: Any, street: Any) -> None:
    url = reverse("routing:acceptance")
    assert f'href="{url}"' in get(client, street.admin, "petitions:workbench").content.decode()
    assert (
        f'href="{url}"' not in get(client, street.handler, "petitions:workbench").content.decode()
    )
