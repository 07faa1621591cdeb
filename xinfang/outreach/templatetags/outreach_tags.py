"""Template filters of the outreach pages: who words the office's labels, a merit's label."""

from typing import Any

from django import template

from xinfang.outreach import labels, selectors

register = template.Library()


@register.filter
def words_labels(user: Any) -> bool:
    """Return whether `user` words the merit labels and the legal-channel guidance."""
    return bool(user.is_authenticated and selectors.may_record_conduct(user))


@register.filter
def merit_label(code: str) -> str:
    """Return the label the office gives merit `code`."""
    return labels.merit_label(code)
