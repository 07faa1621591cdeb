"""Reads of the similarity index and the alerts, scoped to the user where a user asks."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.errors import NotFound
from xinfang.early_warnings import band_query, rules
from xinfang.early_warnings.models import (
    Alert,
    Briefing,
    Dispute,
    KeyPerson,
    KeyProject,
    ScreeningVisit,
    SensitivePeriod,
    TextSignature,
    Thresholds,
)
from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions import access
from xinfang.petitions.access import visible_q
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.workflow import LEADER_ROLES

# Scored per lookup at most: the cases sharing the most bands, the likeliest matches.
MAX_CANDIDATES: Final = 200
# Read per band key at most: its newest cases the user may see. A common band (a
# frequent shingle's minimum) would otherwise make the lookup read a share of the
# register; bench/README.md gives the recall this costs against a full scan.
BAND_CAP: Final = 200
MAX_LIMIT: Final = 50


@dataclass(frozen=True, slots=True)
class Similar:
    petition: Petition
    match: rules.Match

    @property
    def reasons(self) -> list[str]:
        reasons = [_("文本相似度 %(percent)d%%") % {"percent": round(self.match.text * 100)}]
        labels = {"community": _("同一社区"), "address": _("同一地址")}
        return reasons + [labels[p] for p in self.match.place]


def place_of(row: TextSignature) -> rules.Place:
    """Return the place a signature row records."""
    return rules.Place(community_id=row.community_id, address=row.address)


def similar_petitions(user: Any, petition: Petition, *, limit: int = 10) -> list[Similar]:
    """Return the cases like `petition` that `user` may see, best first."""
    own = TextSignature.objects.filter(petition_id=petition.pk).first()
    if own is None:
        return []
    sig = rules.Signatures.from_bytes(own.signature)
    # Scoped inside the per-band cap: cases the user may not see never take a place.
    found = band_query.candidates(
        visible_q(user),
        exclude=petition.pk,
        keys=rules.band_keys(sig),
        cap=BAND_CAP,
        limit=MAX_CANDIDATES,
    )
    texts = rules.text_similarities(sig, [rules.Signatures.from_bytes(c.signature) for c in found])
    here = place_of(own)
    scored = [
        (c.petition_id, m)
        for c, text in zip(found, texts, strict=True)
        if (m := rules.scored(text, here, rules.Place(c.community_id, c.address))) is not None
    ]
    best = rules.best_first(scored, min(limit, MAX_LIMIT))
    # Through the scope again: the band rows' owner units follow a move after commit.
    cases = Petition.objects.filter(visible_q(user)).order_by().in_bulk([pk for pk, _m in best])
    return [Similar(petition=cases[pk], match=m) for pk, m in best if pk in cases]


def same_matter_here(row: TextSignature, *, since: dt.datetime) -> list[tuple[int, rules.Match]]:
    """Return the earlier cases like `row`'s at its place registered from `since`, unscoped."""
    here = Q()
    if row.community_id is not None:
        here |= Q(community_id=row.community_id)
    if row.address:
        here |= Q(address=row.address)
    if not here:
        return []
    others = TextSignature.objects.filter(
        here, registered_at__gte=since, registered_at__lte=row.registered_at
    ).exclude(petition_id=row.petition_id)
    return _scored(rules.Signatures.from_bytes(row.signature), place_of(row), list(others))


def _scored(
    sig: rules.Signatures, place: rules.Place, rows: list[TextSignature]
) -> list[tuple[int, rules.Match]]:
    texts = rules.text_similarities(sig, [rules.Signatures.from_bytes(r.signature) for r in rows])
    found = []
    for row, text in zip(rows, texts, strict=True):
        if (m := rules.scored(text, place, place_of(row))) is not None:
            found.append((row.petition_id, m))
    return found


def people_of(petition_ids: list[int]) -> dict[int, frozenset[int]]:
    """Return each case's people: its petitioner and its representatives."""
    people: dict[int, set[int]] = {}
    for pk, person in Petition.objects.filter(pk__in=petition_ids).values_list(
        "pk", "petitioner_id"
    ):
        named = people.setdefault(pk, set())  # a case naming nobody still has an entry
        if person is not None:
            named.add(person)
    through = Petition.representatives.through
    for pk, person in through.objects.filter(petition_id__in=petition_ids).values_list(
        "petition_id", "petitioner_id"
    ):
        people.setdefault(pk, set()).add(person)
    return {pk: frozenset(p) for pk, p in people.items()}


def thresholds() -> Thresholds:
    """Return the detection thresholds in force (the defaults until the office sets them)."""
    return Thresholds.objects.order_by("pk").first() or Thresholds()


# ---------------------------------------------------------------- hot issues

# Grouped per read at most: the newest cases of the period (README: the time it takes).
HOT_MAX_CASES: Final = 5000
HOT_DEFAULT_DAYS: Final = 30


@dataclass(frozen=True, slots=True)
class HotIssue:
    group: rules.HotGroup
    place: str  # the community most of its cases name, else their commonest address
    numbers: dict[int, str]  # petition id → number, for the links

    @property
    def size(self) -> int:
        return len(self.group.cases)

    @property
    def members(self) -> list[tuple[rules.HotCase, str]]:
        return [(c, self.numbers[c.petition_id]) for c in self.group.cases]


def hot_period(
    start: dt.date | None, end: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """Return the days a hot-issue read covers: start to end inclusive, by default 30 days to today."""
    end = end or today
    return start or end - dt.timedelta(days=HOT_DEFAULT_DAYS - 1), end


def hot_issues(scope: Q, start: dt.date, end: dt.date) -> list[HotIssue]:
    """Return the hot issues among the cases in `scope` registered from `start` to `end`.

    One read of the candidates (their signatures, places, titles and petitioners), one of
    their representatives and one of the groups' communities, however many there are.
    """
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    cases = Petition.objects.filter(scope, registered_at__gte=since, registered_at__lt=until)
    rows = list(
        TextSignature.objects.filter(
            registered_at__gte=since, registered_at__lt=until, petition_id__in=cases.values("pk")
        )
        .order_by("-registered_at", "-petition_id")
        .values_list(
            "petition_id",
            "signature",
            "community_id",
            "address",
            "registered_at",
            "petition__title",
            "petition__petitioner_id",
        )[:HOT_MAX_CASES]
    )
    people: dict[int, set[int]] = {row[0]: {row[6]} if row[6] else set() for row in rows}
    through = Petition.representatives.through
    for pk, person in through.objects.filter(petition_id__in=cases.values("pk")).values_list(
        "petition_id", "petitioner_id"
    ):
        if pk in people:
            people[pk].add(person)
    groups = rules.hot_groups(
        [
            rules.HotCase(
                petition_id=pk,
                sigs=rules.Signatures.from_bytes(sig),
                place=rules.Place(community_id=community, address=address),
                at=at,
                people=frozenset(people[pk]),
                title=title,
            )
            for pk, sig, community, address, at, title, _p in rows
        ],
        until=min(until, clock.now()),
    )
    # The number is the case's year and id (Petition.number): no read of the cases.
    numbers = {row[0]: Petition(pk=row[0], registered_at=row[4]).number for row in rows}
    places = {row[0]: (row[2], row[3]) for row in rows}
    communities = {c for g in groups for c in (places[m.petition_id][0] for m in g.cases) if c}
    names = dict(Unit.objects.filter(pk__in=communities).values_list("pk", "name"))
    return [
        HotIssue(
            group=g,
            place=_commonest([names.get(places[m.petition_id][0] or 0, "") for m in g.cases])
            or _commonest([places[m.petition_id][1] for m in g.cases]),
            numbers={m.petition_id: numbers[m.petition_id] for m in g.cases},
        )
        for g in groups
    ]


def _commonest(values: list[str]) -> str:
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=lambda v: (counts[v], v)) if counts else ""


def hot_unit(user: Any, unit_id: int | None) -> Unit | None:
    """Return the unit a hot-issue read is narrowed to, NotFound if `user` may not see it."""
    if unit_id is None:
        return None
    unit = units_visible_to(user).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("单位不存在或您无权查看。"))
    return unit


def hot_issues_for_user(
    user: Any, start: dt.date, end: dt.date, unit: Unit | None = None
) -> list[HotIssue]:
    """Return the hot issues among the cases `user` may see, narrowed to `unit`'s subtree."""
    scope = visible_q(user) & (access.unit_q(unit) if unit is not None else Q())
    return hot_issues(scope, start, end)


# ---------------------------------------------------------------- alerts

OPEN_STATUSES: Final = (Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED, Alert.Status.ACTING)


def alerts_for_user(user: Any) -> QuerySet[Alert]:
    """Return the alerts `user` may see: those owned within their unit's subtree, as cases."""
    return Alert.objects.filter(access.unit_q(user.unit if user.is_authenticated else None))


def open_alert_count(user: Any) -> int:
    """Return how many alerts not yet closed `user` may see (the header's count)."""
    return alerts_for_user(user).filter(status__in=OPEN_STATUSES).count()


@dataclass(frozen=True, slots=True)
class AlertFilters:
    status: str = ""  # a status, "active" for every status but closed, or "" for all
    kind: str = ""
    severity: str = ""
    unit_id: int | None = None
    raised_from: dt.datetime | None = None
    raised_before: dt.datetime | None = None


def alert_list(user: Any, filters: AlertFilters) -> QuerySet[Alert]:
    """Return the alerts `user` may see that pass `filters`, newest first."""
    qs = alerts_for_user(user).select_related("owner_unit", "escalated_to")
    if filters.status == "active":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.unit_id is not None:
        qs = qs.filter(owner_unit_id=filters.unit_id)
    if filters.raised_from is not None:
        qs = qs.filter(raised_at__gte=filters.raised_from)
    if filters.raised_before is not None:
        qs = qs.filter(raised_at__lt=filters.raised_before)
    return qs.order_by("-raised_at", "-pk")


def access_alert(user: Any, pk: int) -> Alert:
    """Return alert `pk` if `user` may see it; NotFound otherwise, alike for both."""
    try:
        return (
            alerts_for_user(user)
            .select_related("owner_unit", "escalated_to", "acknowledged_by")
            .get(pk=pk)
        )
    except (Alert.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("预警不存在或您无权查看。")) from None


@dataclass(frozen=True, slots=True)
class EvidenceCase:
    petition: Petition
    identity: bool  # whether the reader may see who petitioned (access.can_see_identity)


@dataclass(frozen=True, slots=True)
class Evidence:
    cases: list[EvidenceCase]
    hidden_cases: int  # evidence cases out of the reader's scope
    people: list[Petitioner]
    hidden_people: int  # people the reader may not know of (Art. 46, or out of scope)


def alert_evidence(user: Any, alert: Alert) -> Evidence:
    """Return the cases and people behind `alert`, as much of them as `user` may see."""
    all_cases = alert.petitions.order_by("registered_at", "pk")
    cases = list(
        all_cases.filter(visible_q(user)).select_related("petitioner", "community", "category")
    )
    people_ids = list(alert.people.values_list("pk", flat=True))
    people = list(
        Petitioner.objects.filter(access.registry_q(user), pk__in=people_ids).order_by("name")
    )
    return Evidence(
        cases=[EvidenceCase(p, access.can_see_identity(user, p)) for p in cases],
        hidden_cases=all_cases.count() - len(cases),
        people=people,
        hidden_people=len(people_ids) - len(people),
    )


# ---------------------------------------------------------------- registers


def _scope(user: Any) -> Q:
    return access.unit_q(user.unit if user.is_authenticated else None)


def disputes_for_user(user: Any) -> QuerySet[Dispute]:
    """Return the disputes `user` may see: owned within their unit's subtree, as cases."""
    return Dispute.objects.filter(_scope(user))


def dispute_list(
    user: Any, *, status: str = "", risk_level: str = "", kind: str = ""
) -> QuerySet[Dispute]:
    """Return the disputes `user` may see, highest risk and newest first."""
    qs = disputes_for_user(user).select_related("owner_unit", "cadre")
    if status == "active":
        qs = qs.filter(status__in=(Dispute.Status.OPEN, Dispute.Status.RESOLVING))
    elif status:
        qs = qs.filter(status=status)
    if risk_level:
        qs = qs.filter(risk_level=risk_level)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-updated_at", "-pk")


def access_dispute(user: Any, pk: int) -> Dispute:
    """Return dispute `pk` if `user` may see it; NotFound otherwise, alike for both."""
    try:
        return disputes_for_user(user).select_related("owner_unit", "cadre").get(pk=pk)
    except (Dispute.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("矛盾纠纷不存在或您无权查看。")) from None


def key_persons_for_user(user: Any) -> QuerySet[KeyPerson]:
    """Return the key persons `user` may see: owned within their unit's subtree."""
    return KeyPerson.objects.filter(_scope(user))


def key_person_list(user: Any, *, today: dt.date, status: str = "") -> QuerySet[KeyPerson]:
    """Return the key persons `user` may see, overdue contacts first, then proposals, by due date.

    Each row carries `overdue`: confirmed and due before `today` (next_contact_on is stored).
    """
    qs = key_persons_for_user(user).select_related("owner_unit", "cadre")
    qs = qs.filter(status=status) if status else qs.exclude(status=KeyPerson.Status.REMOVED)
    overdue = Q(status=KeyPerson.Status.CONFIRMED, next_contact_on__lt=today)
    proposed = Q(status=KeyPerson.Status.PROPOSED)
    return qs.annotate(
        overdue=ExpressionWrapper(overdue, output_field=BooleanField()),
        proposed=ExpressionWrapper(proposed, output_field=BooleanField()),
    ).order_by("-overdue", "-proposed", "next_contact_on", "pk")


def access_key_person(user: Any, pk: int) -> KeyPerson:
    """Return key person `pk` if `user` may see them; NotFound otherwise, alike for both."""
    try:
        return key_persons_for_user(user).select_related("owner_unit", "cadre").get(pk=pk)
    except (KeyPerson.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("重点人员不存在或您无权查看。")) from None


def period_in_force(day: dt.date) -> SensitivePeriod | None:
    """Return the sensitive period `day` falls in (the highest level if several), or None."""
    high_first = Case(When(level=SensitivePeriod.Level.HIGH, then=0), default=1)
    return (
        SensitivePeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)
        .order_by(high_first, "starts_on", "pk")
        .first()
    )


def limits_under(period: SensitivePeriod | None) -> rules.Limits:
    """Return the detection thresholds in force, tightened by `period` if there is one."""
    base = thresholds()
    return rules.limits_in_force(base.min_people, base.window_days, period.level if period else "")


def limits_in_force(day: dt.date) -> rules.Limits:
    """Return the detection thresholds in force on `day`, tightened in a sensitive period."""
    return limits_under(period_in_force(day))


# ---------------------------------------------------------------- the daily briefing

# Leaders read the briefing, and auditors, who read what leaders do.
BRIEFING_ROLES: Final = LEADER_ROLES | {"auditor"}


def briefings_for_user(user: Any) -> QuerySet[Briefing]:
    """Return the briefings `user` may read: leaders' and auditors', of units in their subtree."""
    if not user.is_authenticated or user.role not in BRIEFING_ROLES:
        return Briefing.objects.none()
    return Briefing.objects.filter(_scope(user))


def access_briefing(user: Any, pk: int) -> Briefing:
    """Return briefing `pk` if `user` may read it; NotFound otherwise, alike for both."""
    try:
        return briefings_for_user(user).select_related("owner_unit").get(pk=pk)
    except (Briefing.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("每日信访动态不存在或您无权查看。")) from None


@dataclass(frozen=True, slots=True)
class ScreeningRow:
    unit: Unit
    visits: int  # screening visits recorded in the month on the unit's disputes
    new_disputes: int
    high_risk: int  # unresolved disputes of high or critical risk, now

    @property
    def reported(self) -> bool:
        return self.visits > 0 or self.new_disputes > 0


def screening_month(user: Any, first: dt.date) -> list[ScreeningRow]:
    """Return what each community in `user`'s units reported in the month from `first`."""
    after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    units = list(units_visible_to(user).filter(kind=Unit.Kind.COMMUNITY).order_by("path"))
    ids = [u.pk for u in units]
    visits = dict(
        ScreeningVisit.objects.filter(dispute__owner_unit_id__in=ids, on__gte=first, on__lt=after)
        .values_list("dispute__owner_unit_id")
        .annotate(n=Count("pk"))
    )
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(after, dt.time.min))
    new = dict(
        Dispute.objects.filter(owner_unit_id__in=ids, created_at__gte=since, created_at__lt=until)
        .values_list("owner_unit_id")
        .annotate(n=Count("pk"))
    )
    high = dict(
        Dispute.objects.filter(
            owner_unit_id__in=ids,
            risk_level__in=("high", "critical"),
            status__in=(Dispute.Status.OPEN, Dispute.Status.RESOLVING),
        )
        .values_list("owner_unit_id")
        .annotate(n=Count("pk"))
    )
    return [
        ScreeningRow(u, visits.get(u.pk, 0), new.get(u.pk, 0), high.get(u.pk, 0)) for u in units
    ]


# ---------------------------------------------------------------- key projects


def projects_for_user(user: Any) -> QuerySet[KeyProject]:
    """Return the key projects `user` may see: owned within their unit's subtree."""
    return KeyProject.objects.filter(_scope(user))


def access_project(user: Any, pk: int) -> KeyProject:
    """Return key project `pk` if `user` may see it; NotFound otherwise, alike for both."""
    try:
        return projects_for_user(user).select_related("owner_unit").get(pk=pk)
    except (KeyProject.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("重点项目不存在或您无权查看。")) from None


@dataclass(frozen=True, slots=True)
class ProjectPage:
    petitions: list[Petition]
    disputes: list[Dispute]
    key_persons: list[KeyPerson]
    timeline: list[tuple[dt.date, str, str, str]]  # day, what, title, link
    open_petitions: int
    people_involved: int


def project_page(user: Any, project: KeyProject) -> ProjectPage:
    """Return what hangs on `project` that `user` may see, with its timeline and figures."""
    petitions = list(project.petitions.filter(visible_q(user)).order_by("-registered_at")[:200])
    disputes = list(disputes_for_user(user).filter(project=project).order_by("-created_at"))
    people = list(key_persons_for_user(user).filter(project=project).order_by("name"))
    visits = ScreeningVisit.objects.filter(dispute__in=disputes).select_related("dispute")
    timeline = [(project.started_on, _("项目开始"), project.name, "")]
    timeline += [
        (
            clock.local_date(p.registered_at),
            _("信访"),
            f"{p.number} {p.title}",
            p.get_absolute_url(),
        )
        for p in petitions
    ]
    timeline += [
        (clock.local_date(d.created_at), _("矛盾纠纷"), d.title, d.get_absolute_url())
        for d in disputes
    ]
    timeline += [
        (v.on, _("摸排"), f"{v.dispute.title}：{v.findings}", v.dispute.get_absolute_url())
        for v in visits
    ]
    return ProjectPage(
        petitions=petitions,
        disputes=disputes,
        key_persons=people,
        timeline=sorted(timeline, key=lambda t: t[0], reverse=True),
        open_petitions=Petition.objects.open()
        .filter(visible_q(user), pk__in=[p.pk for p in petitions])
        .count(),
        people_involved=sum(d.people_involved for d in disputes),
    )


# ---------------------------------------------------------------- surges


def weekly_counts(field: str, first_week: dt.date, until: dt.date) -> dict[int, dict[dt.date, int]]:
    """Return, per value of `field`, the cases registered each local week (by its Monday).

    Counted from the Monday `first_week` up to the day before `until`, in one GROUP BY.
    """
    since = timezone.make_aware(dt.datetime.combine(first_week, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(until, dt.time.min))
    week = TruncWeek(
        "registered_at", output_field=DateField(), tzinfo=timezone.get_current_timezone()
    )
    rows = (
        Petition.objects.filter(
            registered_at__gte=since, registered_at__lt=end, **{f"{field}__isnull": False}
        )
        .annotate(week=week)
        .values_list(field, "week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[dt.date, int]] = {}
    for key, monday, n in rows:
        counts.setdefault(key, {})[monday] = n
    return counts
