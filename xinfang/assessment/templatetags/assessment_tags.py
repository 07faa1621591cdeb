"""How the dashboard writes its figures (rates as percentages, changes with their sign), and who has it."""

from django import template

from xinfang.assessment.selectors import may_see_dashboard

register = template.Library()
# The menu links the dashboard by the page's own rule.
register.filter("sees_dashboard", may_see_dashboard)


@register.filter
def percent(value: float | None) -> str:
    """Return a rate as a percentage with one decimal, or a dash when nothing is counted."""
    return "—" if value is None else f"{100 * value:.1f}%"


@register.filter
def signed_percent(value: float | None) -> str:
    """Return a relative change as a signed percentage."""
    return "—" if value is None else f"{100 * value:+.1f}%"


@register.filter
def percent_of(value: object) -> str:
    """Return a stored fraction (a decimal or its text) as a percentage."""
    return f"{100 * float(str(value)):g}%"
