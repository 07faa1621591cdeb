"""Time limits are data: an edit takes effect at once, though every intake reads them."""

from typing import Any

from django.utils import timezone

from xinfang.common import memo
from xinfang.petitions.models import TimeLimitRule
from xinfang.petitions.tests.factories import register


def _route_days(petition: Any) -> int:
    return (petition.route_due - timezone.localdate(petition.registered_at)).days


def test_an_edited_time_limit_applies_to_the_next_registration(street: Any) -> None:
    assert _route_days(register(street.registrar)) == 15
    rule = TimeLimitRule.objects.get(key=TimeLimitRule.Key.ROUTE)
    rule.days = 10
    rule.save()
    assert _route_days(register(street.registrar)) == 10


def test_a_memo_keeps_a_value_for_its_seconds_then_reads_again(monkeypatch: Any) -> None:
    clock = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock[0])
    reads: list[int] = []
    kept = memo.Memo(seconds=30)

    def read() -> int:
        reads.append(1)
        return len(reads)

    assert kept.get("k", read) == 1
    clock[0] += 29
    assert kept.get("k", read) == 1
    clock[0] += 2
    assert kept.get("k", read) == 2
    kept.clear()
    assert kept.get("k", read) == 3
