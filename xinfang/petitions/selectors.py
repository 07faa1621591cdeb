"""Every list and search of petitions and petitioners, already limited to what the user may see.

Who may see what is decided in `access`; this module builds the lists on its filters.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_subtree_ids
from xinfang.petitions import access, deadlines, limits, search
from xinfang.petitions.actions import ACTIONS
from xinfang.petitions.models import (
    QUERY_CODE_ALPHABET,
    QUERY_CODE_LENGTH,
    Category,
    Petition,
    Petitioner,
    PetitionEvent,
    Supervision,
    TimeLimitRule,
)
from xinfang.petitions.validators import CASE_NUMBER, MAX_ID, normalize_id_number, normalize_phone
from xinfang.petitions.workflow import HANDLING_STATUSES, OPEN_STATUSES, Action, Status

DUE_SOON_DAYS = 3


def petitions_for_user(user: Any) -> QuerySet[Petition]:
    """Return the petitions `user` may see, joined to what every list shows (the unit).

    A list page sorts and cuts before it joins only if there is little to join: callers
    that show more add their own select_related.
    """
    return Petition.objects.filter(access.visible_q(user)).select_related("handling_unit")


# A query code as printed (ABCD-EFGH-JKLM), read out with spaces, or typed in one run.
_CODE_SEPARATORS = re.compile(r"[\s\-－—]+")
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$|^\d{15}$")
_PHONE = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")
# A name as people write one: two to four Han characters, or a minority name's parts
# joined by a middle dot (阿依古丽·买买提). Longer words are what a case is about: a
# search for them reads no one's record.
_NAME = re.compile(
    r"^[\u3400-\u9fff]{2,4}$|^[\u3400-\u9fff]{1,12}(?:[·•・][\u3400-\u9fff]{1,12}){1,3}$"
)
# A name shared by more people than this is not narrowed further: the list says so by its size.
PERSON_SEARCH_LIMIT = 200


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


def _words_q(q: str) -> Q:
    """Return the filter of the words of a search box entry in titles and contents."""
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


def _query_code(q: str) -> str:
    """Return the query code the entry spells, without its separators, or ""."""
    code = _CODE_SEPARATORS.sub("", q).upper()
    if len(code) == QUERY_CODE_LENGTH and all(c in QUERY_CODE_ALPHABET for c in code):
        return code
    return ""


@dataclass(frozen=True)
class PersonSearch:
    """The people a search box entry names, and the identifier it was read as.

    `by` ("id_number", "phone" or "name") is "" when the entry names nobody that way or
    the role may not search so.
    """

    by: str = ""
    people: tuple[Petitioner, ...] = ()
    term: str = ""

    @property
    def fields(self) -> list[str]:
        """Return the fields the audit of this search names."""
        return [self.by] if self.by else []

    @property
    def by_identifier(self) -> bool:
        """Return whether the entry was an ID number or a phone: audited even when nobody matches."""
        return self.by in ("id_number", "phone")


def person_search(user: Any, q: str) -> PersonSearch:
    """Return the people the entry names by ID number, phone or name, for roles that see them.

    Only people shown by a case whose identity the user may know are answered about
    (access.registry_q), so the search reaches no one outside the user's scope.
    """
    term = q.strip()
    if not term or not access.sees_personal_data(user):
        return PersonSearch()
    id_number = normalize_id_number(term)
    phone = normalize_phone(term)
    if _ID_NUMBER.match(id_number):
        by, match = "id_number", Q(id_number=id_number)
    elif _PHONE.match(phone):
        # Landlines are kept as typed, with or without the dash after the area code.
        by, match = "phone", Q(phone__in={phone, phone.replace("-", "")})
    elif _NAME.match(term):
        by, match = "name", Q(name=term)
    else:
        return PersonSearch()
    people = Petitioner.objects.filter(match).filter(access.registry_q(user)).only("pk", "name")
    return PersonSearch(by, tuple(people[:PERSON_SEARCH_LIMIT]), term)


def _people_q(user: Any, people: PersonSearch) -> Q:
    """Return the filter of the cases of the people found, only where their identity is shown."""
    ids = [p.pk for p in people.people]
    represented = Petition.representatives.through.objects.filter(petitioner_id__in=ids)
    return access.identity_visible_q(user) & (
        Q(petitioner_id__in=ids) | Q(pk__in=represented.values("petition_id"))
    )


def _box_q(user: Any, q: str, people: PersonSearch) -> Q:
    """Return the filter of a search box entry: a case number, a query code, a person, or words."""
    text = q.strip()
    number = CASE_NUMBER.match(text)
    if number and not text.isdigit():
        # Written as a case number (with its prefix or year): nothing else is meant.
        return Q(pk=int(number.group(1))) if int(number.group(1)) <= MAX_ID else Q(pk__in=[])
    found = _words_q(text)
    if number and int(number.group(1)) <= MAX_ID:
        found |= Q(pk=int(number.group(1)))
    code = _query_code(text)
    if code:
        # The query code names the petitioner's case: never shown to the accused unit.
        found |= Q(query_code=code) & access.identity_visible_q(user)
    if people.people:
        found |= _people_q(user, people)
    return found


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
    due_after: dt.date | None = None
    due_before: dt.date | None = None
    # "" newest first, "due" the nearest deadline first, "-due" the furthest first.
    sort: str = ""


def petition_search(
    user: Any, f: PetitionFilters, *, people: PersonSearch | None = None
) -> QuerySet[Petition]:
    """Return the user's visible petitions matching the filters, newest first or by deadline.

    `people` is the person_search of `f.q` when the caller has it already (to audit it).
    """
    qs = petitions_for_user(user)
    if f.q:
        qs = qs.filter(_box_q(user, f.q, people or person_search(user, f.q)))
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
    if f.due_after:
        qs = qs.filter(due_date__gte=f.due_after)
    if f.due_before:
        qs = qs.filter(due_date__lte=f.due_before)
    if f.sort == "due":
        # Concluded cases carry no deadline: after every open one, newest first.
        return qs.order_by(F("due_date").asc(nulls_last=True), "-registered_at", "-id")
    if f.sort == "-due":
        return qs.order_by(F("due_date").desc(nulls_last=True), "-registered_at", "-id")
    return qs.order_by("-registered_at", "-id")


# Where an extension request keeps its reason (effects.request_extension): its note, which
# the officer may fill as well, is no reason to print.
EXTENSION_REASON = "reason"


def extension_reason(request: PetitionEvent | None) -> str:
    """Return the reason an extension request gave, or "" for no request."""
    return str(request.details.get(EXTENSION_REASON, "")) if request else ""


@dataclass(frozen=True)
class QueueItem:
    """One case of a work queue: the case, the date that matters there and a short note."""

    petition: Petition
    due: dt.date | None
    note: str = ""


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    items: list[QueueItem]
    count: int


@dataclass(frozen=True)
class Workbench:
    status_counts: dict[str, int]
    overdue_count: int
    queues: list[Queue]
    # (unit id, unit name, open cases past their deadline), most first.
    overdue_by_unit: list[tuple[int, str, int]]


WEEK_DAYS = 7


def _may(user: Any, action: Action) -> bool:
    """Return whether the user's role takes `action` at all (the workbench shows its queue)."""
    return not user.is_read_only and user.role in ACTIONS[action].roles


def _queue(key: str, title: str, qs: QuerySet[Any], limit: int, item: Any = None) -> Queue:
    """Return the queue of the first `limit` rows of `qs`, counting all only when cut."""
    rows = list(qs[:limit])
    count = len(rows) if len(rows) < limit else qs.order_by().count()
    make = item or (lambda p: QueueItem(p, p.due_date))
    return Queue(key, title, [make(r) for r in rows], count)


def _overdue_by_unit(
    open_qs: QuerySet[Petition], today: dt.date, limit: int
) -> list[tuple[int, str, int]]:
    rows = (
        open_qs.filter(due_date__lt=today)
        .order_by()
        .values_list("owner_unit_id", "owner_unit__name")
        .annotate(n=Count("*"))
        .order_by("-n", "owner_unit__name")[:limit]
    )
    return [(pk, name, n) for pk, name, n in rows]


def workbench_for_user(user: Any, *, limit: int = 10) -> Workbench:
    """Return the user's work queues, chosen by the actions their role takes, and the counts."""
    today = clock.today()
    week_end = today + dt.timedelta(days=WEEK_DAYS)
    visible = petitions_for_user(user)
    open_qs = visible.filter(status__in=OPEN_STATUSES)
    counted = open_qs if not user.is_read_only else visible
    counts = dict(
        # COUNT(*): the (status, unit) index alone answers it, without reading the rows.
        counted.order_by().values_list("status").annotate(n=Count("*")).values_list("status", "n")
    )
    # Only open cases carry a deadline (a constraint of Petition), so the deadline lists
    # walk the deadline index alone, in order, instead of sorting every open case.
    by_due = visible.exclude(due_date=None).order_by("due_date", "id")
    overdue_count = by_due.filter(due_date__lt=today).order_by().count()
    queues: list[Queue] = []
    if _may(user, Action.RECORD_HANDLING):
        mine = open_qs.filter(owner_unit_id=user.unit_id, status__in=HANDLING_STATUSES)
        mine = mine.filter(Q(handler=user) | Q(handler=None)).order_by("due_date", "id")
        queues += [
            _queue("mine", _("交给我办理的"), mine, limit),
            _queue(
                "mine_due_week",
                _("本周到期"),
                mine.filter(due_date__gte=today, due_date__lte=week_end),
                limit,
            ),
            _queue("mine_overdue", _("已超期"), mine.filter(due_date__lt=today), limit),
        ]
        # A leader's instruction waits for the unit's next step (a handling record, a reply).
        instructed = open_qs.filter(owner_unit_id=user.unit_id)
        if user.role == "handler":
            instructed = instructed.filter(Q(handler=user) | Q(handler=None))
        instructed = instructed.filter(instruction_pending_since__isnull=False)
        instructions = _queue(
            "instructions",
            _("领导批示待落实"),
            instructed.order_by("instruction_pending_since", "id"),
            limit,
            lambda p: QueueItem(
                p, p.due_date, _("批示于 %(d)s") % {"d": _day(p.instruction_pending_since)}
            ),
        )
        if instructions.items:
            queues.append(instructions)
    if _may(user, Action.ACCEPT):
        to_route = visible.filter(status=Status.REGISTERED).order_by("due_date", "id")
        days = limits.time_limits()[TimeLimitRule.Key.ROUTE].days
        title = _("待分流（登记后%(n)d日内）") % {"n": days}
        queues.append(_queue("to_route", title, to_route, limit))
    if _may(user, Action.REASSIGN):
        objected = visible.filter(status=Status.OBJECTED).order_by("id")
        queues.append(
            _queue("objections", _("承办单位异议待重新交办"), objected, limit, _objection_item)
        )
    if _may(user, Action.EVALUATE):
        # The guard of EVALUATE refuses litigation-type cases: they never wait for a rating.
        to_rate = visible.filter(status=Status.REPLIED, is_litigation=False, rated_at=None)
        queues.append(
            _queue(
                "to_evaluate",
                _("待满意度评价"),
                to_rate.order_by("replied_at", "id"),
                limit,
                lambda p: QueueItem(p, None, _("答复于 %(d)s") % {"d": _day(p.replied_at)}),
            )
        )
    if _may(user, Action.FOLLOW_UP):
        window = limits.time_limits()[TimeLimitRule.Key.FOLLOW_UP_WINDOW]
        to_visit = visible.filter(status__in=(Status.REPLIED, Status.EVALUATED))
        queues.append(
            _queue(
                "to_follow_up",
                _("待回访（答复后%(n)d日内）") % {"n": window.days},
                to_visit.order_by("replied_at", "id"),
                limit,
                lambda p: QueueItem(p, deadlines.due_date(clock.local_date(p.replied_at), window)),
            )
        )
    if _may(user, Action.ACCEPT):
        due_week = by_due.filter(due_date__gte=today, due_date__lte=week_end)
        queues.append(_queue("due_week", _("本周到期"), due_week, limit))
    if _may(user, Action.APPROVE_EXTENSION):
        asked = (
            PetitionEvent.objects.filter(petition=OuterRef("pk"), action=Action.REQUEST_EXTENSION)
            .order_by("-at", "-id")
            .values_list(KT(f"details__{EXTENSION_REASON}"))[:1]
        )
        waiting = visible.filter(status=Status.EXTENSION_REQUESTED).annotate(
            extension_reason=Subquery(asked)
        )
        queues.append(
            _queue(
                "extensions",
                _("延期待我审批"),
                waiting.order_by("due_date", "id"),
                limit,
                _extension_item,
            )
        )
        chased = Supervision.objects.filter(petition__in=open_qs.values("pk"))
        queues.append(_supervision_queue("supervisions_due", _("督办待办"), chased, limit))
    if _may(user, Action.SUPERVISE) and user.role not in ACTIONS[Action.APPROVE_EXTENSION].roles:
        opened = Supervision.objects.filter(opened_by=user, petition__in=open_qs.values("pk"))
        queues.append(_supervision_queue("supervisions_opened", _("我发起的督办"), opened, limit))
    if not user.is_read_only:
        # Cases a leader took on personally (包案): shown to whoever holds one, any role.
        owned = open_qs.filter(responsible_leader=user).order_by("due_date", "id")
        leader_owned = _queue("leader_owned", _("我包案的"), owned, limit)
        if leader_owned.items:
            queues.append(leader_owned)
    by_unit = []
    if user.is_read_only or _may(user, Action.APPROVE_EXTENSION):
        by_unit = _overdue_by_unit(open_qs, today, limit)
    return Workbench(counts, overdue_count, queues, by_unit)


def _day(moment: dt.datetime | None) -> str:
    return clock.local_date(moment).isoformat() if moment else ""


def _objection_item(p: Petition) -> QueueItem:
    return QueueItem(p, None, p.handling_unit.name if p.handling_unit else "")


def _extension_item(p: Petition) -> QueueItem:
    note = _("申请延期 %(n)d 日：%(r)s") % {
        "n": p.extension_requested_days,
        "r": getattr(p, "extension_reason", "") or "",
    }
    return QueueItem(p, p.due_date, note)


def _supervision_queue(key: str, title: str, qs: QuerySet[Supervision], limit: int) -> Queue:
    ordered = qs.select_related("petition__handling_unit").order_by("due", "id")
    return _queue(key, title, ordered, limit, lambda s: QueueItem(s.petition, s.due, s.note))


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


def categories_by_id() -> dict[int, Category]:
    """Return every category with its parent by id, kept in memory (Category.memo), read only.

    For naming a case's category in an answer without a query (api.v1.petition_create).
    """
    rows: dict[int, Category] = Category.memo.get(
        "rows", lambda: {c.pk: c for c in Category.objects.select_related("parent")}
    )
    return rows


def categories_tree() -> QuerySet[Category]:
    """Return the active second-level categories with their parents."""
    return Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
