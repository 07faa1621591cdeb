"""Bad input through the API: bounded, refused as the pages refuse it, never a server error."""

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from xinfang.api.schemas import ACTION_BODIES, action_form
from xinfang.api.tests.test_api import act, bearer, get, intake, post
from xinfang.petitions.forms import IntakeForm, PersonForm, PersonFormSet, PetitionerForm
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.tests.factories import accepted, register
from xinfang.petitions.workflow import Action

MAX_ID = 2**63 - 1


@pytest.fixture
def client() -> Client:
    # A server error must come back as a 500 response here, not as the test's exception.
    return Client(raise_request_exception=False)


def _fields(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return body["fields"]


def _form_errors(form: Any) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: [str(m) for m in errors] for name, errors in form.errors.items()}


# ---------------------------------------------------------------- what answered 500


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("page", 10**18),
        ("category", 2**63),
        ("unit", 2**63),
        ("created_before", "9999-12-31"),
        ("created_after", "0001-01-01"),
    ],
)
def test_list_parameter_out_of_bounds_is_a_400_naming_it(
    street: Any, client: Client, param: str, value: Any
) -> None:
    register(street.registrar)
    response = get(client, "/api/v1/petitions", street.registrar, **{param: value})
    assert list(_fields(response)) == [param]


def test_list_bounds_are_inclusive(street: Any, client: Client) -> None:
    register(street.registrar)
    edges = {"created_after": "1900-01-01", "created_before": "2100-12-31", "page": 10_000}
    response = get(client, "/api/v1/petitions", street.registrar, category=MAX_ID, **edges)
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("where", ["title", "name"])
def test_lone_surrogate_in_a_body_is_refused_with_a_chinese_message(
    street: Any, client: Client, where: str
) -> None:
    body = intake(title="小区\ud800噪音") if where == "title" else intake()
    if where == "name":
        body["petitioners"][0]["name"] = "\udc00张三"
    # json.dumps writes the lone surrogate as the escape "\ud800", as a client would.
    response = client.post(
        "/api/v1/petitions",
        json.dumps(body),
        content_type="application/json",
        **bearer(street.registrar),
    )

    field = "title" if where == "title" else "petitioners.0.name"
    assert _fields(response)[field] == [
        "含有无法识别的字符（不成对的代理码位），请删除后重新填写。"
    ]
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_body_over_the_upload_limit_is_413_in_the_json_shape(street: Any, client: Client) -> None:
    content = "字" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1)
    response = post(client, "/api/v1/petitions", intake(content=content), street.registrar)

    assert response.status_code == 413
    assert response.json() == {"code": "too_large", "message": "请求体过大，不能超过 5 MB。"}


def test_petition_id_beyond_63_bits_is_a_400_not_a_lookup(street: Any, client: Client) -> None:
    response = get(client, f"/api/v1/petitions/{2**63}", street.registrar)
    assert list(_fields(response)) == ["petition_id"]
    body = {"version": 1, "handling_unit": 2**63}
    petition = register(street.registrar)
    assert list(_fields(act(client, petition.pk, "accept", street.registrar, **body))) == [
        "handling_unit"
    ]


# ---------------------------------------------------------------- as the forms refuse it


def test_name_longer_than_the_column_is_refused_as_the_form_refuses_it(
    street: Any, client: Client
) -> None:
    name = "张" * 102_400
    response = post(
        client, "/api/v1/petitions", intake(petitioners=[{"name": name}]), street.registrar
    )

    expected = _form_errors(PersonForm(data={"name": name}))["name"]
    assert _fields(response)["petitioners.0.name"] == expected
    assert "50" in expected[0]
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_nul_character_is_refused_as_the_form_refuses_it(street: Any, client: Client) -> None:
    response = post(client, "/api/v1/petitions", intake(title="噪音\x00扰民"), street.registrar)

    form = IntakeForm(data={"channel": "visit", "title": "噪音\x00扰民"}, user=street.registrar)
    assert _fields(response)["title"] == _form_errors(form)["title"]
    assert _fields(response)["title"] == ["不能包含空字符（NUL），请删除后重新填写。"]


def test_a_thousand_petitioners_are_refused_as_the_formset_refuses_six(
    street: Any, client: Client
) -> None:
    people = [{"name": f"居民{i}"} for i in range(1000)]
    response = post(client, "/api/v1/petitions", intake(petitioners=people), street.registrar)

    page = PersonFormSet(
        data={"person-TOTAL_FORMS": 6, "person-INITIAL_FORMS": 0}
        | {f"person-{i}-name": f"居民{i}" for i in range(6)},
        prefix="person",
    )
    assert not page.is_valid()
    assert _fields(response)["petitioners"] == [str(m) for m in page.non_form_errors()]
    assert "不得超过5人" in _fields(response)["petitioners"][0]
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_origin_deadline_before_1900_is_refused_as_the_form_refuses_it(
    street: Any, client: Client
) -> None:
    body = intake(channel="assigned", origin_authority="区信访局", origin_deadline="0001-01-01")
    response = post(client, "/api/v1/petitions", body, street.registrar)

    form = IntakeForm(data={"origin_deadline": "0001-01-01"}, user=street.registrar)
    assert _fields(response)["origin_deadline"] == _form_errors(form)["origin_deadline"]
    assert _fields(response)["origin_deadline"] == ["日期应在1900-01-01至2100-12-31之间。"]


def test_accused_unit_outside_the_street_is_refused_as_the_form_refuses_it(
    street: Any, client: Client
) -> None:
    body = intake(accused_unit=street.district.pk)
    response = post(client, "/api/v1/petitions", body, street.registrar)

    form = IntakeForm(data={"accused_unit": street.district.pk}, user=street.registrar)
    assert _fields(response)["accused_unit"] == _form_errors(form)["accused_unit"]
    assert _fields(response)["accused_unit"] == ["被反映单位不存在或不在本单位管辖范围内。"]
    ok = post(
        client, "/api/v1/petitions", intake(accused_unit=street.lakeside.pk), street.registrar
    )
    assert ok.status_code == 201


def test_neither_petitioner_nor_anonymous_is_refused_and_anonymous_alone_is_taken(
    street: Any, client: Client
) -> None:
    refused = post(client, "/api/v1/petitions", intake(petitioners=[]), street.registrar)
    anonymous = intake(petitioners=[], is_anonymous=True)

    assert _fields(refused) == {"petitioners": ["请填写信访人，或勾选匿名。"]}
    assert post(client, "/api/v1/petitions", anonymous, street.registrar).status_code == 201


def test_registry_entry_takes_the_petitioner_forms_rules(street: Any, client: Client) -> None:
    long_name = {"name": "李" * 51}
    elsewhere = {"name": "李四", "community": street.district.pk}

    refused = post(client, "/api/v1/petitioners", long_name, street.registrar)
    outside = post(client, "/api/v1/petitioners", elsewhere, street.registrar)

    form = PetitionerForm(data=long_name, user=street.registrar)
    assert _fields(refused)["name"] == _form_errors(form)["name"]
    assert _fields(outside) == {"community": ["所在社区不存在或不在本单位管辖范围内。"]}
    assert not Petitioner.objects.exists()


def test_registry_lookup_refuses_a_nul_character(street: Any, client: Client) -> None:
    response = get(client, "/api/v1/petitioners", street.registrar, phone="138\x00")
    assert _fields(response) == {"phone": ["不能包含空字符（NUL），请删除后重新填写。"]}


# ---------------------------------------------------------------- actions


def test_action_without_version_is_a_field_error_and_changes_nothing(
    street: Any, client: Client
) -> None:
    petition = accepted(street)
    response = act(
        client, petition.pk, "record_handling", street.handler, note="已约谈", version=None
    )

    assert _fields(response) == {"version": ["请提交读取事项时得到的版本号（version）。"]}
    assert Petition.objects.get(pk=petition.pk).version == petition.version


def test_action_the_user_may_not_take_is_refused_with_the_reason_even_without_version(
    street: Any, client: Client
) -> None:
    petition = accepted(street)
    response = act(client, petition.pk, "supervise", street.handler, version=None)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_supervision_due_past_2100_is_refused(street: Any, client: Client) -> None:
    petition = register(street.registrar)
    body = {"version": 1, "due": "9999-12-31", "note": "请加快办理"}
    response = act(client, petition.pk, "supervise", street.registrar, **body)
    assert _fields(response) == {"due": ["日期应在1900-01-01至2100-12-31之间。"]}


# ---------------------------------------------------------------- the schema says so


@pytest.fixture
def openapi(client: Client) -> dict[str, Any]:
    return client.get("/api/openapi.json").json()


def test_schema_declares_the_forms_limits(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    person, petition = schemas["PersonIn"], schemas["PetitionIn"]

    assert person["properties"]["name"]["maxLength"] == 50
    assert person["required"] == ["name"]
    head_count = petition["properties"]["head_count"]
    assert (head_count["minimum"], head_count["maximum"], head_count["default"]) == (1, 9999, 1)
    assert petition["properties"]["petitioners"]["maxItems"] == 5
    assert petition["properties"]["origin_deadline"]["formatMaximum"] == "2100-12-31"
    assert petition["properties"]["accused_unit"]["maximum"] == MAX_ID
    assert petition["required"] == ["channel", "title", "content"]


def test_schema_says_a_petition_needs_petitioners_or_anonymity(openapi: dict[str, Any]) -> None:
    petition = openapi["components"]["schemas"]["PetitionIn"]

    assert petition["anyOf"] == [
        {"required": ["petitioners"], "properties": {"petitioners": {"minItems": 1}}},
        {"required": ["is_anonymous"], "properties": {"is_anonymous": {"const": True}}},
    ]
    assert "二者必居其一" in petition["description"]


def test_list_page_is_bounded_in_the_schema(openapi: dict[str, Any]) -> None:
    parameters = openapi["paths"]["/api/v1/petitions"]["get"]["parameters"]
    page = next(p for p in parameters if p["name"] == "page")["schema"]
    assert (page["minimum"], page["maximum"]) == (1, 10_000)


def test_every_action_has_an_operation_whose_body_is_its_forms_fields(
    openapi: dict[str, Any],
) -> None:
    schemas = openapi["components"]["schemas"]
    for action in Action:
        operation = openapi["paths"][f"/api/v1/petitions/{{petition_id}}/actions/{action.value}"]
        ref = operation["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schemas[ref.rsplit("/", 1)[1]]
        form = action_form(action)

        assert operation["post"]["requestBody"]["required"] is True
        assert set(body["properties"]) == set(form.base_fields), action
        assert "version" in body["required"], action
        assert body["properties"]["version"]["type"] == "integer"
        assert body["additionalProperties"] is False
        assert ACTION_BODIES[action].__name__ == ref.rsplit("/", 1)[1]
    accept = schemas["AcceptIn"]
    assert accept["required"] == ["version", "handling_unit"]
    assert schemas["RequestExtensionIn"]["properties"]["days"]["maximum"] == 30


def test_a_lone_surrogate_in_the_login_name_is_a_400_naming_it(street: Any, client: Client) -> None:
    # The login name is checked by the login form before axes or the database see it.
    body = json.dumps({"username": "\ud800", "password": "x"})
    response = client.post("/api/v1/auth/token", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {"username": ["含有无法识别的字符。"]}
