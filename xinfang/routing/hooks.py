"""Routing's case hooks: measure suggestions against what the office chose."""

from xinfang.petitions.models import Petition
from xinfang.routing import services
from xinfang.routing.models import Kind


def _record(petition: Petition, kind: Kind, chosen: int | None) -> None:
    suggestions = services.suggest(kind, petition.title, petition.content)
    services.record_choice(petition=petition, kind=kind, suggestions=suggestions, chosen=chosen)


def record_category_choice(petition: Petition) -> None:
    """Record the category chosen at intake against the category router's suggestion."""
    _record(petition, Kind.CATEGORY, petition.category_id)


def record_unit_choice(petition: Petition) -> None:
    """Record the unit a case was assigned to against the unit router's suggestion."""
    _record(petition, Kind.UNIT, petition.handling_unit_id)
