"""Reads of spot checks: the population drawn from, the cases, the failures."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import (
    Count,
    QuerySet,
)
from django.utils.translation import gettext as _

from xinfang.assessment import scoring
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import (
    SpotCheck,
    SpotCheckCase,
)
from xinfang.assessment.selectors.common import (
    ASSESSMENT_MANAGERS,
    ASSESSMENT_READERS,
    counts_by_holder,
)
from xinfang.assessment.selectors.rules import between
from xinfang.common.errors import NotFound
from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions import access
from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import Status


def spot_check_population(root: Unit, level: str, p: Period) -> dict[Unit, list[int]]:
    """Return, per unit of `level` under `root`, the ids of its cases replied in the period."""
    units = list(
        Unit.objects.filter(path__startswith=root.path, kind=level).order_by("sort", "name")
    )
    tree = dict(Unit.objects.filter(path__startswith=root.path).values_list("pk", "path"))
    strata: dict[Unit, list[int]] = {u: [] for u in units}
    concluded = (
        Petition.objects.filter(access.unit_q(root), between("replied_at", p))
        .exclude(status=Status.MERGED)
        .order_by()
        .values_list("pk", "owner_unit_id")
    )
    for pk, owner in concluded:
        for u in units:
            if tree.get(owner, "").startswith(u.path):
                strata[u].append(pk)
    return strata


def spot_checks_for_user(user: Any) -> QuerySet[SpotCheck]:
    """Return the spot checks the managers and auditors may read: those within their scope."""
    if user.role not in ASSESSMENT_READERS:
        return SpotCheck.objects.none()
    return SpotCheck.objects.filter(root__in=units_visible_to(user)).select_related(
        "root", "drawn_by"
    )


def access_spot_check(user: Any, pk: int) -> SpotCheck:
    """Return spot check `pk` if the user may read it; NotFound otherwise."""
    found = spot_checks_for_user(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("抽查不存在或不在您的查阅范围内。"))
    return found


def may_manage_spot_check(user: Any, spot_check: SpotCheck) -> bool:
    """Return whether `user` may score the spot check's cases."""
    return user.role in ASSESSMENT_MANAGERS


def spot_check_cases(spot_check: SpotCheck) -> QuerySet[SpotCheckCase]:
    """Return the cases drawn, by unit, with what their rows show."""
    return spot_check.cases.select_related("unit", "petition", "scored_by")


def spot_check_failures(
    tree: Mapping[int, str], units: Sequence[Unit], p: Period
) -> dict[int, int]:
    """Return per unit the sampled cases scored below the pass mark, of checks ending in `p`.

    `tree` is the path of every unit of the assessed subtree by id; its checks are those
    drawn for a unit of it.
    """
    rows = (
        SpotCheckCase.objects.filter(
            spot_check__root_id__in=list(tree),
            spot_check__end__gte=p.start,
            spot_check__end__lte=p.end,
            score__lt=scoring.SPOT_CHECK_PASS,
        )
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    return counts_by_holder(rows, tree, units)
