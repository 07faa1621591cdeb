"""Detection on every registration, run after commit through the case-event outbox."""

from typing import Final

from xinfang.early_warnings import services
from xinfang.petitions.events import CaseEvent
from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import Action

# The actions that give a case another owner unit (petitions/effects.py: assign); the
# similarity index's band rows mirror it (test_handlers checks this list against the
# actions' table).
OWNER_MOVES: Final = frozenset({Action.ACCEPT, Action.REASSIGN})


def detect_on_register(event: CaseEvent) -> None:
    """Index the case's text and run each detector on it: collective, repeat, sensitive."""
    petition = (
        Petition.objects.select_related("registered_unit", "petitioner")
        .filter(pk=event.petition_id)
        .first()
    )
    if petition is None:  # deleted since
        return
    if services.signature_index(petition=petition) is not None:
        services.collective_detect(petition=petition)
    services.key_person_propose_repeat(petition=petition)
    services.sensitive_detect(petition=petition)


def owner_sync(event: CaseEvent) -> None:
    """Move the case's band rows to its new owner unit, for the lookup's scope."""
    services.owner_sync(petition_id=event.petition_id)
