"""Handling alerts: acknowledge, act, close, escalation when nobody acknowledges, the leaders told."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.early_warnings import selectors, services
from xinfang.early_warnings.models import Alert, AlertEvent
from xinfang.early_warnings.tests.conftest import ELECTION, START, petition_by
from xinfang.notifications.models import Notification
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.tests.factories import act, register
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def _alert(street: Any, unit: Any = None, **kw: Any) -> Alert:
    case = petition_by(street, 1, ELECTION[0], START)
    return services.alert_raise(
        kind=Alert.Kind.COLLECTIVE,
        severity=Alert.Severity.MEDIUM,
        owner_unit_id=(unit or street.lakeside).pk,
        summary="5 人在 7 天内就同一事项信访：业委会换届",
        petition_ids=[case.pk],
        people_ids=[case.petitioner_id],
        now=kw.get("now", NOON),
    )


def test_acknowledging_an_alert_records_who_and_when_with_an_event_and_an_audit_row(
    street: Any,
) -> None:
    alert = _alert(street)
    services.alert_acknowledge(actor=street.community_leader, alert_id=alert.pk)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == street.community_leader
    assert list(alert.events.values_list("action", flat=True)) == ["raise", "acknowledge"]
    assert AuditEntry.objects.filter(object_type="alert", object_id=str(alert.pk)).count() == 2


def test_an_alert_is_acknowledged_once(street: Any) -> None:
    alert = _alert(street)
    services.alert_acknowledge(actor=street.handler, alert_id=alert.pk)
    with pytest.raises(ValidationFailed, match="已签收"):
        services.alert_acknowledge(actor=street.leader, alert_id=alert.pk)


def test_acting_needs_a_note_and_acknowledges_an_open_alert(street: Any) -> None:
    alert = _alert(street)
    with pytest.raises(ValidationFailed, match="请填写说明"):
        services.alert_act(actor=street.handler, alert_id=alert.pk, note="  ")
    services.alert_act(actor=street.handler, alert_id=alert.pk, note="已约谈业委会筹备组")
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == (Alert.Status.ACTING, street.handler)
    assert alert.events.last().note == "已约谈业委会筹备组"


def test_closing_needs_a_note_and_a_closed_alert_takes_no_further_step(street: Any) -> None:
    alert = _alert(street)
    with pytest.raises(ValidationFailed):
        services.alert_close(actor=street.leader, alert_id=alert.pk, note="")
    services.alert_close(actor=street.leader, alert_id=alert.pk, note="已重新公示候选人名单")
    alert.refresh_from_db()
    assert (alert.status, alert.close_note) == (Alert.Status.CLOSED, "已重新公示候选人名单")
    with pytest.raises(ValidationFailed, match="已关闭"):
        services.alert_act(actor=street.leader, alert_id=alert.pk, note="再次处置")


def test_the_auditor_may_read_but_not_handle_an_alert(street: Any) -> None:
    alert = _alert(street)
    assert selectors.access_alert(street.auditor, alert.pk) == alert
    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(actor=street.auditor, alert_id=alert.pk)


def test_another_communitys_alert_is_not_found_for_viewing_or_handling(street: Any) -> None:
    alert = _alert(street)
    with pytest.raises(NotFound):
        selectors.access_alert(street.other_handler, alert.pk)
    with pytest.raises(NotFound):
        services.alert_acknowledge(actor=street.other_handler, alert_id=alert.pk)
    assert list(selectors.alerts_for_user(street.leader)) == [alert]


def test_an_unacknowledged_alert_goes_to_the_unit_above_after_the_stated_hours(
    street: Any,
) -> None:
    alert = _alert(street)
    assert services.alerts_escalate(now=NOON + dt.timedelta(hours=23, minutes=59)) == []
    assert services.alerts_escalate(now=NOON + dt.timedelta(hours=24)) == [alert]
    alert.refresh_from_db()
    assert alert.escalated_to == street.street
    assert alert.owner_unit == street.lakeside  # the community keeps it
    # As long again, and it goes further up; at the top of the tree it stays.
    assert services.alerts_escalate(now=NOON + dt.timedelta(hours=30)) == []
    services.alerts_escalate(now=NOON + dt.timedelta(hours=48))
    alert.refresh_from_db()
    assert alert.escalated_to == street.district
    assert services.alerts_escalate(now=NOON + dt.timedelta(hours=100)) == []
    assert alert.events.filter(action=AlertEvent.Action.ESCALATE).count() == 2


def test_the_escalation_time_is_the_offices_to_set_and_never_zero(street: Any) -> None:
    services.thresholds_update(min_people=5, window_days=7, escalate_after_hours=2)
    alert = _alert(street)
    assert services.alerts_escalate(now=NOON + dt.timedelta(hours=2)) == [alert]
    with pytest.raises(ValidationFailed, match="至少为 1 小时"):
        services.thresholds_update(min_people=5, window_days=7, escalate_after_hours=0)


def test_an_acknowledged_alert_is_not_escalated(street: Any) -> None:
    alert = _alert(street)
    services.alert_acknowledge(actor=street.handler, alert_id=alert.pk)
    assert services.alerts_escalate(now=NOON + dt.timedelta(days=3)) == []


def test_the_owner_units_leaders_are_mailed_when_raised_and_the_unit_above_when_escalated(
    street: Any,
) -> None:
    street.community_leader.email = "cleader@example.cn"
    street.community_leader.save()
    street.leader.email = "leader@example.cn"
    street.leader.save()
    street.handler.email = "handler@example.cn"  # not a leader: not told
    street.handler.save()
    alert = _alert(street)
    assert list(Notification.objects.values_list("to", "purpose")) == [
        ("cleader@example.cn", "alert")
    ]
    assert alert.summary in Notification.objects.get().text
    services.alerts_escalate(now=NOON + dt.timedelta(hours=25))
    assert Notification.objects.filter(to="leader@example.cn", purpose="alert").count() == 1


def test_a_forming_collective_petition_raises_an_event_and_tells_the_leaders(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Cases not yet assigned belong to the registering office: the street's leaders hear.
    street.leader.email = "leader@example.cn"
    street.leader.save()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(6):
            petition_by(street, i, ELECTION[i], START + dt.timedelta(days=i))
    alert = Alert.objects.get()
    assert list(alert.events.values_list("action", flat=True)) == ["raise", "grow"]
    assert list(Notification.objects.values_list("to", flat=True)) == ["leader@example.cn"]


def test_the_header_counts_the_open_alerts_of_the_users_units_in_one_query(
    street: Any, client: Any, django_assert_num_queries: Any
) -> None:
    _alert(street)
    closed = _alert(street)
    services.alert_close(actor=street.leader, alert_id=closed.pk, note="已化解")
    with django_assert_num_queries(1):  # the count (the unit tree is kept in memory)
        assert selectors.open_alert_count(street.handler) == 1
    assert selectors.open_alert_count(street.other_handler) == 0
    client.force_login(street.handler)
    page = client.get(reverse("petitions:workbench")).content.decode()
    assert "data-open-alerts>1</b>" in page


def test_the_alert_list_filters_by_status_and_shows_only_the_users_units(
    street: Any, client: Any
) -> None:
    mine = _alert(street)
    theirs = _alert(street, unit=street.yashiyuan)
    services.alert_close(actor=street.leader, alert_id=theirs.pk, note="已化解")
    client.force_login(street.handler)
    page = client.get(reverse("early_warnings:alert_list")).content.decode()
    assert f'data-alert="{mine.pk}"' in page and f'data-alert="{theirs.pk}"' not in page
    client.force_login(street.leader)
    page = client.get(reverse("early_warnings:alert_list"), {"status": "active"}).content
    assert f'data-alert="{mine.pk}"'.encode() in page
    assert f'data-alert="{theirs.pk}"'.encode() not in page
    bad = client.get(reverse("early_warnings:alert_list"), {"raised_from": "3000-01-01"})
    assert bad.status_code == 400


def test_the_alert_page_hides_who_complained_from_the_accused_unit(
    street: Any, client: Any
) -> None:
    accused = register(
        street.registrar,
        title="举报社区干部",
        content="湖滨花园社区干部不作为",
        accused="湖滨花园社区",
        accused_unit_id=street.lakeside.pk,
        community_id=street.lakeside.pk,
        petitioners=[PetitionerData(name="秘举报", phone="13911112222")],
    )
    accused = act(accused, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk})
    alert = services.alert_raise(
        kind=Alert.Kind.COLLECTIVE,
        severity=Alert.Severity.HIGH,
        owner_unit_id=street.lakeside.pk,
        summary="同一事项多人信访",
        petition_ids=[accused.pk],
        people_ids=[accused.petitioner_id],
    )
    client.force_login(street.handler)
    page = client.get(alert.get_absolute_url()).content.decode()
    assert accused.number in page and "秘举报" not in page and "13911112222" not in page
    assert "依规定不显示" in page
    client.force_login(street.leader)
    assert "秘举报" in client.get(alert.get_absolute_url()).content.decode()


def test_acknowledging_from_the_page_returns_to_it_with_a_message(street: Any, client: Any) -> None:
    alert = _alert(street)
    client.force_login(street.community_leader)
    done = client.post(reverse("early_warnings:alert_acknowledge", args=[alert.pk]), follow=True)
    assert "已签收" in done.content.decode()
    refused = client.post(reverse("early_warnings:alert_close", args=[alert.pk]), follow=True)
    assert "请填写说明" in refused.content.decode()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED
