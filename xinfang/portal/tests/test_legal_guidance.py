"""Guidance to the legal channel (诉访分离) on the tracking page and the public track API."""

import pytest
from django.urls import reverse

from xinfang.common.errors import PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.outreach import selectors as outreach_selectors
from xinfang.outreach import services as outreach_services
from xinfang.outreach.models import ChannelGuidance
from xinfang.outreach.tests.factories import CONDUCT
from xinfang.petitions.tests.factories import drive, register
from xinfang.petitions.workflow import Action
from xinfang.portal import services

pytestmark = pytest.mark.django_db

KNOWN_LAST4 = "0001"  # the factories' petitioner: 13800000001
REASON = "该事项属劳动争议，依法应申请劳动仲裁。"
HOW_TO = "自知道权利被侵害之日起一年内，向区劳动人事争议仲裁委员会提交仲裁申请书。"


def _not_accepted(street, note="内部备注：当事人情绪激动"):
    petition = register(street.registrar)
    return drive(
        petition,
        street,
        (Action.NOT_ACCEPT,
         {"reason": REASON, "legal_channel": "arbitration", "note": note}, "registrar"),
    )  # fmt: skip


def _page(street, published=True):
    data = services.PageData(
        kind="legal_channel", title="如何申请劳动仲裁", body="<p>全文</p>",
        is_published=published,
    )  # fmt: skip
    return services.publicity_page_save(actor=street.registrar, page_id=None, data=data)


def _track(client, petition):
    return client.post(
        reverse("portal:track"), {"code": petition.query_code, "phone_last4": KNOWN_LAST4}
    ).content.decode()


def test_the_tracking_page_shows_the_channel_the_reason_and_how_to_start_it(client, street):
    petition = _not_accepted(street)
    page = _page(street)
    outreach_services.channel_guidance_save(
        actor=street.registrar, channel="arbitration", how_to=HOW_TO, page_id=page.pk
    )
    body = _track(client, petition)
    assert 'id="legal-channel"' in body
    assert "仲裁" in body
    assert REASON in body
    assert HOW_TO in body
    assert reverse("portal:info_page", args=[page.pk]) in body


def test_the_tracking_page_shows_nothing_internal_of_a_case_sent_to_a_legal_channel(client, street):
    petition = _not_accepted(street)
    outreach_services.petition_merit_set(
        actor=street.registrar, petition_id=petition.pk, merit="unreasonable_disorderly"
    )
    outreach_services.conduct_record(actor=street.registrar, petition_id=petition.pk, data=CONDUCT)
    body = _track(client, petition)
    assert REASON in body
    for secret in (
        "内部备注",
        street.registrar.full_name,
        "无理无序",
        "unreasonable_disorderly",
        CONDUCT["conduct"],
        CONDUCT["legal_basis"],
        CONDUCT["measure_by"],
        "not_accepted",
    ):
        assert secret not in body, secret


def test_without_the_offices_text_the_default_line_shows_and_a_draft_page_is_not_linked(
    client, street
):
    petition = _not_accepted(street)
    draft = _page(street, published=False)
    body = _track(client, petition)
    assert "向有管辖权的仲裁机构申请仲裁" in body
    outreach_services.channel_guidance_save(
        actor=street.registrar, channel="arbitration", how_to=HOW_TO, page_id=draft.pk
    )
    body = _track(client, petition)
    assert HOW_TO in body
    assert reverse("portal:info_page", args=[draft.pk]) not in body


def test_a_case_with_no_legal_channel_shows_no_guidance(client, street):
    petition = register(street.registrar)
    assert 'id="legal-channel"' not in _track(client, petition)


def test_the_public_track_api_gives_the_guidance_and_nothing_internal(client, street):
    petition = _not_accepted(street)
    page = _page(street)
    outreach_services.channel_guidance_save(
        actor=street.registrar, channel="arbitration", how_to=HOW_TO, page_id=page.pk
    )
    outreach_services.conduct_record(actor=street.registrar, petition_id=petition.pk, data=CONDUCT)
    response = client.get(
        "/api/v1/public/track", {"code": petition.query_code, "phone_last4": KNOWN_LAST4}
    )
    assert response.status_code == 200
    assert response.json()["legal_guidance"] == {
        "channel": "arbitration",
        "label": "仲裁",
        "reason": REASON,
        "how_to": HOW_TO,
        "page": reverse("portal:info_page", args=[page.pk]),
    }
    text = response.content.decode()
    for secret in ("内部备注", CONDUCT["conduct"], CONDUCT["measure_by"], "merit"):
        assert secret not in text, secret


# ---------------------------------------------------------------- the office's text


def _page_of(actor, kind="legal_channel", published=True):
    data = services.PageData(
        kind=kind, title="如何申请劳动仲裁", body="<p>向区劳动人事争议仲裁委员会申请。</p>",
        is_published=published,
    )  # fmt: skip
    return services.publicity_page_save(actor=actor, page_id=None, data=data)


def test_the_office_writes_a_channels_guidance_linked_to_a_legal_channel_page(street):
    page = _page_of(street.registrar)
    saved = outreach_services.channel_guidance_save(
        actor=street.registrar, channel="arbitration", how_to="一年内申请仲裁", page_id=page.pk
    )
    assert outreach_selectors.channel_guidance("arbitration") == saved
    assert saved.page == page
    assert AuditEntry.objects.filter(object_type="channelguidance").exists()


def test_guidance_links_only_a_page_of_the_legal_channel_section(street):
    faq = _page_of(street.registrar, kind="faq")
    with pytest.raises(ValidationFailed):
        outreach_services.channel_guidance_save(
            actor=street.registrar, channel="arbitration", how_to="一年内", page_id=faq.pk
        )
    with pytest.raises(PermissionDenied):
        outreach_services.channel_guidance_save(
            actor=street.handler, channel="arbitration", how_to="一年内", page_id=None
        )
    assert not ChannelGuidance.objects.exists()


def test_a_case_not_accepted_is_not_said_to_await_a_reply(client, street):
    page = _track(client, _not_accepted(street))
    assert "尚未答复" not in page
    assert "该事项不予受理，没有处理意见可供评价" in page
    assert "该事项不予受理，不适用复查" in page


def test_forwarded_and_merged_cases_say_where_the_handling_is(street):
    from xinfang.common import clock
    from xinfang.petitions import limits
    from xinfang.portal.selectors import step_refusal

    forwarded = drive(
        register(street.registrar),
        street,
        (Action.FORWARD, {"forwarded_to": "区住建局", "note": "转送"}, "registrar"),
    )
    for action in (Action.EVALUATE, Action.REQUEST_REVIEW):
        refusal = step_refusal(forwarded, action, clock.today(), limits.time_limits())
        assert refusal and "已转送其他机关办理" in refusal
