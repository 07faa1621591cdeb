"""The registers: disputes, key persons and sensitive periods, scoped by unit, audited."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.early_warnings import rules, selectors, services
from xinfang.early_warnings.models import Alert, Dispute, KeyPerson
from xinfang.early_warnings.tests.conftest import ELECTION, START, petition_by
from xinfang.petitions.tests.factories import travel

pytestmark = pytest.mark.django_db


def _dispute(street: Any, **kw: Any) -> dict[str, Any]:
    return {
        "title": "湖滨花园业委会换届争议",
        "kind": "committee",
        "place": "湖滨花园小区",
        "parties": "部分业主；业委会筹备组",
        "people_involved": 40,
        "risk_level": "high",
        "risk_reason": "老访户可能被煽动，换届日期临近",
        "measures": "",
        "status": "open",
        "owner_unit_id": street.lakeside.pk,
        "cadre_id": street.handler.pk,
        **kw,
    }


def _person(street: Any, **kw: Any) -> dict[str, Any]:
    return {
        "name": "王某",
        "reason": "organiser",
        "reason_note": "",
        "level": "close",
        "owner_unit_id": street.lakeside.pk,
        "cadre_id": street.handler.pk,
        "cadence_days": 14,
        **kw,
    }


def test_a_dispute_with_no_owner_is_refused_with_its_reason(street: Any) -> None:
    with pytest.raises(ValidationFailed, match="责任单位") as refused:
        services.dispute_save(actor=street.handler, data=_dispute(street, owner_unit_id=None))
    assert refused.value.field == "owner_unit"
    assert not Dispute.objects.exists()


def test_a_dispute_may_not_be_owned_by_a_unit_outside_the_users(street: Any) -> None:
    with pytest.raises(ValidationFailed, match="下级单位"):
        services.dispute_save(
            actor=street.handler, data=_dispute(street, owner_unit_id=street.yashiyuan.pk)
        )


def test_a_dispute_is_seen_within_its_owners_subtree_and_audited(street: Any) -> None:
    dispute = services.dispute_save(actor=street.handler, data=_dispute(street))
    assert AuditEntry.objects.filter(object_type="dispute", kind="create").count() == 1
    assert list(selectors.disputes_for_user(street.leader)) == [dispute]
    with pytest.raises(NotFound):
        selectors.access_dispute(street.other_handler, dispute.pk)


def test_a_disputes_status_moves_only_forward(street: Any) -> None:
    dispute = services.dispute_save(actor=street.handler, data=_dispute(street))
    services.dispute_save(
        actor=street.handler, dispute_id=dispute.pk, data=_dispute(street, status="resolving")
    )
    services.dispute_save(
        actor=street.handler, dispute_id=dispute.pk, data=_dispute(street, status="resolved")
    )
    with pytest.raises(ValidationFailed, match="不能从"):
        services.dispute_save(
            actor=street.handler, dispute_id=dispute.pk, data=_dispute(street, status="open")
        )


def test_a_screening_visit_and_a_linked_case_the_user_sees_are_recorded(street: Any) -> None:
    dispute = services.dispute_save(actor=street.leader, data=_dispute(street))
    services.dispute_visit_add(
        actor=street.leader,
        dispute_id=dispute.pk,
        on=dt.date(2026, 3, 1),
        visitor="网格员李四",
        findings="业主群情绪激烈",
    )
    case = petition_by(street, 1, ELECTION[0], START)
    services.dispute_link_petition(actor=street.leader, dispute_id=dispute.pk, number=case.number)
    assert dispute.visits.get().visitor == "网格员李四"
    assert list(dispute.petitions.all()) == [case]
    # The community handler does not see the street office's case: it cannot link it.
    with pytest.raises(NotFound):
        services.dispute_link_petition(
            actor=street.handler, dispute_id=dispute.pk, number=case.number
        )


def test_the_auditor_reads_the_registers_but_writes_none(street: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.dispute_save(actor=street.auditor, data=_dispute(street))


def test_a_contact_cadence_of_zero_days_is_refused_with_its_reason(street: Any) -> None:
    with pytest.raises(ValidationFailed, match="至少为 1 天") as refused:
        services.key_person_save(actor=street.handler, data=_person(street, cadence_days=0))
    assert refused.value.field == "cadence_days"


def test_an_overdue_contact_raises_one_alert_and_a_contact_clears_the_next(street: Any) -> None:
    with travel(dt.date(2026, 3, 1)):
        person = services.key_person_save(actor=street.handler, data=_person(street))
    assert services.key_persons_check_contacts(today=dt.date(2026, 3, 15)) == []
    (alert,) = services.key_persons_check_contacts(today=dt.date(2026, 3, 16))
    assert (alert.kind, alert.key_person, alert.owner_unit) == (
        Alert.Kind.CONTACT_OVERDUE,
        person,
        street.lakeside,
    )
    assert services.key_persons_check_contacts(today=dt.date(2026, 3, 17)) == []  # not twice
    services.alert_close(actor=street.handler, alert_id=alert.pk, note="已走访")
    with travel(dt.date(2026, 3, 17)):
        services.key_person_contact_add(
            actor=street.handler,
            person_id=person.pk,
            on=dt.date(2026, 3, 17),
            how="走访",
            note="情绪平稳",
        )
    assert services.key_persons_check_contacts(today=dt.date(2026, 3, 31)) == []
    assert len(services.key_persons_check_contacts(today=dt.date(2026, 4, 1))) == 1


def test_three_petitions_in_ninety_days_propose_the_petitioner_for_a_person_to_confirm(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for day in (START, START + dt.timedelta(days=40)):
            petition_by(street, 7, ELECTION[0], day)
    assert not KeyPerson.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        petition_by(street, 7, UNRELATED_TEXT, START + dt.timedelta(days=89))
    person = KeyPerson.objects.get()
    assert (person.status, person.reason, person.name) == ("proposed", "repeat", "居民7")
    assert person.owner_unit == street.street  # the office that registered them
    services.key_person_confirm(actor=street.registrar, person_id=person.pk, keep=True)
    person.refresh_from_db()
    assert person.status == KeyPerson.Status.CONFIRMED


UNRELATED_TEXT = "邻居装修噪音影响休息，多次协商未果。"


def test_three_petitions_spread_over_more_than_ninety_days_propose_nobody() -> None:
    days = [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 4, 1)]
    assert not rules.is_repeat_petitioner(days, dt.date(2026, 4, 1))
    assert rules.is_repeat_petitioner([*days[1:], dt.date(2026, 3, 1)], dt.date(2026, 4, 1))


def test_a_period_ending_before_it_starts_is_refused_with_its_reason(street: Any) -> None:
    data = {
        "name": "春节",
        "starts_on": dt.date(2026, 2, 20),
        "ends_on": dt.date(2026, 2, 10),
        "level": "raised",
        "note": "",
    }
    with pytest.raises(ValidationFailed, match="不能早于开始日期") as refused:
        services.period_save(actor=street.registrar, data=data)
    assert refused.value.field == "ends_on"
    with pytest.raises(PermissionDenied):
        services.period_save(actor=street.handler, data=data | {"ends_on": dt.date(2026, 2, 28)})


def test_during_a_sensitive_period_four_people_make_a_forming_collective_petition(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.period_save(
        actor=street.registrar,
        data={
            "name": "业委会换届选举",
            "starts_on": START,
            "ends_on": START + dt.timedelta(days=30),
            "level": "raised",
            "note": "",
        },
    )
    assert selectors.limits_in_force(START).min_people == 4
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(4):
            petition_by(street, i, ELECTION[i], START + dt.timedelta(days=i))
    assert Alert.objects.filter(kind=Alert.Kind.COLLECTIVE).count() == 1


def test_the_thresholds_tighten_by_the_periods_level_never_below_two_people() -> None:
    assert rules.limits_in_force(5, 7, "") == rules.Limits(5, 7, rules.SURGE_P)
    raised, high = rules.limits_in_force(5, 7, "raised"), rules.limits_in_force(2, 7, "high")
    assert (raised.min_people, raised.window_days) == (4, 10)
    assert (high.min_people, high.window_days) == (2, 14)


def test_the_workbench_says_when_a_sensitive_period_is_in_force(street: Any, client: Any) -> None:
    client.force_login(street.handler)
    assert "sensitive-period" not in client.get(reverse("petitions:workbench")).content.decode()
    with travel(dt.date(2026, 3, 5)):
        services.period_save(
            actor=street.registrar,
            data={
                "name": "全国两会",
                "starts_on": dt.date(2026, 3, 1),
                "ends_on": dt.date(2026, 3, 15),
                "level": "high",
                "note": "",
            },
        )
        page = client.get(reverse("petitions:workbench")).content.decode()
    assert "全国两会" in page and "3 人" in page


def test_the_dispute_form_refuses_a_missing_owner_and_saves_a_whole_one(
    street: Any, client: Any
) -> None:
    client.force_login(street.handler)
    data = {k.removesuffix("_id"): v for k, v in _dispute(street).items()}
    refused = client.post(reverse("early_warnings:dispute_create"), data | {"owner_unit": ""})
    assert refused.status_code == 400 and "责任单位" in refused.content.decode()
    saved = client.post(reverse("early_warnings:dispute_create"), data)
    dispute = Dispute.objects.get()
    assert saved["Location"] == dispute.get_absolute_url()
    page = client.get(dispute.get_absolute_url()).content.decode()
    assert "老访户可能被煽动" in page
    listing = client.get(reverse("early_warnings:dispute_list")).content.decode()
    assert f'data-dispute="{dispute.pk}"' in listing


def test_the_key_person_form_refuses_a_cadence_of_zero_days(street: Any, client: Any) -> None:
    client.force_login(street.handler)
    data = {k.removesuffix("_id"): v for k, v in _person(street, cadence_days=0).items()}
    refused = client.post(reverse("early_warnings:key_person_create"), data)
    assert refused.status_code == 400 and "至少为 1 天" in refused.content.decode()


def test_a_key_person_petitioning_in_a_sensitive_period_raises_one_alert_for_the_period(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = petition_by(street, 3, ELECTION[0], START - dt.timedelta(days=30))
    person = services.key_person_save(
        actor=street.registrar, data=_person(street, owner_unit_id=street.street.pk)
    )
    KeyPerson.objects.filter(pk=person.pk).update(petitioner_id=first.petitioner_id)
    services.period_save(
        actor=street.registrar,
        data={"name": "春节", "starts_on": START, "ends_on": START + dt.timedelta(days=10),
              "level": "raised", "note": ""},
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        petition_by(street, 3, UNRELATED_TEXT, START + dt.timedelta(days=1))
        petition_by(street, 3, UNRELATED_TEXT + "再次", START + dt.timedelta(days=2))
    alert = Alert.objects.get(kind=Alert.Kind.SENSITIVE)
    assert alert.key_person_id == person.pk and alert.petitions.count() == 2
    assert "居民3" not in alert.summary and "春节" in alert.summary


def test_a_party_to_a_high_risk_dispute_petitioning_in_a_sensitive_period_is_alerted(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    earlier = petition_by(street, 4, ELECTION[0], START - dt.timedelta(days=30))
    dispute = services.dispute_save(
        actor=street.leader, data=_dispute(street, owner_unit_id=street.street.pk)
    )
    services.dispute_link_petition(
        actor=street.leader, dispute_id=dispute.pk, number=earlier.number
    )
    with django_capture_on_commit_callbacks(execute=True):
        petition_by(street, 4, UNRELATED_TEXT, START)  # no period yet: nothing
    assert not Alert.objects.filter(kind=Alert.Kind.SENSITIVE).exists()
    services.period_save(
        actor=street.registrar,
        data={"name": "两会", "starts_on": START, "ends_on": START + dt.timedelta(days=10),
              "level": "high", "note": ""},
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        petition_by(street, 4, UNRELATED_TEXT + "再次", START + dt.timedelta(days=1))
    assert Alert.objects.get(kind=Alert.Kind.SENSITIVE).dispute == dispute


def test_the_months_screening_shows_the_communities_that_reported_nothing(
    street: Any, client: Any
) -> None:
    with travel(dt.date(2026, 3, 20)):
        dispute = services.dispute_save(actor=street.leader, data=_dispute(street))
        services.dispute_visit_add(
            actor=street.leader,
            dispute_id=dispute.pk,
            on=dt.date(2026, 3, 18),
            visitor="网格员",
            findings="情绪稳定",
        )
    rows = {r.unit: r for r in selectors.screening_month(street.leader, dt.date(2026, 3, 1))}
    assert (rows[street.lakeside].visits, rows[street.lakeside].high_risk) == (1, 1)
    assert not rows[street.yashiyuan].reported
    client.force_login(street.leader)
    page = client.get(reverse("early_warnings:screening"), {"month": "2026-03"}).content.decode()
    assert "1 个社区本月未上报" in page and "未上报" in page
    assert client.get(reverse("early_warnings:screening"), {"month": "x"}).status_code == 200


def test_a_key_project_gathers_its_disputes_cases_and_people_on_one_page(
    street: Any, client: Any
) -> None:
    with pytest.raises(ValidationFailed, match="责任单位"):
        services.project_save(
            actor=street.leader,
            data={"name": "城中村改造", "description": "", "started_on": START},
        )
    project = services.project_save(
        actor=street.leader,
        data={
            "name": "城中村改造",
            "description": "",
            "started_on": START,
            "owner_unit_id": street.street.pk,
        },
    )
    services.dispute_save(
        actor=street.leader,
        data=_dispute(street, title="拆迁补偿争议", project_id=project.pk, people_involved=30),
    )
    services.key_person_save(actor=street.leader, data=_person(street, project_id=project.pk))
    case = petition_by(street, 1, UNRELATED_TEXT, START + dt.timedelta(days=3))
    services.project_link_petition(actor=street.leader, project_id=project.pk, number=case.number)
    page = selectors.project_page(street.leader, project)
    assert (len(page.petitions), page.open_petitions, page.people_involved) == (1, 1, 30)
    # Newest first: the dispute was entered today, after the March case and the start.
    assert [what for _d, what, _t, _l in page.timeline] == ["矛盾纠纷", "信访", "项目开始"]
    # The community's handler sees neither the street's project nor can they attach to it.
    with pytest.raises(ValidationFailed, match="重点项目"):
        services.dispute_save(actor=street.handler, data=_dispute(street, project_id=project.pk))
    client.force_login(street.leader)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "拆迁补偿争议" in html and case.number in html and "王某" in html
