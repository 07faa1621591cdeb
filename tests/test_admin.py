"""Every admin page of reference data opens and saves through the services (checked and
audited); the records kept by services stay read-only."""

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from xinfang.accounts.models import User
from xinfang.common.models import AuditEntry
from xinfang.organization.models import Unit
from xinfang.organization.tests.factories import UnitFactory, UserFactory
from xinfang.petitions import limits
from xinfang.petitions.models import Category, TimeLimitRule
from xinfang.petitions.selectors import petitions_for_user
from xinfang.petitions.tests.factories import accepted, drive, register
from xinfang.petitions.workflow import Action, Status

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


def _admin(street: Any) -> Client:
    client = Client()
    client.force_login(street.admin)
    return client


def _unit_form(unit: Unit, **changes: Any) -> dict[str, Any]:
    data = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "leader": unit.leader_id or "",
        "residents": unit.residents or "",
        "sort": unit.sort,
    }
    return {**data, **changes}


def _visible(user: Any) -> set[int]:
    # A fresh user, as a request loads it: their unit's path as it is now.
    fresh = User.objects.select_related("unit").get(pk=user.pk)
    return set(petitions_for_user(fresh).values_list("pk", flat=True))


def test_moving_a_community_in_the_admin_moves_its_cases_and_units_below_with_it(
    street: Any,
) -> None:
    grid = UnitFactory(name="湖滨第一网格", kind=Unit.Kind.DEPARTMENT, parent=street.lakeside)
    other_street = UnitFactory(name="YY街道", kind=Unit.Kind.STREET, parent=street.district)
    other_registrar = UserFactory(role="registrar", unit=other_street)
    at_lakeside = accepted(street, "lakeside")
    at_grid = drive(
        register(street.registrar), street, (Action.ACCEPT, {"handling_unit": grid.pk}, "registrar")
    )
    at_yashiyuan = accepted(street, "yashiyuan")
    assert _visible(street.handler) == {at_lakeside.pk, at_grid.pk}

    response = _admin(street).post(
        reverse("admin:organization_unit_change", args=[street.lakeside.pk]),
        _unit_form(street.lakeside, parent=other_street.pk),
    )

    assert response.status_code == 302
    lakeside_path = f"{other_street.path}{street.lakeside.pk}/"
    assert Unit.objects.get(pk=street.lakeside.pk).path == lakeside_path
    assert Unit.objects.get(pk=grid.pk).path == f"{lakeside_path}{grid.pk}/"
    assert _visible(street.handler) == {at_lakeside.pk, at_grid.pk}
    assert _visible(other_registrar) == {at_lakeside.pk, at_grid.pk}
    assert _visible(street.registrar) == {at_yashiyuan.pk}
    entry = AuditEntry.objects.get(object_type="unit", object_id=str(street.lakeside.pk))
    assert entry.actor == street.admin
    assert entry.summary == "移动单位“湖滨花园社区”：XX街道 → YY街道"


def test_moving_a_unit_under_its_own_descendant_in_the_admin_shows_why_and_saves_nothing(
    street: Any,
) -> None:
    grid = UnitFactory(name="湖滨第一网格", kind=Unit.Kind.DEPARTMENT, parent=street.lakeside)
    paths = dict(Unit.objects.values_list("pk", "path"))
    for below in (grid, street.lakeside):
        response = _admin(street).post(
            reverse("admin:organization_unit_change", args=[street.street.pk]),
            _unit_form(street.street, parent=below.pk),
        )
        assert response.status_code == 200
        assert "不能将单位“XX街道”移到其自身或其下级单位" in response.content.decode()
    assert dict(Unit.objects.values_list("pk", "path")) == paths
    assert Unit.objects.get(pk=street.street.pk).parent == street.district
    assert not AuditEntry.objects.filter(object_type="unit").exists()


def test_units_added_edited_and_deleted_in_the_admin_are_audited(street: Any) -> None:
    client = _admin(street)
    add = _unit_form(street.lakeside, name="桃源里社区", parent=street.street.pk)
    assert client.post(reverse("admin:organization_unit_add"), add).status_code == 302
    unit = Unit.objects.get(name="桃源里社区")
    assert unit.path == f"{street.street.path}{unit.pk}/"
    change = reverse("admin:organization_unit_change", args=[unit.pk])
    assert client.post(change, _unit_form(unit, residents=3200)).status_code == 302
    delete = reverse("admin:organization_unit_delete", args=[unit.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    rows = AuditEntry.objects.filter(object_type="unit", object_id=str(unit.pk)).order_by("id")
    assert [(r.kind, r.fields, r.actor) for r in rows] == [
        (AuditEntry.Kind.CREATE, ["name", "kind", "parent", "sort"], street.admin),
        (AuditEntry.Kind.CHANGE, ["residents"], street.admin),
        (AuditEntry.Kind.CHANGE, [], street.admin),
    ]
    assert rows[2].summary == "删除单位“桃源里社区”，原上级：XX街道"


def test_a_category_edited_in_the_admin_is_audited(street: Any) -> None:
    category = Category.objects.filter(parent__isnull=False).first()
    assert category is not None and category.parent is not None
    response = _admin(street).post(
        reverse("admin:petitions_category_change", args=[category.pk]),
        {
            "name": category.name,
            "parent": category.parent_id,
            "legal_channel": category.legal_channel,
            "sort": category.sort,
            "is_active": "",
        },
    )
    assert response.status_code == 302
    assert not Category.objects.get(pk=category.pk).is_active
    entry = AuditEntry.objects.get(object_type="category", object_id=str(category.pk))
    assert (entry.actor, entry.fields) == (street.admin, ["is_active"])


def _time_limit_form(rule: TimeLimitRule, days: int) -> dict[str, Any]:
    return {"key": rule.key, "days": days, "working_days": "on" if rule.working_days else ""}


def test_a_time_limit_edited_in_the_admin_is_audited_from_either_screen(street: Any) -> None:
    client = _admin(street)
    rule = TimeLimitRule.objects.get(key=TimeLimitRule.Key.HANDLE)
    change = reverse("admin:petitions_timelimitrule_change", args=[rule.pk])
    assert client.post(change, _time_limit_form(rule, 45)).status_code == 302
    changelist = client.post(
        reverse("admin:petitions_timelimitrule_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": rule.pk,
            "form-0-days": "50",
            "_save": "保存",
        },
    )
    assert changelist.status_code == 302
    rows = AuditEntry.objects.filter(object_type="timelimitrule").order_by("id")
    assert [r.summary.rsplit("：", 1)[-1] for r in rows] == ["天数 60→45", "天数 45→50"]
    assert limits.time_limits()[TimeLimitRule.Key.HANDLE].days == 50


def test_an_extension_limit_above_the_constraint_is_refused_in_the_admin_and_a_lower_one_works(
    street: Any,
) -> None:
    client = _admin(street)
    rule = TimeLimitRule.objects.get(key=TimeLimitRule.Key.EXTENSION_MAX)
    change = reverse("admin:petitions_timelimitrule_change", args=[rule.pk])
    response = client.post(change, _time_limit_form(rule, 31))
    assert response.status_code == 200
    assert "延期最长天数须在1至30日之间" in response.content.decode()
    changelist = client.post(
        reverse("admin:petitions_timelimitrule_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": rule.pk,
            "form-0-days": "60",
            "_save": "保存",
        },
    )
    assert changelist.status_code == 200
    assert "延期最长天数须在1至30日之间" in changelist.content.decode()
    assert TimeLimitRule.objects.get(pk=rule.pk).days == 30
    assert not AuditEntry.objects.filter(object_type="timelimitrule").exists()

    assert client.post(change, _time_limit_form(rule, 20)).status_code == 302
    extension = {"days": 20, "reason": "需等待房屋安全鉴定结果"}
    petition = drive(
        accepted(street),
        street,
        (Action.REQUEST_EXTENSION, extension, "handler"),
        (Action.APPROVE_EXTENSION, {}, "community_leader"),
    )
    assert (petition.status, petition.extension_days) == (Status.HANDLING, 20)
