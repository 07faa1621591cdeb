"""The SMS gateway interface and the implementations for development; mail is Django's.

A deployment names its gateway in `XINFANG_SMS_GATEWAY` (a dotted path to a class with
`send(phone=, text=)`), e.g. an adapter for the province's government SMS platform. The
file gateway, the default, appends each message as one JSON line to `XINFANG_SMS_OUTBOX`
(`var/outbox/sms.jsonl`), so a person trying the portal, or a test, can read the code sent.
"""

import json
import logging
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from xinfang.common import clock

log = logging.getLogger(__name__)


class SmsGateway(Protocol):
    def send(self, *, phone: str, text: str) -> None:
        """Hand one message to the carrier; raise if it was not accepted."""


class FileSmsGateway:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or settings.XINFANG_SMS_OUTBOX)

    def send(self, *, phone: str, text: str) -> None:
        """Append the message as one JSON line."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {"phone": phone, "text": text, "at": clock.now().isoformat(timespec="seconds")}
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


class LoggingSmsGateway:
    def send(self, *, phone: str, text: str) -> None:
        """Write the message to the log only."""
        log.info("SMS to %s: %s", phone, text)


@cache
def sms_gateway() -> SmsGateway:
    """Return the gateway the settings name (built once per process)."""
    gateway: SmsGateway = import_string(settings.XINFANG_SMS_GATEWAY)()
    return gateway


def read_outbox(path: Path | None = None) -> list[dict[str, str]]:
    """Return the messages the file gateway has written, oldest first."""
    outbox = Path(path or settings.XINFANG_SMS_OUTBOX)
    if not outbox.exists():
        return []
    return [json.loads(x) for x in outbox.read_text(encoding="utf-8").splitlines() if x]
