"""The portal's fixtures: an SMS outbox of the test's own, and codes read back from it."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from xinfang.notifications import gateways
from xinfang.portal import services

PHONE = "13912345678"


@pytest.fixture
def outbox(tmp_path: Path, settings: Any) -> Iterator[Path]:
    settings.XINFANG_SMS_OUTBOX = tmp_path / "outbox" / "sms.jsonl"
    gateways.sms_gateway.cache_clear()
    yield settings.XINFANG_SMS_OUTBOX
    gateways.sms_gateway.cache_clear()


def last_code(outbox: Path, phone: str = PHONE) -> str:
    """Return the code of the last SMS sent to `phone`, as the person would read it."""
    texts = [m["text"] for m in gateways.read_outbox(outbox) if m["phone"] == phone]
    found = re.search(r"验证码为(\d{6})", texts[-1])
    assert found, texts[-1]
    return found.group(1)


@pytest.fixture
def send_code(outbox: Path, django_capture_on_commit_callbacks: Any) -> Callable[..., str]:
    """Return a function that issues a code to a phone, delivers it and returns it."""

    def send(phone: str = PHONE) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            services.otp_issue(phone=phone)
        return last_code(outbox, phone)

    return send
