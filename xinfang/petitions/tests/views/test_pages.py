"""The work pages: refusals look like absence, bad input is told and saves nothing."""

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xinfang.common.models import AuditEntry
from xinfang.petitions import inputs, services
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.tests.factories import drive, register
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _lakeside_case(street: Any) -> Petition:
    petition = register(street.registrar)
    services.petition_attach(
        actor=street.registrar,
        petition_id=petition.pk,
        files=[SimpleUploadedFile("信.pdf", b"%PDF-1.4 letter", content_type="application/pdf")],
    )
    return drive(
        petition, street, (Action.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar")
    )


def test_another_communitys_case_is_invisible_on_every_page(street: Any) -> None:
    petition = _lakeside_case(street)
    other = _client(street.other_handler)
    missing = other.get("/petitions/999999/")
    attachment = petition.attachments.get()
    urls = [
        petition.get_absolute_url(),
        f"/petitions/{petition.pk}/notices/acceptance/",
        f"/petitions/{petition.pk}/notices/acceptance.pdf",
        f"/petitions/{petition.pk}/attachments/{attachment.pk}/",
        f"/petitioners/{petition.petitioner_id}/",
    ]
    for url in urls:
        response = other.get(url)
        assert response.status_code == 404, url
        assert response.content == missing.content
    listing = other.get("/petitions/", {"q": "业主委员会"}).content.decode()
    assert petition.number not in listing and "共 0 件" in listing
    assert (
        other.post(f"/petitions/{petition.pk}/act/record_handling/", {"note": "x"}).status_code
        == 404
    )
    assert petition.number in _client(street.handler).get("/petitions/").content.decode()


def test_the_handler_sees_and_downloads_their_own_case_and_it_is_audited(street: Any) -> None:
    petition = _lakeside_case(street)
    client = _client(street.handler)
    attachment = petition.attachments.get()
    response = client.get(f"/petitions/{petition.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(kind="download", actor=street.handler).exists()
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "138****0001" in page and "13800000001" not in page  # handlers see masked phones


def test_a_registrar_viewing_personal_data_is_audited(street: Any) -> None:
    petition = _lakeside_case(street)
    page = _client(street.registrar).get(petition.get_absolute_url()).content.decode()
    assert "13800000001" in page
    entry = AuditEntry.objects.get(kind="view_personal")
    assert (entry.actor, entry.object_id) == (street.registrar, str(petition.petitioner_id))


def test_intake_with_a_bad_id_number_says_why_and_saves_nothing(street: Any) -> None:
    response = _client(street.registrar).post(
        "/petitions/new/",
        {
            "channel": "visit",
            "title": "噪声扰民",
            "content": "夜间施工噪声",
            "head_count": 1,
            "person-TOTAL_FORMS": 1,
            "person-INITIAL_FORMS": 0,
            "person-MAX_NUM_FORMS": 5,
            "person-0-name": "李四",
            "person-0-id_number": "110105194912310021",
        },
    )
    assert response.status_code == 200
    assert "身份证号校验位不正确" in response.content.decode()
    assert Petition.objects.count() == 0 and Petitioner.objects.count() == 0


def test_intake_registers_and_redirects_to_the_case(street: Any) -> None:
    response = _client(street.registrar).post(
        "/petitions/new/",
        {
            "channel": "letter",
            "title": "噪声扰民",
            "content": "夜间施工噪声",
            "head_count": 1,
            "person-TOTAL_FORMS": 1,
            "person-INITIAL_FORMS": 0,
            "person-MAX_NUM_FORMS": 5,
            "person-0-name": "李四",
            "person-0-phone": "13900000000",
        },
    )
    petition = Petition.objects.get()
    assert response.status_code == 302 and response["Location"] == petition.get_absolute_url()
    assert petition.petitioner.name == "李四"


def test_an_action_out_of_order_is_refused_with_a_message(street: Any) -> None:
    petition = register(street.registrar)
    response = _client(street.registrar).post(
        f"/petitions/{petition.pk}/act/follow_up/", {"solved": "true", "version": petition.version}
    )
    assert response.status_code == 400
    assert "不能执行" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == "registered" and petition.events.count() == 1


def test_a_concurrent_edit_is_told_and_nothing_is_lost(street: Any) -> None:
    petition = register(street.registrar)
    stale = petition.version
    client = _client(street.registrar)
    first = client.post(
        f"/petitions/{petition.pk}/act/supervise/",
        {"due": "2099-01-01", "note": "请加快办理", "version": stale},
    )
    assert first.status_code == 302
    second = client.post(
        f"/petitions/{petition.pk}/act/accept/",
        {"handling_unit": street.lakeside.pk, "version": stale},
    )
    assert second.status_code == 400
    assert "已被他人修改" in second.content.decode()
    petition.refresh_from_db()
    assert petition.status == "registered" and petition.supervisions.count() == 1


def test_the_auditor_reads_but_gets_no_actions(street: Any) -> None:
    petition = _lakeside_case(street)
    page = _client(street.auditor).get(petition.get_absolute_url()).content.decode()
    assert petition.title in page and 'id="actions"' not in page
    assert _client(street.auditor).get("/petitions/new/").status_code == 404


def test_the_public_tracking_page_shows_only_the_public_label(street: Any) -> None:
    petition = _lakeside_case(street)
    client = Client()
    # The code alone (the QR code on paper) fills the form; the phone's digits open the case.
    by_code = client.get("/public/track/", {"code": petition.query_code}).content.decode()
    assert petition.query_code in by_code and "已受理，正在办理" not in by_code
    found = client.post("/public/track/", {"code": petition.query_code, "phone_last4": "0001"})
    assert found.status_code == 200
    assert "已受理，正在办理" in found.content.decode()
    assert street.lakeside.name not in found.content.decode()
    forged = client.post("/public/track/", {"code": "ABCDEFGHJKLM", "phone_last4": "0001"})
    assert forged.status_code == 400 and "查询码或手机号后四位不正确" in forged.content.decode()
    malformed = client.post("/public/track/", {"code": "0000", "phone_last4": "0001"})
    assert "查询码应为12位" in malformed.content.decode()


def test_the_workbench_counts_only_the_users_cases(street: Any) -> None:
    _lakeside_case(street)
    mine = _client(street.handler).get("/").content.decode()
    theirs = _client(street.other_handler).get("/").content.decode()
    assert "办理中" in mine
    assert "本单位暂无在办事项" in theirs


def test_a_list_longer_than_the_cap_says_so_rather_than_counting(
    street: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("xinfang.common.pagination.COUNT_CAP", 2)
    for _ in range(3):
        register(street.registrar)
    page = _client(street.registrar).get("/petitions/").content.decode()
    assert "超过 2 件" in page
    assert len(re.findall(r'href="/petitions/\d+/"', page)) == 3


def test_every_representative_shown_in_full_is_audited(street: Any) -> None:
    petition = register(
        street.registrar,
        channel="collective_visit",
        head_count=8,
        petitioners=[
            inputs.PetitionerData(name="王一", phone="13900000011"),
            inputs.PetitionerData(name="王二", phone="13900000012"),
        ],
    )
    page = _client(street.registrar).get(petition.get_absolute_url()).content.decode()
    assert "13900000011" in page and "13900000012" in page
    audited = set(
        AuditEntry.objects.filter(kind="view_personal").values_list("object_id", flat=True)
    )
    assert audited == {str(p.pk) for p in petition.representatives.all()}


def _buttons(client: Client, petition: Petition) -> set[str]:
    page = client.get(f"/petitions/{petition.pk}/").content.decode()
    return set(re.findall(r'<details [^>]*data-action="([a-z_]+)"', page))


def test_the_case_page_offers_no_button_the_service_would_refuse(street: Any) -> None:
    """The guards of the workflow decide the buttons: one extension only, no rating for
    a litigation-type case."""
    petition = drive(
        register(street.registrar, is_litigation=True),
        street,
        (Action.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar"),
    )
    handler = _client(street.handler)
    assert "request_extension" in _buttons(handler, petition)
    petition = drive(
        petition,
        street,
        (Action.REQUEST_EXTENSION, {"days": 10, "reason": "需补充调查"}, "handler"),
        (Action.APPROVE_EXTENSION, {}, "community_leader"),
    )
    assert "request_extension" not in _buttons(handler, petition)
    assert "reply" in _buttons(handler, petition)
    petition = drive(
        petition,
        street,
        (Action.REPLY, {"reply_kind": "explained", "text": "依法解释说明。"}, "handler"),
    )
    office = _buttons(_client(street.registrar), petition)
    assert "follow_up" in office and "evaluate" not in office
