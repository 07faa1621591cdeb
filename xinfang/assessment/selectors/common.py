"""What the assessment reads share: who manages and reads them, counts summed up the tree."""

from collections.abc import Iterable, Mapping, Sequence

from xinfang.organization.models import Unit

# The leading group and administrators run and freeze assessments; auditors read them
# whole; every other user reads only the rows of their own unit and the units above it.
ASSESSMENT_MANAGERS = frozenset({"leading_group", "admin"})
ASSESSMENT_READERS = ASSESSMENT_MANAGERS | {"auditor"}


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
