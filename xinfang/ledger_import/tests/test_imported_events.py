"""An import's events are written raw: no handler is owed them, so none is handed them later."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from xinfang.ledger_import import services
from xinfang.ledger_import.mapping import parse_mapping
from xinfang.ledger_import.tests.helpers import mapping, row, write_csv
from xinfang.petitions import events
from xinfang.petitions.models import EventDelivery, PetitionEvent
from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db


def test_recent_imported_events_are_not_redelivered_nor_pending_but_registered_ones_are(
    street: Any, tmp_path: Path
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    path = write_csv(tmp_path / "l.csv", [row("C1", 日期=yesterday.isoformat())])
    m = parse_mapping(json.dumps(mapping()))
    assert services.ledger_import(actor=street.registrar, path=path, mapping=m).created == 1
    imported = PetitionEvent.objects.get()
    assert imported.details["imported"] is True
    registered = PetitionEvent.objects.get(petition=register(street.registrar), action="register")
    handlers = list(events._subscriptions["register"].values())
    assert handlers  # early warnings, routing, the KPI summary
    for handler in handlers:
        pending = set(events.pending(handler).values_list("pk", flat=True))
        assert imported.pk not in pending and registered.pk in pending
    later = timezone.now() + events.GRACE + dt.timedelta(minutes=1)
    assert events.undelivered(later) == [registered.pk]
    with time_machine.travel(later):
        events.redeliver_case_events.call_local()
    assert not EventDelivery.objects.filter(event=imported).exists()
    assert EventDelivery.objects.filter(event=registered).count() >= len(handlers)
