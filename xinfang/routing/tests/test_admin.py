"""Putting an older router back in use from the admin."""

from typing import Any

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from xinfang.routing import selectors
from xinfang.routing.models import Kind, RouterModel
from xinfang.routing.tests.factories import train


def test_the_admin_puts_an_older_router_back_in_use(
    street: Any, categories: dict[str, Any], category_router: RouterModel
) -> None:
    newer = train(Kind.CATEGORY, categories)
    assert selectors.active_router(Kind.CATEGORY) == newer
    client = Client()
    client.force_login(street.admin)
    response = client.post(
        reverse("admin:routing_routermodel_changelist"),
        {"action": "activate", ACTION_CHECKBOX_NAME: [category_router.pk]},
    )
    assert response.status_code == 302
    assert selectors.active_router(Kind.CATEGORY) == category_router
    assert RouterModel.objects.filter(is_active=True).count() == 1
