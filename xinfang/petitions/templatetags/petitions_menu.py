"""The menu's tests of who sees which link: the same rules the pages apply (access, leaders)."""

from typing import Any

from django import template

from xinfang.petitions import access, leaders

register = template.Library()


@register.filter
def leads_cases(user: Any) -> bool:
    """Return whether the user may hold cases personally (领导包案)."""
    return leaders.is_case_leader(user)


@register.filter
def registers(user: Any) -> bool:
    """Return whether the user works at the petition office (intake, the ledger import)."""
    return access.may_register(user)
