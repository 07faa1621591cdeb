"""The user and token admin: changes of role, unit, flags and password are audited; tokens are only revoked."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xinfang.accounts.models import ApiToken, User
from xinfang.common.models import AuditEntry

pytestmark = pytest.mark.django_db


def _admin(street: Any) -> Client:
    client = Client()
    client.force_login(street.admin)
    return client


def _change_form(user: User, **changes: Any) -> dict[str, Any]:
    """Return the admin change form's POST for `user` as stored, with `changes` applied."""
    data: dict[str, Any] = {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "unit": user.unit_id or "",
        "is_active": "on" if user.is_active else "",
    }
    return {k: v for k, v in (data | changes).items() if v != ""}


def test_changing_a_users_role_and_unit_in_the_admin_writes_an_audit_entry(street: Any) -> None:
    handler = street.handler
    url = reverse("admin:accounts_user_change", args=[handler.pk])
    response = _admin(street).post(
        url,
        _change_form(handler, role="unit_leader", unit=street.yashiyuan.pk),
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    handler.refresh_from_db()
    assert (handler.role, handler.unit) == ("unit_leader", street.yashiyuan)
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.CHANGE, object_type="user")
    assert (entry.actor, entry.object_id, entry.ip) == (street.admin, str(handler.pk), "10.1.2.3")
    assert set(entry.fields) == {"role", "unit"}
    assert "承办人 → 单位负责人" in entry.summary and "湖滨花园社区 → 雅仕苑社区" in entry.summary


def test_deactivating_a_user_in_the_admin_is_audited_and_ends_their_tokens(street: Any) -> None:
    token = ApiToken.issue(street.handler)
    client = _admin(street)
    url = reverse("admin:accounts_user_change", args=[street.handler.pk])
    assert client.post(url, _change_form(street.handler, is_active="")).status_code == 302
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.CHANGE, object_type="user")
    assert entry.fields == ["is_active"] and "是 → 否" in entry.summary
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_saving_the_user_form_unchanged_writes_no_audit_entry(street: Any) -> None:
    url = reverse("admin:accounts_user_change", args=[street.handler.pk])
    assert _admin(street).post(url, _change_form(street.handler)).status_code == 302
    assert not AuditEntry.objects.filter(object_type="user", kind=AuditEntry.Kind.CHANGE).exists()


def test_adding_a_user_in_the_admin_is_audited(street: Any) -> None:
    url = reverse("admin:accounts_user_add")
    body = {
        "username": "newcomer",
        "usable_password": "true",
        "password1": "a-long-new-password",
        "password2": "a-long-new-password",
    }
    assert _admin(street).post(url, body).status_code == 302
    newcomer = User.objects.get(username="newcomer")
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.CREATE, object_type="user")
    assert (entry.actor, entry.object_id) == (street.admin, str(newcomer.pk))
    assert "role" in entry.fields


def test_a_password_changed_in_the_admin_is_audited_and_ends_the_old_tokens(street: Any) -> None:
    token = ApiToken.issue(street.handler)
    client = _admin(street)
    url = reverse("admin:auth_user_password_change", args=[street.handler.pk])
    body = {
        "usable_password": "true",
        "password1": "a-long-new-password",
        "password2": "a-long-new-password",
    }
    assert client.post(url, body).status_code == 302
    street.handler.refresh_from_db()
    assert street.handler.check_password("a-long-new-password")
    entry = AuditEntry.objects.get(object_type="user", kind=AuditEntry.Kind.CHANGE)
    assert (entry.actor, entry.fields) == (street.admin, ["password"])
    assert ApiToken.objects.get(digest=ApiToken.hash(token)).revoked_at is not None
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_a_mismatched_password_in_the_admin_changes_nothing(street: Any) -> None:
    url = reverse("admin:auth_user_password_change", args=[street.handler.pk])
    body = {"usable_password": "true", "password1": "a-long-new-password", "password2": "other"}
    assert _admin(street).post(url, body).status_code == 200
    street.handler.refresh_from_db()
    assert street.handler.check_password("pw-for-tests")
    assert not AuditEntry.objects.filter(object_type="user", kind=AuditEntry.Kind.CHANGE).exists()


def test_the_token_list_opens_without_digests_and_its_action_revokes(street: Any) -> None:
    token = ApiToken.issue(street.handler)
    row = ApiToken.objects.get(digest=ApiToken.hash(token))
    client = _admin(street)
    listing = client.get(reverse("admin:accounts_apitoken_changelist"))
    assert listing.status_code == 200
    assert row.digest not in listing.content.decode() and "有效" in listing.content.decode()
    page = client.get(reverse("admin:accounts_apitoken_change", args=[row.pk]))
    assert page.status_code == 200 and row.digest not in page.content.decode()
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    entry = AuditEntry.objects.get(object_type="apitoken", kind=AuditEntry.Kind.CHANGE)
    assert (entry.actor, entry.fields) == (street.admin, ["revoked_at"])
    answer = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 401
