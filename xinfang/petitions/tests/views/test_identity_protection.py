"""Art. 46 on every path: the unit complained about never learns who complained.

The case of the issue: a complaint (not an accusation, so it may be assigned there) names
湖滨花园社区 as the accused unit and is accepted to 湖滨花园社区 itself, with a scanned
letter attached. Its handler and unit leader must not reach the complainant through the
case page, the petitioner page, attachments, notices, the API or the registry lookup.
"""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xinfang.accounts.models import ApiToken
from xinfang.common.models import AuditEntry
from xinfang.organization.tests.factories import UserFactory
from xinfang.petitions import notices, services
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.tests.factories import drive, register
from xinfang.petitions.validators import id_check_digit
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db

ID_NUMBER = "33010619850505123" + id_check_digit("33010619850505123")
NAME, PHONE = "朱根保", "13911112222"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}


@pytest.fixture
def complaint(street: Any) -> Petition:
    """Return a complaint about 湖滨花园社区, accepted to 湖滨花园社区, with a letter."""
    category = Category.objects.filter(is_accusation=False, parent__isnull=False).first()
    assert category is not None
    petition = register(
        street.registrar,
        category_id=category.pk,
        accused="湖滨花园社区居委会",
        accused_unit_id=street.lakeside.pk,
        petitioners=[PetitionerData(name=NAME, id_number=ID_NUMBER, phone=PHONE, address="1幢")],
    )
    services.petition_attach(
        actor=street.registrar,
        petition_id=petition.pk,
        files=[SimpleUploadedFile("朱根保的信.pdf", b"%PDF-1.4 x", content_type="application/pdf")],
    )
    return drive(
        petition, street, (Action.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar")
    )


@pytest.mark.parametrize("who", ["handler", "community_leader"])
def test_the_accused_unit_sees_the_case_but_not_who_complained(
    street: Any, complaint: Petition, who: str
) -> None:
    page = _client(getattr(street, who)).get(f"/petitions/{complaint.pk}/").content.decode()
    assert complaint.title in page
    code = notices.format_query_code(complaint.query_code)
    for secret in (NAME, PHONE, ID_NUMBER, complaint.query_code, code, "朱根保的信"):
        assert secret not in page


@pytest.mark.parametrize("who", ["handler", "community_leader"])
def test_the_accused_unit_cannot_open_the_complainants_record(
    street: Any, complaint: Petition, who: str
) -> None:
    client = _client(getattr(street, who))
    person = complaint.petitioner
    assert person is not None
    response = client.get(f"/petitioners/{person.pk}/")
    missing = client.get("/petitioners/999999/")
    assert response.status_code == missing.status_code == 404
    assert NAME not in response.content.decode()


@pytest.mark.parametrize("who", ["handler", "community_leader"])
def test_the_accused_unit_gets_no_attachment_and_no_notice(
    street: Any, complaint: Petition, who: str
) -> None:
    client = _client(getattr(street, who))
    attachment = complaint.attachments.get()
    assert client.get(f"/petitions/{complaint.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client.get(f"/petitions/{complaint.pk}/notices/acceptance/").status_code == 404
    assert client.get(f"/petitions/{complaint.pk}/notices/acceptance.pdf").status_code == 404


def test_the_api_hides_the_identity_query_code_and_file_names_from_the_accused_unit(
    street: Any, complaint: Petition
) -> None:
    client = Client()
    body = client.get(f"/api/v1/petitions/{complaint.pk}", **_bearer(street.community_leader))
    text = json.dumps(body.json(), ensure_ascii=False)
    assert body.status_code == 200
    assert body.json()["query_code"] == ""
    for secret in (NAME, PHONE, ID_NUMBER, complaint.query_code, "朱根保的信"):
        assert secret not in text
    listed = client.get("/api/v1/petitions", **_bearer(street.handler)).json()["results"]
    assert [row["title"] for row in listed] == [complaint.title]
    assert NAME not in json.dumps(listed, ensure_ascii=False)


def test_a_unit_not_complained_about_still_sees_the_complainant(
    street: Any, complaint: Petition
) -> None:
    page = _client(street.registrar).get(f"/petitions/{complaint.pk}/").content.decode()
    code = notices.format_query_code(complaint.query_code)
    assert NAME in page and code in page and "朱根保的信" in page
    person = complaint.petitioner
    assert person is not None
    record = _client(street.registrar).get(f"/petitioners/{person.pk}/")
    assert record.status_code == 200 and ID_NUMBER in record.content.decode()


def test_the_registry_lookup_answers_only_about_people_in_the_users_scope(street: Any) -> None:
    """A district-level case's petitioner is unknown to the street's registrar."""
    district_registrar = UserFactory(username="dreg", role="registrar", unit=street.district)
    register(
        district_registrar,
        petitioners=[PetitionerData(name=NAME, id_number=ID_NUMBER, phone=PHONE)],
    )
    street_answer = Client().get(
        "/api/v1/petitioners", {"phone": PHONE}, **_bearer(street.registrar)
    )
    district_answer = Client().get(
        "/api/v1/petitioners", {"phone": PHONE}, **_bearer(district_registrar)
    )
    panel = _client(street.registrar).get("/petitions/match/", {"phone": PHONE})
    assert street_answer.status_code == 200 and street_answer.json() == []
    assert [m["name"] for m in district_answer.json()] == [NAME]
    assert NAME not in panel.content.decode() and PHONE not in panel.content.decode()
    # The same panel does find the person for the unit whose case shows them.
    district_panel = _client(district_registrar).get("/petitions/match/", {"phone": PHONE})
    assert NAME in district_panel.content.decode()


def test_the_registry_counts_only_cases_in_the_users_scope(street: Any) -> None:
    district_registrar = UserFactory(username="dreg", role="registrar", unit=street.district)
    person = [PetitionerData(name=NAME, id_number=ID_NUMBER, phone=PHONE)]
    register(district_registrar, petitioners=person)
    register(street.registrar, petitioners=person)
    (match,) = (
        Client().get("/api/v1/petitioners", {"phone": PHONE}, **_bearer(street.registrar)).json()
    )
    assert (match["total"], match["open"]) == (1, 1)


def test_the_intake_panel_lists_no_likely_repeat_whose_petitioner_is_kept_from_the_user(
    street: Any,
) -> None:
    """A complaint about the street itself is not shown under its complainant's name."""
    category = Category.objects.filter(is_accusation=False, parent__isnull=False).first()
    assert category is not None
    person = PetitionerData(name=NAME, phone=PHONE, address="1幢")
    ordinary = register(
        street.registrar, title="小区业委会换届选举程序不规范", petitioners=[person]
    )
    about_the_street = register(
        street.registrar,
        title="小区业委会换届选举程序不规范问题",
        category_id=category.pk,
        accused="街道办",
        accused_unit_id=street.street.pk,
        petitioners=[person],
    )
    assert about_the_street.petitioner_id == ordinary.petitioner_id
    panel = _client(street.registrar).get(
        "/petitions/match/", {"name": NAME, "phone": PHONE, "title": "小区业委会换届选举程序不规范"}
    )
    page = panel.content.decode()
    assert ordinary.number in page and about_the_street.number not in page


def test_an_intake_match_lookup_is_audited(street: Any) -> None:
    petition = register(
        street.registrar, petitioners=[PetitionerData(name=NAME, id_number=ID_NUMBER, phone=PHONE)]
    )
    AuditEntry.objects.all().delete()
    panel = _client(street.registrar).get("/petitions/match/", {"phone": PHONE})
    assert NAME in panel.content.decode()
    entry = AuditEntry.objects.get(kind="view_personal")
    assert (entry.actor, entry.object_id) == (street.registrar, str(petition.petitioner_id))


def test_an_upload_is_audited(street: Any) -> None:
    petition = register(street.registrar)
    AuditEntry.objects.all().delete()
    _client(street.registrar).post(
        f"/petitions/{petition.pk}/attach/",
        {"attachments": SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\nxx")},
    )
    entry = AuditEntry.objects.get(object_type="attachment")
    assert (entry.kind, entry.actor, entry.summary) == ("create", street.registrar, "照片.png")
