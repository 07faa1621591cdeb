"""Categories and time limits change through services: checked, audited, seen at once."""

from typing import Any

import pytest

from xinfang.common.errors import ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.petitions import limits, services
from xinfang.petitions.models import EXTENSION_DAYS_MAX, Category, TimeLimitRule
from xinfang.petitions.tests.factories import accepted, drive, register
from xinfang.petitions.workflow import Action, Status

pytestmark = pytest.mark.django_db
K = TimeLimitRule.Key


def _rule(key: str) -> TimeLimitRule:
    return TimeLimitRule.objects.get(key=key)


def _extend(street: Any, days: int) -> Any:
    request = (Action.REQUEST_EXTENSION, {"days": days, "reason": "需等待鉴定"}, "handler")
    return drive(accepted(street), street, request)


def test_every_seeded_time_limit_passes_the_checks() -> None:
    for rule in TimeLimitRule.objects.all():
        rule.full_clean()


@pytest.mark.parametrize(
    ("key", "days", "working_days", "field"),
    [
        (K.EXTENSION_MAX, EXTENSION_DAYS_MAX + 1, False, "days"),
        (K.EXTENSION_MAX, 0, False, "days"),
        (K.EXTENSION_MAX, 20, True, "working_days"),
        (K.HANDLE, 0, False, "days"),
        (K.ROUTE, 366, False, "days"),
    ],
)
def test_a_time_limit_the_workflow_or_the_database_cannot_honour_is_refused(
    street: Any, key: str, days: int, working_days: bool, field: str
) -> None:
    stored = _rule(key)
    rule = _rule(key)
    rule.days, rule.working_days = days, working_days
    with pytest.raises(ValidationFailed) as refused:
        services.time_limit_save(actor=street.admin, rule=rule)
    assert refused.value.field == field
    fresh = _rule(key)
    assert (fresh.days, fresh.working_days) == (stored.days, stored.working_days)
    assert not AuditEntry.objects.filter(object_type="timelimitrule").exists()


def test_an_extension_above_the_constraint_cannot_be_requested_at_any_limit(street: Any) -> None:
    # The request is checked against the rule; the rule cannot pass the constraint.
    rule = _rule(K.EXTENSION_MAX)
    rule.days = 45
    with pytest.raises(ValidationFailed, match="不得超过30日"):
        services.time_limit_save(actor=street.admin, rule=rule)
    with pytest.raises(ValidationFailed) as refused:
        _extend(street, 45)
    assert refused.value.field == "days"


def test_a_lowered_extension_limit_applies_at_once_and_its_approval_works(street: Any) -> None:
    assert limits.time_limits()[K.EXTENSION_MAX].days == 30
    rule = _rule(K.EXTENSION_MAX)
    rule.days = 20
    services.time_limit_save(actor=street.admin, rule=rule)
    assert limits.time_limits()[K.EXTENSION_MAX].days == 20
    with pytest.raises(ValidationFailed, match="不得超过20日"):
        _extend(street, 25)
    petition = drive(
        _extend(street, 20), street, (Action.APPROVE_EXTENSION, {}, "community_leader")
    )
    assert (petition.status, petition.extension_days) == (Status.HANDLING, 20)


def test_a_time_limit_change_is_audited_with_the_old_and_the_new_days(street: Any) -> None:
    rule = _rule(K.HANDLE)
    rule.days = 45
    services.time_limit_save(actor=street.admin, rule=rule, ip="10.0.0.8")
    entry = AuditEntry.objects.get(object_type="timelimitrule", object_id=str(rule.pk))
    assert (entry.kind, entry.actor, entry.ip) == (AuditEntry.Kind.CHANGE, street.admin, "10.0.0.8")
    assert entry.fields == ["days"]
    assert entry.summary == "修改办理时限“受理后办结：45日”：天数 60→45"


def test_saving_an_unchanged_time_limit_writes_no_audit_row(street: Any) -> None:
    services.time_limit_save(actor=street.admin, rule=_rule(K.HANDLE))
    assert not AuditEntry.objects.exists()


def test_a_deleted_time_limit_falls_back_to_its_statutory_default(street: Any) -> None:
    rule = _rule(K.ROUTE)
    rule.days = 10
    services.time_limit_save(actor=street.admin, rule=rule)
    assert limits.time_limits()[K.ROUTE].days == 10
    services.time_limit_delete(actor=street.admin, rule=_rule(K.ROUTE))
    assert limits.time_limits()[K.ROUTE].days == 15
    assert AuditEntry.objects.filter(object_type="timelimitrule").count() == 2


def test_a_new_category_is_audited_and_accepted_by_the_next_registration(street: Any) -> None:
    top = Category.objects.filter(parent__isnull=True).first()
    register(street.registrar)  # fills the memo of the category ids registration accepts
    category = services.category_save(
        actor=street.admin, category=Category(name="新增子类", parent=top)
    )
    petition = register(street.registrar, category_id=category.pk)
    assert petition.category == category
    entry = AuditEntry.objects.get(object_type="category", object_id=str(category.pk))
    assert entry.kind == AuditEntry.Kind.CREATE and "新增子类" in entry.summary


def test_a_category_change_is_audited_with_what_changed(street: Any) -> None:
    category = Category.objects.filter(parent__isnull=False).first()
    assert category is not None
    category.is_active = False
    services.category_save(actor=street.admin, category=category)
    entry = AuditEntry.objects.get(object_type="category", object_id=str(category.pk))
    assert entry.fields == ["is_active"]
    assert entry.summary.endswith("启用 是→否")


def test_a_category_stays_within_two_levels(street: Any) -> None:
    child = Category.objects.filter(parent__isnull=False).first()
    assert child is not None and child.parent is not None
    top = child.parent
    with pytest.raises(ValidationFailed, match="一级分类") as refused:
        services.category_save(actor=street.admin, category=Category(name="三级", parent=child))
    assert refused.value.field == "parent"
    other_top = Category.objects.filter(parent__isnull=True).exclude(pk=top.pk).first()
    top.parent = other_top
    with pytest.raises(ValidationFailed, match="已有子分类"):
        services.category_save(actor=street.admin, category=top)
    assert not Category.objects.filter(name="三级").exists()
    assert Category.objects.get(pk=top.pk).parent is None


def test_a_category_in_use_cannot_be_deleted(street: Any) -> None:
    petition = register(street.registrar)
    with pytest.raises(ValidationFailed, match="停用"):
        services.category_delete(actor=street.admin, category=petition.category)
    assert Category.objects.filter(pk=petition.category_id).exists()
    assert not AuditEntry.objects.filter(object_type="category").exists()
