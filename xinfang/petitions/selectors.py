"""Every read of petitions and petitioners, already limited to what the user may see.

A user sees the cases registered in their unit's subtree and those assigned to a unit of
that subtree, nothing else. "Missing" and "not yours" are the same NotFound.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.errors import NotFound
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_scope, unit_subtree_ids
from xinfang.petitions import deadlines, search, workflow
from xinfang.petitions.models import (
    Category,
    Petition,
    Petitioner,
    PetitionEvent,
    TimeLimitRule,
)
from xinfang.petitions.workflow import HANDLING_STATUSES, OPEN_STATUSES, Action, Side, Status

DUE_SOON_DAYS = 3
# Roles that see petitioners' ID numbers, phones and addresses in full.
PERSONAL_DATA_ROLES = frozenset({"registrar", "unit_leader", "leading_group", "admin"})

# The statutory defaults; a TimeLimitRule row, when present, overrides its key.
DEFAULT_LIMITS: dict[str, deadlines.TimeLimit] = {
    TimeLimitRule.Key.ROUTE: deadlines.TimeLimit(15),
    TimeLimitRule.Key.OBJECTION: deadlines.TimeLimit(5, working_days=True),
    TimeLimitRule.Key.HANDLE: deadlines.TimeLimit(60),
    TimeLimitRule.Key.EXTENSION_MAX: deadlines.TimeLimit(30),
    TimeLimitRule.Key.REVIEW_REQUEST: deadlines.TimeLimit(30),
    TimeLimitRule.Key.REVIEW_ANSWER: deadlines.TimeLimit(30),
    TimeLimitRule.Key.REREVIEW_REQUEST: deadlines.TimeLimit(30),
    TimeLimitRule.Key.REREVIEW_ANSWER: deadlines.TimeLimit(30),
    TimeLimitRule.Key.FOLLOW_UP_WINDOW: deadlines.TimeLimit(90),
}


def time_limits() -> dict[str, deadlines.TimeLimit]:
    """Return every time limit in force, the rule set's rows over the defaults."""

    def read() -> dict[str, deadlines.TimeLimit]:
        rows = TimeLimitRule.objects.values_list("key", "days", "working_days")
        return DEFAULT_LIMITS | {k: deadlines.TimeLimit(d, w) for k, d, w in rows}

    return dict(TimeLimitRule.memo.get(None, read))


def visible_q(user: Any) -> Q:
    """Return the filter of the cases `user` may see: those owned within their subtree."""
    scope = unit_scope(user.unit if user.is_authenticated else None)
    if scope.ids is None:  # the whole tree: no filter, lists walk the time index
        return Q()
    if scope.broad:
        return Q(owner_unit_id__in_unindexed=scope.ids)
    return Q(owner_unit_id__in=scope.ids)


def petitions_for_user(user: Any) -> QuerySet[Petition]:
    """Return the petitions `user` may see, joined to what every list shows (the unit).

    A list page sorts and cuts before it joins only if there is little to join: callers
    that show more add their own select_related.
    """
    return Petition.objects.filter(visible_q(user)).select_related("handling_unit")


def access_petition(user: Any, pk: int, *, for_update: bool = False) -> Petition:
    """Return petition `pk` if `user` may see it; NotFound otherwise, alike for both."""
    qs = Petition.objects.filter(visible_q(user))
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.select_related(
            "category",
            "handling_unit",
            "registered_unit",
            "petitioner",
            "repeat_of",
            "merged_into",
            "handler",
            "responsible_leader",
            "registered_by",
            "accused_unit",
        ).get(pk=pk)
    except (Petition.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("信访事项不存在或您无权查看。")) from None


def sides_of(user: Any, petition: Petition) -> set[Side]:
    """Return which sides of `petition` the user stands on."""
    ids = set(unit_subtree_ids(user.unit))
    sides = set()
    if petition.registered_unit_id in ids:
        sides.add(Side.OFFICE)
    if petition.handling_unit_id in ids:
        sides.add(Side.UNIT)
    return sides


def allowed_actions(actor: Any, petition: Petition) -> list[Action]:
    """Return the actions `actor` may take on `petition` now."""
    if actor.is_read_only:
        return []
    return workflow.available_actions(
        Status(petition.status), actor.role, sides_of(actor, petition)
    )


def can_see_identity(user: Any, petition: Petition) -> bool:
    """Return whether `user` may see who the petitioner is (Regulations, Art. 46)."""
    # The user's unit is checked first: a user without one needs no accused unit loaded.
    if user.unit_id is None or petition.accused_unit is None:
        return True
    return not user.unit.path.startswith(petition.accused_unit.path)


def can_see_personal_data(user: Any, petition: Petition | None = None) -> bool:
    """Return whether `user` sees ID numbers, phones and addresses in full."""
    if user.role not in PERSONAL_DATA_ROLES:
        return False
    return petition is None or can_see_identity(user, petition)


_CASE_NUMBER = re.compile(r"^XF\d{4}-0*(\d+)$", re.IGNORECASE)


# Past this many matches a word is common enough that reading cases newest first finds a
# page of matches sooner than sorting all of them.
COMMON_TERM_MATCHES = 2000


def _fts_matches_at_least(match: str, n: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM petitions_petition_fts "
            "WHERE petitions_petition_fts MATCH %s LIMIT %s)",
            [match, n],
        )
        (found,) = cursor.fetchone()
    return bool(found >= n)


def _text_q(q: str) -> Q:
    """Return the filter of a search box entry: a case number, or words of the text."""
    number = _CASE_NUMBER.match(q.strip())
    if number:
        return Q(pk=int(number.group(1)))
    groups = search.query_groups(q)
    if not groups:
        return Q(title__icontains=q) | Q(content__icontains=q)
    vendor = connection.vendor
    if vendor == "sqlite":
        match = " OR ".join("(" + " AND ".join(f'"{t}"' for t in g) + ")" for g in groups)
        sql = "SELECT rowid FROM petitions_petition_fts WHERE petitions_petition_fts MATCH %s"
        if _fts_matches_at_least(match, COMMON_TERM_MATCHES):
            # A common word: walk the newest cases and check each against the matches,
            # rather than fetch every match and sort them (see common/lookups.py).
            return Q(pk__in_unindexed=RawSQL(sql, [match]))
        return Q(pk__in=RawSQL(sql, [match]))
    if vendor == "postgresql":
        tsquery = " | ".join("(" + " & ".join(g) + ")" for g in groups)
        sql = "to_tsvector('simple', search_text) @@ to_tsquery('simple', %s)"
        return Q(RawSQL(sql, [tsquery], output_field=BooleanField()))
    return Q(title__icontains=q) | Q(content__icontains=q)


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class PetitionFilters:
    q: str = ""
    status: str = ""
    channel: str = ""
    category: int | None = None
    unit: int | None = None
    created_after: dt.date | None = None
    created_before: dt.date | None = None
    overdue: bool | None = None


def petition_search(user: Any, f: PetitionFilters) -> QuerySet[Petition]:
    """Return the user's visible petitions matching the filters, newest first."""
    qs = petitions_for_user(user)
    if f.q:
        qs = qs.filter(_text_q(f.q))
    if f.status:
        if f.status == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        else:
            qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.category:
        qs = qs.filter(Q(category_id=f.category) | Q(category__parent_id=f.category))
    if f.unit:
        unit = Unit.objects.filter(pk=f.unit).first()
        qs = qs.filter(owner_unit_id__in=unit_subtree_ids(unit))
    # Instants, not dates of the column: a function of the column could use no index.
    if f.created_after:
        qs = qs.filter(registered_at__gte=_local_midnight(f.created_after))
    if f.created_before:
        qs = qs.filter(registered_at__lt=_local_midnight(f.created_before + dt.timedelta(days=1)))
    if f.overdue is True:
        qs = qs.filter(status__in=OPEN_STATUSES, due_date__lt=clock.today())
    elif f.overdue is False:
        qs = qs.exclude(status__in=OPEN_STATUSES, due_date__lt=clock.today())
    return qs.order_by("-registered_at", "-id")


@dataclass(frozen=True)
class Workbench:
    status_counts: dict[str, int]
    due_soon: list[Petition]
    overdue: list[Petition]
    mine: list[Petition]


def workbench_for_user(user: Any, *, limit: int = 20) -> Workbench:
    """Return the open cases of the user's unit by status, due soon, overdue and their own."""
    today = clock.today()
    visible = petitions_for_user(user)
    open_qs = visible.filter(status__in=OPEN_STATUSES)
    counts = dict(
        # COUNT(*): the (status, unit) index alone answers it, without reading the rows.
        open_qs.order_by().values_list("status").annotate(n=Count("*")).values_list("status", "n")
    )
    # Only open cases carry a deadline (a constraint of Petition), so the deadline lists
    # walk the deadline index alone, in order, instead of sorting every open case.
    by_due = visible.exclude(due_date=None).order_by("due_date", "id")
    due_soon = list(
        by_due.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS))[
            :limit
        ]
    )
    overdue = list(by_due.filter(due_date__lt=today)[:limit])
    if user.role in {"handler", "unit_leader"}:
        mine_qs = open_qs.filter(owner_unit_id=user.unit_id, status__in=HANDLING_STATUSES)
        mine_qs = mine_qs.filter(Q(handler=user) | Q(handler=None))
    else:
        mine_qs = open_qs.filter(registered_by=user, status=Status.REGISTERED)
    mine = list(mine_qs.order_by("due_date", "id")[:limit])
    return Workbench(counts, due_soon, overdue, mine)


@dataclass(frozen=True)
class PetitionerMatch:
    petitioner: Petitioner
    total: int
    open: int
    reasons: list[str]


def petitioner_matches(
    *, id_number: str = "", phone: str = "", name: str = "", address: str = "", limit: int = 5
) -> list[PetitionerMatch]:
    """Return known petitioners matching by ID number, phone, or name and address."""
    q = Q()
    if id_number:
        q |= Q(id_number=id_number)
    if phone:
        q |= Q(phone=phone)
    if name and address:
        q |= Q(name=name, address=address)
    if not q:
        return []
    # A person counts a case once, whether as its petitioner or as a representative
    # (the first representative of a collective visit is both).
    as_rep = ~Q(represented_petitions__petitioner_id=F("pk"))
    open_rep = as_rep & Q(represented_petitions__status__in=OPEN_STATUSES)
    rows = Petitioner.objects.filter(q).annotate(
        total=Count("petitions", distinct=True)
        + Count("represented_petitions", filter=as_rep, distinct=True),
        open=Count("petitions", filter=Q(petitions__status__in=OPEN_STATUSES), distinct=True)
        + Count("represented_petitions", filter=open_rep, distinct=True),
    )[:limit]
    matches = []
    for p in rows:
        reasons = [
            label
            for label, hit in (
                (_("身份证号"), bool(id_number) and p.id_number == id_number),
                (_("电话"), bool(phone) and p.phone == phone),
                (_("姓名+住址"), bool(name) and p.name == name and p.address == address),
            )
            if hit
        ]
        matches.append(PetitionerMatch(p, p.total, p.open, reasons))
    return matches


def access_petitioner(user: Any, pk: int) -> Petitioner:
    """Return petitioner `pk` if `user` may see at least one of their petitions."""
    visible = Petition.objects.filter(visible_q(user))
    petitioner = Petitioner.objects.filter(pk=pk).select_related("community").first()
    if petitioner is None or not (
        visible.filter(Q(petitioner=petitioner) | Q(representatives=petitioner)).exists()
    ):
        raise NotFound(_("信访人不存在或您无权查看。"))
    return petitioner


def petitioner_history(user: Any, petitioner: Petitioner) -> QuerySet[Petition]:
    """Return the petitioner's petitions that `user` may see, newest first."""
    return (
        petitions_for_user(user)
        .filter(Q(petitioner=petitioner) | Q(representatives=petitioner))
        .distinct()
        .order_by("-registered_at")
    )


def petition_timeline(petition: Petition) -> QuerySet[PetitionEvent]:
    """Return the petition's events, oldest first."""
    return petition.events.select_related("actor", "unit").order_by("at", "id")


def categories_tree() -> QuerySet[Category]:
    """Return the active second-level categories with their parents."""
    return Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
