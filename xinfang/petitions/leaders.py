"""Leader-owned cases (领导包案): who may take charge of a case, and a leader's own cases.

A leader (workflow.CASE_LEADER_ROLES) takes personal charge of a hard case from its page,
at a reception, or as the leading group decides (actions TAKE_CHARGE and INSTRUCT). The
leader's page lists the cases in their charge with deadlines and progress, and how many
of those concluded were solved (the numerator and denominator of 包案化解率 for them).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When

from xinfang.accounts.models import User
from xinfang.petitions.models import Petition, PetitionEvent
from xinfang.petitions.workflow import CASE_LEADER_ROLES, OPEN_STATUSES, Status


def leader_candidates(petition: Petition) -> QuerySet[User]:
    """Return the active leaders at or above the case's registering or handling unit."""
    units = set(petition.registered_unit.lineage_ids())
    if petition.handling_unit is not None:
        units.update(petition.handling_unit.lineage_ids())
    return (
        User.objects.filter(is_active=True, role__in=CASE_LEADER_ROLES, unit_id__in=units)
        .select_related("unit")
        .order_by("unit__path", "full_name", "username")
    )


@dataclass(frozen=True)
class LeaderFigures:
    owned: int
    open: int
    overdue: int
    concluded: int
    solved: int

    @property
    def solved_rate(self) -> float | None:
        """Return solved / concluded, or None before any case concluded."""
        return self.solved / self.concluded if self.concluded else None


def is_case_leader(user: Any) -> bool:
    """Return whether the user may hold cases personally (and so has a leader's page)."""
    return bool(user.is_authenticated and user.role in CASE_LEADER_ROLES)


def leader_cases(user: Any) -> QuerySet[Petition]:
    """Return the cases in the user's personal charge, the open ones first by deadline."""
    return Petition.objects.filter(responsible_leader=user).exclude(status=Status.MERGED)


def leader_case_page(user: Any) -> QuerySet[Petition]:
    """Return the leader's cases for their page, each with its latest step (one query)."""
    latest = PetitionEvent.objects.filter(petition=OuterRef("pk")).order_by("-at", "-id")
    return (
        leader_cases(user)
        .select_related("handling_unit")
        .annotate(
            last_action=Subquery(latest.values("action")[:1]),
            last_at=Subquery(latest.values("at")[:1]),
        )
        .order_by(
            Case(When(status__in=OPEN_STATUSES, then=0), default=1),
            F("due_date").asc(nulls_last=True),
            "-registered_at",
        )
    )


def leader_figures(user: Any, today: Any) -> LeaderFigures:
    """Return the counts of the leader's cases, in one aggregate query."""
    concluded = Q(replied_at__isnull=False)
    row = (
        leader_cases(user)
        .order_by()
        .aggregate(
            owned=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
            concluded=Count("pk", filter=concluded),
            solved=Count("pk", filter=concluded & Q(solved=True)),
        )
    )
    return LeaderFigures(**row)
