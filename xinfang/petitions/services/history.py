"""The case's own history: one PetitionEvent per change, written by every service.

Each event is also the outbox row of the case events (petitions/events.py): recording
it is what hands it, after commit, to the apps subscribed to its kind.
"""

import datetime as dt
from typing import Any

from xinfang.petitions import events
from xinfang.petitions.models import Petition, PetitionEvent


def record_event(
    petition: Petition,
    actor: Any,
    now: dt.datetime,
    action: str,
    from_status: str,
    to_status: str,
    note: str,
    details: dict[str, Any],
) -> PetitionEvent:
    event = PetitionEvent.objects.create(
        petition=petition,
        at=now,
        actor=actor,
        unit_id=getattr(actor, "unit_id", None),
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        details=details,
    )
    events.publish(event)
    return event
