"""What the assessment reads share: who manages and reads them and who has the dashboard;
counts summed up the tree."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xinfang.organization.models import Unit
from xinfang.petitions.workflow import LEADER_ROLES

# The leading group and administrators run and freeze assessments; auditors read them
# whole; every other user reads only the rows of their own unit and the units above it.
ASSESSMENT_MANAGERS = frozenset({"leading_group", "admin"})
ASSESSMENT_READERS = ASSESSMENT_MANAGERS | {"auditor"}
# Leaders steer by the dashboard; auditors oversee (read only) and read statistics
# (DOMAIN.md): they see it too. Registrars and handlers work cases, not figures.
DASHBOARD_ROLES = LEADER_ROLES | {"auditor"}


def may_see_dashboard(user: Any) -> bool:
    """Return whether the user has the dashboard and its reports (the menu asks this too)."""
    return getattr(user, "role", None) in DASHBOARD_ROLES and user.unit_id is not None


def counts_by_holder(
    rows: Iterable[tuple[int, int]], tree: Mapping[int, str], units: Sequence[Unit]
) -> dict[int, int]:
    """Add counts grouped by unit to every unit of `units` whose subtree holds that unit."""
    totals = {u.pk: 0 for u in units}
    for unit_id, n in rows:
        for u in units:
            if tree.get(unit_id, "").startswith(u.path):
                totals[u.pk] += n
    return totals
