"""The alerts and registers through the API: scoped like the pages, the pages' field rules."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from xinfang.accounts.models import ApiToken
from xinfang.common import clock
from xinfang.early_warnings import selectors, services
from xinfang.early_warnings.models import Alert, Dispute, KeyPerson
from xinfang.early_warnings.tests.conftest import ELECTION, START, petition_by

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)}")


def _post(user: Any, path: str, body: dict[str, Any]) -> Any:
    return _client(user).post(f"/api/v1{path}", body, content_type="application/json")


def _alert(street: Any, unit: Any, **kw: Any) -> Alert:
    case = petition_by(street, 1, ELECTION[0], START)
    return services.alert_raise(
        kind=kw.pop("kind", Alert.Kind.COLLECTIVE),
        severity=kw.pop("severity", Alert.Severity.MEDIUM),
        owner_unit_id=unit.pk,
        summary=kw.pop("summary", "湖滨花园业委会换届"),
        petition_ids=[case.pk],
    )


def test_the_alert_list_is_scoped_like_the_page_and_filtered(street: Any) -> None:
    mine = _alert(street, street.lakeside, severity=Alert.Severity.HIGH)
    _alert(street, street.lakeside, kind=Alert.Kind.SURGE)
    theirs = _alert(street, street.yashiyuan)
    answer = _client(street.handler).get("/api/v1/alerts").json()
    assert answer["count"] == 2 and theirs.pk not in [a["id"] for a in answer["results"]]
    high = _client(street.handler).get("/api/v1/alerts", {"severity": "high", "kind": "collective"})
    assert [a["id"] for a in high.json()["results"]] == [mine.pk]
    assert high.json()["results"][0]["owner_unit"]["name"] == "湖滨花园社区"
    everyone = _client(street.leader).get("/api/v1/alerts", {"status": "open"}).json()
    assert everyone["count"] == 3


def test_a_filter_outside_its_choices_is_refused_with_the_field(street: Any) -> None:
    refused = _client(street.handler).get("/api/v1/alerts", {"status": "lost"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid" and "status" in refused.json()["fields"]


def test_an_alert_is_acknowledged_acted_on_and_closed_with_notes(street: Any) -> None:
    alert = _alert(street, street.lakeside)
    base = f"/alerts/{alert.pk}"
    done = _post(street.handler, f"{base}/acknowledge", {"note": "已知悉"})
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"
    empty = _post(street.handler, f"{base}/act", {"note": " "})
    assert empty.status_code == 400 and "note" in empty.json()["fields"]
    assert _post(street.handler, f"{base}/act", {"note": "已约谈"}).json()["status"] == "acting"
    closed = _post(street.handler, f"{base}/close", {"note": "已化解"}).json()
    assert (closed["status"], closed["close_note"]) == ("closed", "已化解")
    again = _post(street.handler, f"{base}/act", {"note": "再处置"})
    assert again.status_code == 400 and "已关闭" in again.json()["message"]
    actions = list(alert.events.values_list("action", flat=True))
    assert actions == ["raise", "acknowledge", "act", "close"]


def test_another_units_alert_answers_as_a_missing_one_and_the_auditor_writes_nothing(
    street: Any,
) -> None:
    theirs = _alert(street, street.yashiyuan)
    foreign = _post(street.handler, f"/alerts/{theirs.pk}/acknowledge", {"note": ""})
    missing = _post(street.handler, "/alerts/999999/acknowledge", {"note": ""})
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    refused = _post(street.auditor, f"/alerts/{theirs.pk}/acknowledge", {"note": ""})
    assert refused.status_code == 403
    assert Alert.objects.get(pk=theirs.pk).status == Alert.Status.OPEN


def _dispute(street: Any, **kw: Any) -> dict[str, Any]:
    return {
        "title": "湖滨花园业委会换届争议",
        "kind": "committee",
        "place": "湖滨花园小区",
        "parties": "部分业主；业委会筹备组",
        "people_involved": 40,
        "risk_level": "high",
        "risk_reason": "老访户可能被煽动",
        "owner_unit": street.lakeside.pk,
        **kw,
    }


def test_a_dispute_registered_through_the_api_is_listed_for_its_unit_only(street: Any) -> None:
    made = _post(street.handler, "/disputes", _dispute(street))
    assert made.status_code == 201
    body = made.json()
    assert (body["status"], body["risk_level_label"]) == ("open", "高")
    assert Dispute.objects.get(pk=body["id"]).owner_unit == street.lakeside
    listed = _client(street.handler).get("/api/v1/disputes", {"risk_level": "high"}).json()
    assert [d["id"] for d in listed["results"]] == [body["id"]]
    assert _client(street.other_handler).get("/api/v1/disputes").json()["count"] == 0


def test_a_dispute_is_refused_by_the_pages_rules_with_their_reasons(street: Any) -> None:
    no_owner = _post(street.handler, "/disputes", _dispute(street, owner_unit=None))
    assert no_owner.status_code == 400
    assert "责任单位" in no_owner.json()["fields"]["owner_unit"][0]
    nobody = _post(street.handler, "/disputes", _dispute(street, people_involved=0))
    assert nobody.status_code == 400 and "people_involved" in nobody.json()["fields"]
    outside = _post(street.handler, "/disputes", _dispute(street, owner_unit=street.yashiyuan.pk))
    assert outside.status_code == 400 and "owner_unit" in outside.json()["fields"]
    unknown = _post(street.handler, "/disputes", _dispute(street, colour="red"))
    assert unknown.status_code == 400
    assert not Dispute.objects.exists()


def _key_person(street: Any, **kw: Any) -> dict[str, Any]:
    return {
        "name": "王某",
        "reason": "organiser",
        "level": "close",
        "cadence_days": 14,
        "owner_unit": street.lakeside.pk,
        **kw,
    }


def test_a_key_person_listed_through_the_api_carries_the_next_contact(street: Any) -> None:
    made = _post(street.handler, "/key-persons", _key_person(street))
    assert made.status_code == 201
    due = (clock.today() + dt.timedelta(days=14)).isoformat()
    assert (made.json()["next_contact_on"], made.json()["overdue"]) == (due, False)
    zero = _post(street.handler, "/key-persons", _key_person(street, cadence_days=0))
    assert zero.status_code == 400
    assert "至少为 1 天" in zero.json()["fields"]["cadence_days"][0]
    assert KeyPerson.objects.count() == 1


def test_the_key_person_list_puts_the_overdue_first(street: Any) -> None:
    fresh = services.key_person_save(actor=street.handler, data={
        "name": "李某", "reason": "at_risk", "level": "normal", "cadence_days": 30,
        "owner_unit_id": street.lakeside.pk,
    })  # fmt: skip
    late = services.key_person_save(actor=street.handler, data={
        "name": "王某", "reason": "at_risk", "level": "normal", "cadence_days": 30,
        "owner_unit_id": street.lakeside.pk,
    })  # fmt: skip
    KeyPerson.objects.filter(pk=late.pk).update(
        next_contact_on=clock.today() - dt.timedelta(days=1)
    )
    rows = _client(street.handler).get("/api/v1/key-persons").json()["results"]
    assert [(r["id"], r["overdue"]) for r in rows] == [(late.pk, True), (fresh.pk, False)]


def test_the_sensitive_periods_say_which_is_in_force_and_the_tightened_thresholds(
    street: Any,
) -> None:
    today = clock.today()
    services.period_save(
        actor=street.registrar,
        data={
            "name": "全国两会",
            "starts_on": today,
            "ends_on": today,
            "level": "high",
            "note": "",
        },
    )
    answer = _client(street.handler).get("/api/v1/sensitive-periods").json()
    assert answer["current"]["name"] == "全国两会"
    assert answer["limits"]["min_people"] < selectors.thresholds().min_people
    assert [p["name"] for p in answer["results"]] == ["全国两会"]
