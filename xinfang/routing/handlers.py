"""Routing's handlers of case events: measure suggestions against what the office chose.

Subscribed in RoutingConfig.ready(); they run on the task queue after the case's change
has committed, so suggesting again costs the registrar nothing.
"""

from xinfang.petitions.events import CaseEvent
from xinfang.petitions.models import Petition
from xinfang.routing import services
from xinfang.routing.models import Kind


def _record(event: CaseEvent, kind: Kind) -> None:
    petition = Petition.objects.filter(pk=event.petition_id).first()
    if petition is None:  # deleted before the event was delivered: nothing to measure
        return
    chosen = petition.category_id if kind == Kind.CATEGORY else petition.handling_unit_id
    suggestions = services.suggest(kind, petition.title, petition.content)
    services.record_choice(petition=petition, kind=kind, suggestions=suggestions, chosen=chosen)


def record_category_choice(event: CaseEvent) -> None:
    """Record the category chosen at intake against the category router's suggestion."""
    _record(event, Kind.CATEGORY)


def record_unit_choice(event: CaseEvent) -> None:
    """Record the unit a case was assigned to against the unit router's suggestion."""
    _record(event, Kind.UNIT)
