"""Routing's intake hook: measure suggestions against what the registrar chose."""

from xinfang.petitions.models import Petition
from xinfang.routing import services
from xinfang.routing.models import Kind


def record_category_choice(petition: Petition) -> None:
    """Record the category chosen at intake against the category router's suggestion."""
    suggestions = services.suggest(Kind.CATEGORY, petition.title, petition.content)
    services.record_choice(
        petition=petition, kind=Kind.CATEGORY, suggestions=suggestions, chosen=petition.category_id
    )
