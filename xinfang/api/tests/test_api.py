"""The REST API end to end: tokens, registration, lists, the workflow, personal data."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from xinfang.accounts.models import ApiToken
from xinfang.common.models import AuditEntry
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Category, Channel, Petition, Petitioner
from xinfang.petitions.tests.factories import (
    REPLY,
    accepted,
    register,
    travel,
)
from xinfang.petitions.validators import id_check_digit
from xinfang.petitions.workflow import Action, Status

MONDAY = dt.date(2025, 3, 3)
ID_NUMBER = "33010619900101123" + id_check_digit("33010619900101123")


def bearer(user: Any) -> dict[str, str]:
    """Return the header of a fresh token for `user`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}


def post(client: Client, url: str, body: dict[str, Any], user: Any) -> Any:
    return client.post(url, body, content_type="application/json", **bearer(user))


def get(client: Client, url: str, user: Any, **params: Any) -> Any:
    return client.get(url, params, **bearer(user))


def act(client: Client, petition_id: int, action: str, user: Any, **body: Any) -> Any:
    """Post the action with the version the case has now, unless the test gives one."""
    if "version" not in body:
        body["version"] = Petition.objects.get(pk=petition_id).version if petition_id else 0
    body = {k: v for k, v in body.items() if v is not None}
    return post(client, f"/api/v1/petitions/{petition_id}/actions/{action}", body, user)


def intake(**overrides: Any) -> dict[str, Any]:
    """Return a valid registration body for one petitioner."""
    return {
        "channel": Channel.VISIT,
        "title": "小区业委会换届选举程序不规范",
        "content": "湖滨花园小区业委会换届未公示候选人名单，请求街道督促依法重新组织。",
        "petitioners": [{"name": "张三", "phone": "13800000001", "address": "湖滨花园1幢"}],
    } | overrides


@pytest.fixture
def client() -> Client:
    return Client()


# ---------------------------------------------------------------- tokens


def test_right_password_gets_a_token_that_authenticates(street: Any, client: Client) -> None:
    response = client.post(
        "/api/v1/auth/token",
        {"username": "registrar", "password": "pw-for-tests"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    row = ApiToken.objects.get(digest=ApiToken.hash(token))
    assert row.user == street.registrar and row.last_used_at is not None


def test_wrong_password_gets_401_json_and_no_token(street: Any, client: Client) -> None:
    response = client.post(
        "/api/v1/auth/token",
        {"username": "registrar", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert not ApiToken.objects.exists()


def test_request_without_or_with_a_bad_token_is_refused(street: Any, client: Client) -> None:
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}):
        response = client.get("/api/v1/petitions", **headers)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
        assert response["WWW-Authenticate"] == "Bearer"


def test_token_of_a_deactivated_user_no_longer_works(street: Any, client: Client) -> None:
    headers = bearer(street.handler)
    street.handler.is_active = False
    street.handler.save()
    assert client.get("/api/v1/petitions", **headers).status_code == 401


# ---------------------------------------------------------------- registration


def test_registrar_registers_a_petition(street: Any, client: Client) -> None:
    response = post(client, "/api/v1/petitions", intake(), street.registrar)

    assert response.status_code == 201
    body = response.json()
    petition = Petition.objects.get(pk=body["id"])
    assert body["number"] == petition.number
    assert body["query_code"] == petition.query_code
    assert body["status"] == Status.REGISTERED
    assert body["status_label"] == "已登记待处理"
    assert body["version"] == 1
    # The answer masks the phone, as a list does: it is no audited read of personal data.
    assert body["petitioner"]["phone"] == "138****0001"
    assert not AuditEntry.objects.filter(kind="view_personal").exists()
    assert body["deadline"]["days_left"] == 15
    assert body["allowed_actions"] == [
        "accept",
        "forward",
        "not_accept",
        "merge",
        "supervise",
        "take_charge",
    ]
    assert [e["action"] for e in body["events"]] == ["register"]
    assert AuditEntry.objects.filter(kind="create", object_type="petition").count() == 1


def test_the_registrations_answer_is_the_cases_get_with_the_people_masked(
    street: Any, client: Client
) -> None:
    category = Category.objects.filter(parent__isnull=False).select_related("parent")[0]
    people = [
        {"name": "张三", "phone": "13800000001", "id_number": ID_NUMBER},
        {"name": "李四", "phone": "13900000002"},
    ]
    body = intake(
        channel=Channel.COLLECTIVE_VISIT,
        head_count=8,
        petitioners=people,
        category=category.pk,
        community=street.lakeside.pk,
        accused_unit=street.lakeside.pk,
        accused="湖滨花园社区居委会",
    )
    answer = post(client, "/api/v1/petitions", body, street.registrar).json()
    got = get(client, f"/api/v1/petitions/{answer['id']}", street.registrar).json()

    masked = {"petitioner", "representatives"}
    assert {k: v for k, v in answer.items() if k not in masked | {"suggestions"}} == {
        k: v for k, v in got.items() if k not in masked | {"suggestions"}
    }
    assert answer["suggestions"] is None
    assert answer["category"] == {"id": category.pk, "name": str(category)}
    assert (
        answer["community"]
        == answer["accused_unit"]
        == {
            "id": street.lakeside.pk,
            "name": street.lakeside.name,
        }
    )
    assert answer["registered_unit"]["id"] == street.registrar.unit_id
    assert [(p["name"], p["phone"]) for p in answer["representatives"]] == [
        ("张三", "138****0001"),
        ("李四", "139****0002"),
    ]
    first = Petitioner.objects.get(pk=answer["petitioner"]["id"])
    assert answer["petitioner"]["id_number"] == first.masked_id_number != ID_NUMBER
    assert [p["id"] for p in answer["representatives"]] == [p["id"] for p in got["representatives"]]
    assert got["representatives"][0]["id_number"] == ID_NUMBER


def test_invalid_id_number_is_refused_per_field_and_nothing_is_saved(
    street: Any, client: Client
) -> None:
    person = {"name": "张三", "id_number": ID_NUMBER[:-1] + "0"}
    response = post(client, "/api/v1/petitions", intake(petitioners=[person]), street.registrar)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "校验位" in body["fields"]["petitioners.0.id_number"][0]
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_collective_visit_with_six_representatives_is_refused(street: Any, client: Client) -> None:
    people = [{"name": f"代表{i}", "phone": f"1390000000{i}"} for i in range(6)]
    body = intake(channel=Channel.COLLECTIVE_VISIT, head_count=40, petitioners=people)
    response = post(client, "/api/v1/petitions", body, street.registrar)

    assert response.status_code == 400
    assert "不得超过5人" in response.json()["fields"]["petitioners"][0]
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_body_of_the_wrong_shape_is_400_with_chinese_field_messages(
    street: Any, client: Client
) -> None:
    body = intake(category_id=1, head_count="many", petitioners=[{"name": ["张三"]}])
    response = post(client, "/api/v1/petitions", body, street.registrar)

    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["category_id"] == ["不是可接受的字段。"]
    assert fields["head_count"] == ["应为整数。"]
    assert fields["petitioners.0.name"] == ["应为文本。"]


def test_values_the_intake_form_refuses_get_the_forms_messages_per_field(
    street: Any, client: Client
) -> None:
    body = {"channel": "pigeon", "content": "x", "petitioners": [{"phone": "13800000001"}]}
    response = post(client, "/api/v1/petitions", body, street.registrar)

    assert response.status_code == 400
    fields = response.json()["fields"]
    assert "pigeon" in fields["channel"][0]
    assert fields["title"] == ["这个字段是必填项。"]
    assert fields["petitioners.0.name"] == ["这个字段是必填项。"]


# ---------------------------------------------------------------- lists and access


def test_list_filters_overdue_and_text_and_paginates(street: Any, client: Client) -> None:
    with travel(MONDAY):
        late = register(street.registrar, title="电梯长期故障无人维修")
    with travel(MONDAY + dt.timedelta(days=20)):
        for _ in range(2):
            register(street.registrar)
        overdue = get(client, "/api/v1/petitions", street.registrar, overdue="true").json()
        not_overdue = get(client, "/api/v1/petitions", street.registrar, overdue="false").json()
        by_text = get(client, "/api/v1/petitions", street.registrar, q="电梯").json()
        page2 = get(client, "/api/v1/petitions", street.registrar, page=2, page_size=2).json()

    assert overdue["count"] == 1 and overdue["results"][0]["id"] == late.pk
    assert overdue["results"][0]["deadline"] == {
        "due_date": "2025-03-18",
        "days_left": -5,
        "overdue": True,
    }
    assert not_overdue["count"] == 2
    assert [r["id"] for r in by_text["results"]] == [late.pk]
    assert (page2["count"], page2["page"], page2["page_size"]) == (3, 2, 2)
    assert [r["id"] for r in page2["results"]] == [late.pk]


def test_list_masks_personal_data_and_takes_the_same_queries_for_any_page(
    street: Any, client: Client, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        register(street.registrar)
    headers = bearer(street.registrar)
    # token, last use, the user's subtree, the page, the count
    with django_assert_num_queries(5):
        body = client.get("/api/v1/petitions", **headers).json()
    assert body["results"][0]["petitioner"]["phone"] == "138****0001"


def test_page_size_above_100_is_refused(street: Any, client: Client) -> None:
    response = get(client, "/api/v1/petitions", street.registrar, page_size=101)
    assert response.status_code == 400
    assert "page_size" in response.json()["fields"]


def test_other_community_gets_the_same_404_as_for_a_missing_case(
    street: Any, client: Client
) -> None:
    petition = accepted(street)  # assigned to Lakeside Garden

    theirs = get(client, f"/api/v1/petitions/{petition.pk}", street.other_handler)
    missing = get(client, f"/api/v1/petitions/{petition.pk + 1000}", street.other_handler)
    listed = get(client, "/api/v1/petitions", street.other_handler).json()
    acted = act(client, petition.pk, "record_handling", street.other_handler, note="已联系")

    assert theirs.status_code == missing.status_code == acted.status_code == 404
    assert theirs.content == missing.content
    assert theirs.json()["code"] == "not_found"
    assert listed == {"count": 0, "count_capped": False, "page": 1, "page_size": 20, "results": []}
    assert get(client, "/api/v1/petitions", street.handler).json()["count"] == 1


def test_units_are_those_the_user_may_see(street: Any, client: Client) -> None:
    names = [u["name"] for u in get(client, "/api/v1/units", street.handler).json()]
    assert names == ["湖滨花园社区"]
    assert len(get(client, "/api/v1/units", street.registrar).json()) == 4


# ---------------------------------------------------------------- workflow


def test_full_lifecycle_through_the_actions_endpoint(street: Any, client: Client) -> None:
    pid = post(client, "/api/v1/petitions", intake(), street.registrar).json()["id"]
    handling = ["object", "record_handling", "request_extension", "start_hearing", "reply"]
    # (action, who takes it, its fields, what that user may do just before, status after)
    steps: list[tuple[str, Any, dict[str, Any], list[str], str]] = [
        (
            "accept",
            street.registrar,
            {"handling_unit": street.lakeside.pk},
            ["accept", "forward", "not_accept", "merge", "supervise", "take_charge"],
            Status.HANDLING,
        ),
        (
            "take_charge",
            street.leader,
            {"leader": street.leader.pk},
            ["supervise", "take_charge", "instruct"],
            Status.HANDLING,
        ),
        (
            "record_handling",
            street.handler,
            {"note": "已约谈业委会筹备组"},
            handling,
            Status.HANDLING,
        ),
        ("reply", street.handler, REPLY, handling, Status.REPLIED),
        (
            "evaluate",
            street.registrar,
            {"satisfaction_unit": "satisfied", "satisfaction_office": "basically"},
            ["evaluate", "follow_up", "request_review", "take_charge"],
            Status.EVALUATED,
        ),
        (
            "follow_up",
            street.registrar,
            {"solved": True},
            ["follow_up", "request_review", "take_charge"],
            Status.CLOSED,
        ),
    ]
    for version, (action, actor, body, allowed, status) in enumerate(steps, start=1):
        before = get(client, f"/api/v1/petitions/{pid}", actor).json()
        assert before["allowed_actions"] == allowed
        response = act(client, pid, action, actor, version=version, **body)
        assert response.status_code == 200, response.json()
        detail = response.json()
        assert (detail["status"], detail["version"]) == (status, version + 1)

    assert detail["allowed_actions"] == ["request_review"]
    assert get(client, f"/api/v1/petitions/{pid}", street.handler).json()["allowed_actions"] == []
    assert detail["solved"] is True
    assert detail["satisfaction_unit"] == "satisfied"
    assert [e["action"] for e in detail["events"]] == [
        "register",
        "accept",
        "take_charge",
        "record_handling",
        "reply",
        "evaluate",
        "follow_up",
    ]
    assert detail["events"][3]["note"] == "已约谈业委会筹备组"
    assert detail["responsible_leader"] == {"id": street.leader.pk, "name": str(street.leader)}


def test_action_out_of_order_is_refused_with_a_reason(street: Any, client: Client) -> None:
    petition = register(street.registrar)
    body = {"satisfaction_unit": "satisfied", "satisfaction_office": "satisfied"}
    response = act(client, petition.pk, "evaluate", street.registrar, **body)

    assert response.status_code == 400
    assert response.json()["code"] == "transition_not_allowed"
    assert "已登记待处理" in response.json()["message"]


def test_action_of_the_other_side_is_forbidden_not_a_field_error(
    street: Any, client: Client
) -> None:
    petition = accepted(street)
    response = act(client, petition.pk, "accept", street.handler)
    assert response.status_code == 400  # not in this status at all
    response = act(client, petition.pk, "supervise", street.handler)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_missing_action_field_is_reported_per_field(street: Any, client: Client) -> None:
    petition = accepted(street)
    response = act(client, petition.pk, "reply", street.handler, version=2, reply_kind="supported")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"text"}
    assert Petition.objects.get(pk=petition.pk).status == Status.HANDLING


def test_unknown_action_is_400(street: Any, client: Client) -> None:
    petition = register(street.registrar)
    response = act(client, petition.pk, "approve_everything", street.registrar)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "action" in response.json()["fields"]


def test_stale_version_is_a_conflict(street: Any, client: Client) -> None:
    petition = accepted(street)  # now at version 2
    response = act(client, petition.pk, "record_handling", street.handler, version=1, note="x")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Petition.objects.get(pk=petition.pk).version == 2


def test_auditor_reads_everything_but_every_post_is_403(street: Any, client: Client) -> None:
    petition = register(street.registrar)
    detail = get(client, f"/api/v1/petitions/{petition.pk}", street.auditor)
    assert detail.status_code == 200
    assert detail.json()["allowed_actions"] == []

    refused = [
        act(client, petition.pk, "accept", street.auditor, handling_unit=street.lakeside.pk),
        post(client, "/api/v1/petitions", intake(), street.auditor),
        post(client, "/api/v1/petitioners", {"name": "李四"}, street.auditor),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert {r.json()["code"] for r in refused} == {"permission_denied"}
    assert Petition.objects.get().status == Status.REGISTERED


# ---------------------------------------------------------------- personal data


def test_petitioner_search_is_the_registrars_and_audits_full_reads(
    street: Any, client: Client
) -> None:
    petition = register(
        street.registrar,
        petitioners=[PetitionerData(name="李四", id_number=ID_NUMBER, phone="13912345678")],
    )
    person = petition.petitioner
    AuditEntry.objects.all().delete()

    full = get(client, "/api/v1/petitioners", street.registrar, phone="139 1234 5678").json()
    refused = get(client, "/api/v1/petitioners", street.handler, id_number=ID_NUMBER)

    assert full[0]["id_number"] == ID_NUMBER and full[0]["phone"] == "13912345678"
    assert full[0]["reasons"] == ["电话"]
    assert refused.status_code == 403
    assert ID_NUMBER not in refused.content.decode()
    audit = AuditEntry.objects.get(kind="view_personal")
    assert (audit.actor, audit.object_id) == (street.registrar, str(person.pk))
    assert audit.fields == ["name", "id_number", "phone"]


def test_petition_detail_shows_full_data_only_to_its_roles_and_audits_it(
    street: Any, client: Client
) -> None:
    petition = accepted(street)

    full = get(client, f"/api/v1/petitions/{petition.pk}", street.registrar).json()
    masked = get(client, f"/api/v1/petitions/{petition.pk}", street.handler).json()

    assert full["petitioner"]["phone"] == "13800000001"
    assert masked["petitioner"] == {
        "id": petition.petitioner_id,
        "name": "张三",
        "phone": "138****0001",
        "id_number": "",
    }
    audits = AuditEntry.objects.filter(kind="view_personal")
    assert [(a.actor, a.summary) for a in audits] == [(street.registrar, petition.number)]


def test_accused_unit_never_learns_who_the_petitioner_is(street: Any, client: Client) -> None:
    petition = accepted(street, accused_unit_id=street.lakeside.pk)

    seen = get(client, f"/api/v1/petitions/{petition.pk}", street.community_leader).json()
    row = get(client, "/api/v1/petitions", street.community_leader).json()["results"][0]

    hidden = {"id": None, "name": "（身份保护）", "phone": "", "id_number": ""}
    assert seen["petitioner"] == row["petitioner"] == hidden
    assert not AuditEntry.objects.filter(kind="view_personal").exists()


def test_registrar_resolves_a_petitioner_and_others_may_not(street: Any, client: Client) -> None:
    body = {"name": "李四", "id_number": ID_NUMBER, "community": street.lakeside.pk}
    created = post(client, "/api/v1/petitioners", body, street.registrar)
    again = post(client, "/api/v1/petitioners", body | {"phone": "13700000000"}, street.registrar)
    refused = post(client, "/api/v1/petitioners", body, street.handler)

    assert created.status_code == again.status_code == 200
    assert created.json()["id"] == again.json()["id"]
    assert again.json()["phone"] == "13700000000"
    assert refused.status_code == 403
    assert Petitioner.objects.get().community == street.lakeside


# ---------------------------------------------------------------- schema


def test_openapi_schema_lists_every_path(street: Any, client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths) == {
        "/api/v1/auth/token",
        "/api/v1/auth/token/revoke",
        "/api/v1/auth/token/revoke-all",
        "/api/v1/petitions",
        "/api/v1/petitions/{petition_id}",
        *(f"/api/v1/petitions/{{petition_id}}/actions/{a.value}" for a in Action),
        "/api/v1/petitioners",
        "/api/v1/units",
        "/api/v1/routing/acceptance",
        "/api/v1/kpis",
        "/api/v1/petitions/{petition_id}/similar",
        # early_warnings api: alerts and registers.
        "/api/v1/alerts",
        *(f"/api/v1/alerts/{{alert_id}}/{step}" for step in ("acknowledge", "act", "close")),
        "/api/v1/disputes",
        "/api/v1/key-persons",
        "/api/v1/sensitive-periods",
        "/api/v1/hot-issues",
        # The public API (api/public.py), without a token.
        "/api/v1/public/otp",
        "/api/v1/public/petitions",
        "/api/v1/public/track",
        "/api/v1/public/track/rate",
        "/api/v1/public/track/review",
    }
    assert client.get("/api/docs").status_code == 200
