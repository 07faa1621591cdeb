"""What the staff pages' menu asks of the portal: whether the user edits its publicity."""

from typing import Any

from django import template

from xinfang.portal import publicity

register = template.Library()


@register.filter
def edits_publicity(user: Any) -> bool:
    """Return whether `user` may open the publicity editor (the view's own rule)."""
    return publicity.may_edit(user)
