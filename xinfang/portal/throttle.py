"""Rate limits of the portal's public doors: one-time codes, submissions, tracking.

Each door counts a request by the client's address and by its subject (the phone, or the
query code followed), each against its own rate in settings.XINFANG_PORTAL_RATES.
django-ratelimit keeps the counters in fixed windows; over a limit the request is refused
with the seconds until the fullest window ends, for a Retry-After header.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError


class RateLimited(DomainError):
    """Too many requests from this address or for this subject; try again after a while."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


def refused(retry_after: int) -> RateLimited:
    """Return the refusal of a request over its limit, telling when to try again."""
    minutes = max(1, (retry_after + 59) // 60)
    return RateLimited(
        _("操作过于频繁，请%(n)d分钟后再试。") % {"n": minutes}, retry_after=retry_after
    )


def check(request: HttpRequest, door: str, **subjects: str) -> None:
    """Count the request at `door` by address and by each subject given; raise when over."""
    values = {"ip": client_ip(request) or "unknown", **subjects}
    waits = []
    for kind, rate in settings.XINFANG_PORTAL_RATES[door].items():
        value = values.get(kind)
        if not value:
            continue
        usage: dict[str, Any] | None = get_usage(
            request,
            group=f"portal.{door}.{kind}",
            key=lambda _group, _request, v=value: v,
            rate=rate,
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            waits.append(int(usage["time_left"]))
    if waits:
        raise refused(max(waits))
