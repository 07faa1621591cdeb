"""The menu's test of who has a leader's page (the same rule the page applies)."""

from typing import Any

from django import template

from xinfang.petitions import leaders

register = template.Library()


@register.filter
def leads_cases(user: Any) -> bool:
    """Return whether the user may hold cases personally (领导包案)."""
    return leaders.is_case_leader(user)
