import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from xinfang.common.tests.queue import run_scheduled_retries
from xinfang.notifications import gateways
from xinfang.notifications.models import Channel, Notification
from xinfang.notifications.services import MAX_ATTEMPTS, notification_send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outbox(tmp_path, settings):
    settings.XINFANG_SMS_OUTBOX = tmp_path / "outbox" / "sms.jsonl"
    gateways.sms_gateway.cache_clear()
    yield settings.XINFANG_SMS_OUTBOX
    gateways.sms_gateway.cache_clear()


def test_an_sms_is_written_to_the_outbox_as_one_json_line_once_the_work_commits(outbox):
    with transaction.atomic():
        note = notification_send(channel=Channel.SMS, to="13800000001", text="您好", purpose="test")
        assert gateways.read_outbox(outbox) == []
    [line] = gateways.read_outbox(outbox)
    assert (line["phone"], line["text"]) == ("13800000001", "您好")
    assert "T" in line["at"]
    note.refresh_from_db()
    assert note.sent_at is not None and note.attempts == 1


def test_nothing_is_sent_when_the_work_that_sent_it_rolls_back(outbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_send(channel=Channel.SMS, to="13800000001", text="x", purpose="test")
        raise RuntimeError
    assert gateways.read_outbox(outbox) == []
    assert not Notification.objects.exists()


def test_a_secret_is_kept_only_until_it_has_been_sent(outbox):
    note = notification_send(
        channel=Channel.SMS, to="13800000001", text="验证码 123456", purpose="otp", keep_text=False
    )
    assert gateways.read_outbox(outbox)[0]["text"] == "验证码 123456"
    note.refresh_from_db()
    assert note.text == "" and note.sent_at is not None


def test_mail_goes_through_djangos_mail_backend():
    notification_send(
        channel=Channel.EMAIL, to="a@example.org", subject="提醒", text="明天接访", purpose="test"
    )
    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (["a@example.org"], "提醒", "明天接访")


class BrokenGateway:
    def send(self, *, phone: str, text: str) -> None:
        raise ConnectionError("gateway down")


@override_settings(XINFANG_SMS_GATEWAY=f"{__name__}.BrokenGateway")
def test_a_failing_gateway_neither_breaks_the_sender_nor_loses_the_message():
    gateways.sms_gateway.cache_clear()
    HUEY.storage.flush_schedule()
    try:
        note = notification_send(channel=Channel.SMS, to="13800000001", text="x", purpose="test")
        while run_scheduled_retries():
            pass
    finally:
        gateways.sms_gateway.cache_clear()
    note.refresh_from_db()
    assert note.sent_at is None
    assert note.attempts == MAX_ATTEMPTS
    assert note.last_error == "ConnectionError: gateway down"


def test_the_admin_shows_the_recipient_masked_and_never_the_text(admin_client):
    note = notification_send(
        channel=Channel.SMS, to="13812345678", text="验证码 654321", purpose="otp", keep_text=True
    )
    listing = admin_client.get("/admin/notifications/notification/").content.decode()
    page = admin_client.get(f"/admin/notifications/notification/{note.pk}/change/")
    for body in (listing, page.content.decode()):
        assert "138****5678" in body
        assert "13812345678" not in body and "654321" not in body
