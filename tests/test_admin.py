"""Every admin page of reference data opens; the records kept by services stay read-only."""

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db


def test_every_changelist_opens_for_the_administrator(street: Any) -> None:
    register(street.registrar)
    client = Client()
    client.force_login(street.admin)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_petitions_and_the_audit_log_cannot_be_edited_in_the_admin(street: Any) -> None:
    petition = register(street.registrar)
    client = Client()
    client.force_login(street.admin)
    assert client.get(reverse("admin:petitions_petition_add")).status_code == 403
    response = client.post(
        reverse("admin:petitions_petition_change", args=[petition.pk]), {"title": "改"}
    )
    petition.refresh_from_db()
    assert response.status_code in (200, 403) and petition.title != "改"
    assert client.get(reverse("admin:common_auditentry_add")).status_code == 403
