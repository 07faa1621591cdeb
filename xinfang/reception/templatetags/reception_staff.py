"""What the staff pages' menu asks of reception days: whether the user opens them."""

from typing import Any

from django import template

from xinfang.reception import selectors

register = template.Library()


@register.filter
def reads_reception(user: Any) -> bool:
    """Return whether `user` may open the reception pages (the views' own rule)."""
    return selectors.may_read(user)
