"""Every list and search of petitions and petitioners, already limited to what the user may see.

Who may see what is decided in `access`; this module builds the lists on its filters.
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
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_subtree_ids
from xinfang.petitions import access, search
from xinfang.petitions.models import (
    Category,
    Petition,
    Petitioner,
    PetitionEvent,
)
from xinfang.petitions.workflow import HANDLING_STATUSES, OPEN_STATUSES, Status

DUE_SOON_DAYS = 3


def petitions_for_user(user: Any) -> QuerySet[Petition]:
    """Return the petitions `user` may see, joined to what every list shows (the unit).

    A list page sorts and cuts before it joins only if there is little to join: callers
    that show more add their own select_related.
    """
    return Petition.objects.filter(access.visible_q(user)).select_related("handling_unit")


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


def _case_counts(user: Any, people: list[int]) -> dict[int, tuple[int, int]]:
    """Return (cases, open cases) `user` may know of for each person, counting a case once."""
    known = Petition.objects.filter(access.identity_visible_q(user)).order_by()
    open_q = Q(status__in=OPEN_STATUSES)
    counts: dict[int, tuple[int, int]] = {}
    as_petitioner = (
        known.filter(petitioner_id__in=people)
        .values_list("petitioner_id")
        .annotate(total=Count("*"), open=Count("pk", filter=open_q))
    )
    # The first representative of a collective visit is also its petitioner: once.
    as_representative = (
        known.filter(representatives__in=people)
        .exclude(petitioner_id=F("representatives"))
        .values_list("representatives")
        .annotate(total=Count("*"), open=Count("pk", filter=open_q))
    )
    for rows in (as_petitioner, as_representative):
        for pk, total, n_open in rows:
            before = counts.get(pk, (0, 0))
            counts[pk] = (before[0] + total, before[1] + n_open)
    return counts


def petitioner_matches(
    user: Any,
    *,
    id_number: str = "",
    phone: str = "",
    name: str = "",
    address: str = "",
    limit: int = 5,
) -> list[PetitionerMatch]:
    """Return the known petitioners `user` may know of matching by ID, phone, or name + address.

    Only people shown by a case the user may see are answered about, and their counts
    are of those cases alone (access.registry_q).
    """
    q = Q()
    if id_number:
        q |= Q(id_number=id_number)
    if phone:
        q |= Q(phone=phone)
    if name and address:
        q |= Q(name=name, address=address)
    if not q:
        return []
    rows = list(Petitioner.objects.filter(q).filter(access.registry_q(user))[:limit])
    counts = _case_counts(user, [p.pk for p in rows])
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
        total, n_open = counts.get(p.pk, (0, 0))
        matches.append(PetitionerMatch(p, total, n_open, reasons))
    return matches


def petitioner_history(user: Any, petitioner: Petitioner) -> QuerySet[Petition]:
    """Return the petitioner's petitions that `user` may know of, newest first."""
    return (
        access.petitioner_cases(user, petitioner)
        .select_related("handling_unit")
        .distinct()
        .order_by("-registered_at")
    )


def petition_timeline(petition: Petition) -> QuerySet[PetitionEvent]:
    """Return the petition's events, oldest first."""
    return petition.events.select_related("actor", "unit").order_by("at", "id")


def categories_tree() -> QuerySet[Category]:
    """Return the active second-level categories with their parents."""
    return Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
