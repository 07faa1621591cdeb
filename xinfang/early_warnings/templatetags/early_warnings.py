"""The sensitive-period banner other apps' pages (the workbench) include."""

from typing import Any

from django import template

from xinfang.common import clock
from xinfang.early_warnings import selectors

register = template.Library()


@register.inclusion_tag("early_warnings/_period_banner.html")
def sensitive_period_banner() -> dict[str, Any]:
    """Return the sensitive period in force today and the thresholds it sets, if any."""
    period = selectors.period_in_force(clock.today())
    return {"period": period, "limits": selectors.limits_under(period) if period else None}
