"""Build the seed's demo street and petitions driven through the real services.

`python manage.py demo --petitions 300` creates 西湖区 → 西溪街道 with its communities and
departments, a user per role (password `xinfang-demo`) and petitions spread over the last
two years. Every case is registered and moved along its lifecycle by
services.petition_register and services.petition_transition with the project clock moved
to each step's moment, so registration times, event times and deadlines agree as if the
work had been done on those days: old cases are mostly closed, recent ones open, a few
late. Only this command creates the demo accounts.
"""

import datetime as dt
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from xinfang.accounts.models import Role, User
from xinfang.common import clock
from xinfang.common.errors import DomainError
from xinfang.common.models import AuditEntry
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_subtree_ids
from xinfang.petitions import actions, deadlines, inputs, limits, services
from xinfang.petitions import demo_content as content
from xinfang.petitions.models import (
    Category,
    Channel,
    Petition,
    Petitioner,
    PetitionEvent,
    Satisfaction,
    TimeLimitRule,
)
from xinfang.petitions.workflow import OPEN_STATUSES, Action, Status

DEMO_PASSWORD = "xinfang-demo"
HISTORY_DAYS = 730
# username, role, where: the seed's five accounts and the district's leader.
ROLE_ACCOUNTS = [
    ("admin", Role.ADMIN, "district"),
    ("registrar", Role.REGISTRAR, "street"),
    ("handler", Role.HANDLER, "lakeside"),
    ("leader", Role.LEADING_GROUP, "street"),
    ("auditor", Role.AUDITOR, "district"),
    ("district_leader", Role.LEADING_GROUP, "district"),
]
UNIT_KEYS = [c[0] for c in content.COMMUNITIES] + [d[0] for d in content.DEPARTMENTS]

CHANNEL_WEIGHTS = {
    Channel.LETTER: 14,
    Channel.VISIT: 24,
    Channel.COLLECTIVE_VISIT: 0,
    Channel.PHONE: 14,
    Channel.ONLINE: 24,
    Channel.ASSIGNED: 8,
    Channel.FORWARDED: 5,
    Channel.RECEPTION: 3,
}
COLLECTIVE_WEIGHT = 35  # replaces 0 above for matters people come about in groups
# Days from registration to routing: mostly within a few days, now and then late.
ROUTE_GAPS = [(1, 3), (4, 10), (11, 14), (16, 22)]
ROUTE_GAP_WEIGHTS = [70, 25, 4, 1]
REPLY_KINDS = ["supported", "explained", "not_supported"]
REPLY_KIND_WEIGHTS = [45, 40, 15]
SATISFACTION = [Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED]
SATISFACTION_WEIGHTS = {
    "supported": [80, 17, 3],
    "explained": [45, 40, 15],
    "not_supported": [10, 40, 50],
}
SOLVED_CHANCE = {"supported": 0.9, "explained": 0.6, "not_supported": 0.2}
WORKING_HOURS = (8 * 60 + 30, 17 * 60 + 30)  # registrars register and act in office hours


# ---------------------------------------------------------------- the clock


class MovableClock:
    """Stands in for xinfang.common.clock while the generator replays cases."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def now(self) -> dt.datetime:
        return self.moment.astimezone(dt.UTC)

    def today(self) -> dt.date:
        return timezone.localdate(self.moment)


@contextmanager
def moved_clock(moment: dt.datetime) -> Iterator[MovableClock]:
    """Patch the project clock for the block; set `.moment` to move it."""
    moved = MovableClock(moment)
    with mock.patch.object(clock, "now", moved.now), mock.patch.object(clock, "today", moved.today):
        yield moved


# ---------------------------------------------------------------- the street


@dataclass
class DemoStreet:
    district: Unit
    street: Unit
    units: dict[str, Unit]  # communities and departments by key
    users: dict[str, User]  # the role accounts by username
    handlers: dict[str, User]  # by unit key
    unit_leaders: dict[str, User]  # by unit key

    @property
    def all_users(self) -> list[User]:
        everyone = [*self.users.values(), *self.handlers.values(), *self.unit_leaders.values()]
        return list({user.pk: user for user in everyone}.values())  # `handler` is both


def demo_usernames() -> set[str]:
    """Return every username the demo creates."""
    names = {username for username, _role, _where in ROLE_ACCOUNTS}
    return names | {f"handler_{k}" for k in UNIT_KEYS} | {f"leader_{k}" for k in UNIT_KEYS}


def build_street(password_hash: str) -> DemoStreet:
    """Create the district, the street, its communities and departments, and their users."""
    district = Unit.objects.create(name=content.DISTRICT, kind=Unit.Kind.DISTRICT)
    street = Unit.objects.create(
        name=content.STREET,
        kind=Unit.Kind.STREET,
        parent=district,
        residents=sum(c[2] for c in content.COMMUNITIES),
    )
    units = {
        key: Unit.objects.create(
            name=name, kind=Unit.Kind.COMMUNITY, parent=street, residents=residents, sort=i
        )
        for i, (key, name, residents, _pattern, _weight) in enumerate(content.COMMUNITIES)
    }
    for i, (key, name) in enumerate(content.DEPARTMENTS):
        units[key] = Unit.objects.create(
            name=name, kind=Unit.Kind.DEPARTMENT, parent=street, sort=len(units) + i
        )

    def user(username: str, role: str, unit: Unit, full_name: str) -> User:
        return User.objects.create(
            username=username,
            full_name=full_name,
            role=role,
            unit=unit,
            password=password_hash,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )

    where = {"district": district, "street": street, **units}
    users = {
        name: user(name, role, where[place], content.STAFF_NAMES[name])
        for name, role, place in ROLE_ACCOUNTS
    }
    handlers, leaders = {"lakeside": users["handler"]}, {}
    for i, key in enumerate(UNIT_KEYS):
        if key not in handlers:
            handlers[key] = user(
                f"handler_{key}", Role.HANDLER, units[key], content.HANDLER_NAMES[i]
            )
        leaders[key] = user(f"leader_{key}", Role.UNIT_LEADER, units[key], content.LEADER_NAMES[i])
    for unit, leader in [
        (district, users["district_leader"]),
        (street, users["leader"]),
        *((units[k], leaders[k]) for k in UNIT_KEYS),
    ]:
        unit.leader = leader
        unit.save(update_fields=["leader"])
    return DemoStreet(district, street, units, users, handlers, leaders)


def demo_district() -> Unit | None:
    """Return the demo's district unit if the demo has been built."""
    return Unit.objects.filter(parent=None, name=content.DISTRICT).first()


def demo_exists() -> bool:
    """Return whether demo units or accounts are already in the database."""
    return (
        demo_district() is not None or User.objects.filter(username__in=demo_usernames()).exists()
    )


def remove_demo() -> None:
    """Delete the demo street, its users and every case registered or handled there."""
    unit_ids = unit_subtree_ids(demo_district())
    cases = Petition.objects.filter(
        Q(registered_unit_id__in=unit_ids) | Q(handling_unit_id__in=unit_ids)
    )
    people = set(cases.exclude(petitioner=None).values_list("petitioner_id", flat=True))
    people |= set(
        Petitioner.objects.filter(represented_petitions__in=cases).values_list("pk", flat=True)
    )
    users = User.objects.filter(Q(unit_id__in=unit_ids) | Q(username__in=demo_usernames()))
    # Repeats and merges point at other cases; unlinked, the cases can go in one delete.
    cases.update(repeat_of=None, merged_into=None)
    cases.delete()
    Petitioner.objects.filter(pk__in=people, petitions=None, represented_petitions=None).delete()
    AuditEntry.objects.filter(actor__in=users).delete()
    Unit.objects.filter(pk__in=unit_ids).update(leader=None)
    users.delete()
    for unit in sorted(Unit.objects.filter(pk__in=unit_ids), key=lambda u: -len(u.path)):
        unit.delete()


# ---------------------------------------------------------------- case plans


@dataclass
class Step:
    at: dt.datetime
    action: Action
    actor: User
    data: dict[str, Any]


@dataclass(frozen=True)
class Branches:
    """The turns one case takes; drawn at random, or forced so as to end in `stop_at`."""

    route: Action = Action.ACCEPT
    objection: bool = False
    objection_forward: bool = False
    extension: Action | None = None  # APPROVE_EXTENSION or REJECT_EXTENSION
    hearing: bool = False
    supervise: bool = False
    reply: str = "on_time"  # "on_time", "late" or "never"
    evaluate: bool = False
    review: bool = False
    rereview: bool = False
    follow_up: bool = True
    stop_at: Status | None = None


S, A = Status, Action
FORCED: dict[Status, Branches] = {
    S.REGISTERED: Branches(stop_at=S.REGISTERED),
    S.HANDLING: Branches(stop_at=S.HANDLING),
    S.OBJECTED: Branches(objection=True, stop_at=S.OBJECTED),
    S.EXTENSION_REQUESTED: Branches(extension=A.APPROVE_EXTENSION, stop_at=S.EXTENSION_REQUESTED),
    S.HEARING: Branches(hearing=True, stop_at=S.HEARING),
    S.REPLIED: Branches(stop_at=S.REPLIED),
    S.EVALUATED: Branches(evaluate=True, stop_at=S.EVALUATED),
    S.CLOSED: Branches(evaluate=True, stop_at=S.CLOSED),
    S.UNDER_REVIEW: Branches(evaluate=True, review=True, stop_at=S.UNDER_REVIEW),
    S.REVIEWED: Branches(review=True, stop_at=S.REVIEWED),
    S.UNDER_REREVIEW: Branches(review=True, rereview=True, stop_at=S.UNDER_REREVIEW),
    S.FINAL: Branches(evaluate=True, review=True, rereview=True, stop_at=S.FINAL),
    S.FORWARDED: Branches(route=A.FORWARD, stop_at=S.FORWARDED),
    S.NOT_ACCEPTED: Branches(route=A.NOT_ACCEPT, stop_at=S.NOT_ACCEPTED),
    S.MERGED: Branches(route=A.MERGE, stop_at=S.MERGED),
}
# Days a forced case has sat in its status: short while a clock runs, anything once done.
FORCED_IDLE: dict[Status, tuple[int, int]] = {
    S.REGISTERED: (0, 6),
    S.HANDLING: (2, 20),
    S.OBJECTED: (0, 2),
    S.EXTENSION_REQUESTED: (0, 2),
    S.HEARING: (1, 10),
    S.REPLIED: (1, 6),
    S.EVALUATED: (1, 10),
    S.UNDER_REVIEW: (1, 15),
    S.UNDER_REREVIEW: (1, 15),
    S.MERGED: (0, 30),
}
DONE_IDLE = (0, 400)
ROUTED_AWAY = frozenset({S.FORWARDED, S.NOT_ACCEPTED, S.MERGED})
# An anonymous letter accusing a cadre, handled and checked on, with nobody to rate it.
ANONYMOUS_ACCUSATION = Branches(stop_at=S.CLOSED)
# A case the unit sits on: never replied, chased by the leader, now well past its deadline.
STALLED = Branches(supervise=True, reply="never")
STALLED_IDLE = (70, 200)


@dataclass
class Spec:
    """What a case is about and who brings it; dates come with its plan."""

    template: content.Template
    community: str
    unit: str  # the unit key that handles it
    registrar: User
    data: inputs.RegistrationData
    repeat: "Done | None" = None


@dataclass
class CasePlan:
    spec: Spec
    at: dt.datetime
    data: inputs.RegistrationData
    steps: list[Step] = field(default_factory=list)


@dataclass
class Done:
    """A case already written, as a later repeat of the same matter needs it."""

    pk: int
    at: dt.datetime
    spec: Spec
    status: str


def fits(t: content.Template, status: Status, channel: str | None, anonymous: bool) -> bool:
    """Return whether a forced case in `status` can be about `t`."""
    if status == S.FORWARDED:
        return bool(t.forward_to)
    if status == S.NOT_ACCEPTED:
        return bool(t.legal_channel)
    if anonymous:
        return bool(t.accused)
    plain = not (t.forward_to or t.legal_channel or t.accused)
    return plain and (t.collective or channel != Channel.COLLECTIVE_VISIT)


class Timeline:
    """The steps of one case as they are planned, with the status they lead to."""

    def __init__(
        self, generator: "DemoGenerator", rng: random.Random, day: dt.date, stop_at: Status | None
    ) -> None:
        self.generator, self.rng, self.day, self.stop_at = generator, rng, day, stop_at
        self.planned = Status.REGISTERED
        self.steps: list[Step] = []

    def after(self, low: int, high: int) -> dt.date:
        """Return a working day `low` to `high` days after the last step."""
        return self.generator.working_day(self.day + dt.timedelta(days=self.rng.randint(low, high)))

    def add(self, day: dt.date, action: Action, actor: User, data: dict[str, Any]) -> bool:
        """Plan `action` on `day`; return whether the case has reached its stop."""
        day = max(day, self.day + dt.timedelta(days=1))
        self.steps.append(Step(self.generator.moment(day, self.rng), action, actor, data))
        self.day = day
        self.planned = actions.next_status(self.planned, action)
        return self.planned == self.stop_at


class DemoGenerator:
    """Plans cases over the last two years and replays them through the services."""

    def __init__(
        self,
        street: DemoStreet,
        rng: random.Random,
        now: dt.datetime,
        progress: Callable[[int, int], None] = lambda done, total: None,
    ) -> None:
        self.street, self.rng, self.now, self.progress = street, rng, now, progress
        self.today = timezone.localdate(now)
        self.limits = limits.time_limits()
        self.categories = {
            (c.parent.name, c.name): c.pk
            for c in Category.objects.filter(parent__isnull=False).select_related("parent")
            if c.parent is not None
        }
        self.communities = {c[0]: c for c in content.COMMUNITIES}
        self.used_ids: set[str] = set()
        self.done: list[Done] = []
        self.first_seen: dict[int, dt.datetime] = {}

    # ------------------------------------------------------------ time

    def working_day(self, day: dt.date) -> dt.date:
        """Return `day`, or the next working day; days to come are left as they are."""
        # Steps after today are planned only to be dropped, and the calendar may not know them.
        while day <= self.today and not deadlines.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def moment(self, day: dt.date, rng: random.Random) -> dt.datetime:
        """Return a moment in office hours on `day`."""
        minute = rng.randint(*WORKING_HOURS)
        naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randint(0, 59)))
        return timezone.make_aware(naive)

    # ------------------------------------------------------------ who and what

    def person(self, community: str) -> inputs.PetitionerData:
        rng = self.rng
        id_number = ""
        if rng.random() < 0.75:
            while not id_number or id_number in self.used_ids:
                id_number = content.id_number(rng)
            self.used_ids.add(id_number)
        return inputs.PetitionerData(
            name=content.person_name(rng),
            id_number=id_number,
            phone=content.phone_number(rng) if rng.random() < 0.92 else "",
            address=content.address(rng, self.communities[community][3]),
            community_id=self.street.units[community].pk,
        )

    def template(self, want: Callable[[content.Template], bool]) -> content.Template:
        choices = [t for t in content.TEMPLATES if want(t)]
        return self.rng.choices(choices, [2 if t.communities else 1 for t in choices])[0]

    def community(self, template: content.Template) -> str:
        if template.communities:
            return self.rng.choice(template.communities)
        return self.rng.choices(list(self.communities), [c[4] for c in content.COMMUNITIES])[0]

    def channel(self, template: content.Template) -> str:
        weights = dict(CHANNEL_WEIGHTS)
        if template.collective:
            weights[Channel.COLLECTIVE_VISIT] = COLLECTIVE_WEIGHT
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def spec(
        self,
        template: content.Template,
        community: str,
        *,
        repeat: Done | None = None,
        channel: str | None = None,
        anonymous: bool | None = None,
    ) -> Spec:
        """Return who brings the matter of `template`, through which channel, saying what.

        The channel and anonymity are drawn unless given; a repeat is never anonymous.
        """
        rng = self.rng
        channel = channel or self.channel(template)
        collective = channel == Channel.COLLECTIVE_VISIT
        if anonymous is None:
            anonymous = (
                repeat is None
                and channel in {Channel.LETTER, Channel.ONLINE, Channel.PHONE}
                and rng.random() < (0.5 if template.accused else 0.08)
            )
        if repeat is not None:
            people = repeat.spec.data.petitioners[: 5 if collective else 1]
        elif anonymous:
            people = []
        elif collective:
            people = [
                self.person(community)
                for _ in range(rng.choices(range(1, 6), [10, 25, 30, 20, 15])[0])
            ]
        else:
            people = [self.person(community) for _ in range(2 if rng.random() < 0.05 else 1)]
        if collective:
            head_count = min(60, 5 + int(rng.expovariate(1 / 12)))
        else:
            head_count = max(1, len(people)) if channel == Channel.VISIT else 1
        place = self.communities[community][1].removesuffix("社区")
        addr = people[0].address if people else content.address(rng, self.communities[community][3])
        if repeat is not None:
            title = repeat.spec.data.title
            text = content.REPEAT_PREFIX + repeat.spec.data.content.removeprefix(
                content.REPEAT_PREFIX
            )
        else:
            title, text = template.title, content.fill(template.content, rng, place, addr)

        def unit_key(key: str) -> str:
            return community if key == "community" else key

        data = inputs.RegistrationData(
            channel=channel,
            title=title,
            content=text,
            petitioners=people,
            is_anonymous=anonymous,
            head_count=head_count,
            category_id=self.categories[template.category],
            community_id=self.street.units[community].pk,
            address=addr,
            accused=template.accused.format(place=place),
            accused_unit_id=(
                self.street.units[unit_key(template.accused_unit)].pk
                if template.accused_unit
                else None
            ),
            repeat_of_id=repeat.pk if repeat else None,
            is_litigation=bool(template.legal_channel),
            merit=rng.choices(
                ["", "reasonable_orderly", "reasonable_disorderly", "unreasonable_disorderly"],
                [50, 38, 8, 4],
            )[0],
        )
        registrar = self.street.users["leader" if channel == Channel.RECEPTION else "registrar"]
        return Spec(template, community, unit_key(template.unit), registrar, data, repeat)

    def random_branches(self, spec: Spec) -> Branches:
        r, t = self.rng.random, spec.template
        if t.legal_channel:
            route = A.NOT_ACCEPT
        elif t.forward_to:
            route = A.FORWARD if r() < 0.9 else A.ACCEPT
        elif spec.repeat is not None:
            merge_ok = spec.repeat.status != S.MERGED
            route = self.rng.choices(
                [A.MERGE, A.NOT_ACCEPT, A.ACCEPT], [35 if merge_ok else 0, 20, 45]
            )[0]
        else:
            route = A.NOT_ACCEPT if r() < 0.02 else A.ACCEPT
        rated = not spec.data.is_anonymous and not spec.data.is_litigation
        review = rated and r() < 0.06
        return Branches(
            route=route,
            objection=not t.accused and r() < 0.04,
            objection_forward=r() < 0.15,
            extension=(A.APPROVE_EXTENSION if r() < 0.8 else A.REJECT_EXTENSION)
            if r() < 0.07
            else None,
            hearing=not spec.data.is_anonymous and r() < 0.025,
            supervise=r() < (0.2 if spec.data.channel == Channel.COLLECTIVE_VISIT else 0.08),
            reply="never" if r() < 0.01 else "late" if r() < 0.05 else "on_time",
            evaluate=rated and r() < 0.8,
            review=review,
            rereview=review and r() < 0.3,
            follow_up=r() < 0.9,
        )

    # ------------------------------------------------------------ plans

    def plan(self, spec: Spec, day: dt.date, b: Branches, rng: random.Random) -> CasePlan:
        """Return the case registered on `day` with the steps its branches lead to."""
        at = self.moment(day, rng)
        if at > self.now:  # registered today, but the hour has not come yet: the day before
            day = self.working_day_before(day - dt.timedelta(days=1))
            at = self.moment(day, rng)
        data = spec.data
        if data.channel in {Channel.ASSIGNED, Channel.FORWARDED}:
            pool = (
                content.ASSIGNING_AUTHORITIES
                if data.channel == Channel.ASSIGNED
                else content.FORWARDING_AUTHORITIES
            )
            authority, prefix = rng.choice(pool)
            data = replace(
                data,
                origin_authority=authority,
                origin_reference=f"{prefix}〔{day.year}〕{rng.randint(1, 999)}号",
                origin_deadline=(
                    day + dt.timedelta(days=rng.choice([20, 30, 45]))
                    if data.channel == Channel.ASSIGNED
                    else None
                ),
            )
        return CasePlan(spec, at, data, self.steps(spec, data, day, b, rng))

    def steps(
        self,
        spec: Spec,
        data: inputs.RegistrationData,
        day: dt.date,
        b: Branches,
        rng: random.Random,
    ) -> list[Step]:
        s, t = self.street, Timeline(self, rng, day, b.stop_at)
        office, leader = s.users["registrar"], s.users["leader"]
        if b.stop_at == S.REGISTERED:
            return []
        route_day = t.after(*rng.choices(ROUTE_GAPS, ROUTE_GAP_WEIGHTS)[0])
        if b.route == A.FORWARD:
            to = spec.template.forward_to or content.ASSIGNING_AUTHORITIES[0][0]
            t.add(route_day, A.FORWARD, office, {"forwarded_to": to, "note": f"转送{to}处理。"})
            return t.steps
        if b.route == A.NOT_ACCEPT:
            legal = spec.template.legal_channel
            reason = (
                content.NOT_ACCEPT_LEGAL[legal]
                if legal
                else content.NOT_ACCEPT_REPEAT
                if spec.repeat
                else content.NOT_ACCEPT_OTHER
            )
            t.add(route_day, A.NOT_ACCEPT, office, {"reason": reason, "legal_channel": legal})
            return t.steps
        if b.route == A.MERGE and spec.repeat is not None:
            t.add(
                route_day,
                A.MERGE,
                office,
                {"original_id": spec.repeat.pk, "note": "与原信访事项为同一事项，并入办理。"},
            )
            return t.steps
        unit = spec.unit
        accept = {"handling_unit_id": s.units[unit].pk, "note": f"交{s.units[unit].name}办理。"}
        if data.channel == Channel.COLLECTIVE_VISIT or spec.repeat or spec.template.accused:
            accept["responsible_leader_id"] = leader.pk
        if t.add(route_day, A.ACCEPT, office, accept):
            return t.steps
        # As services._accept: 60 days, or the higher office's deadline when earlier.
        due = deadlines.due_date(route_day, self.limits[TimeLimitRule.Key.HANDLE])
        if data.origin_deadline:
            due = min(due, data.origin_deadline)
        if b.objection:
            if t.add(
                t.after(1, 3),
                A.OBJECT,
                s.handlers[unit],
                {"reason": rng.choice(content.OBJECTION_REASONS)},
            ):
                return t.steps
            if b.objection_forward:
                to = content.ASSIGNING_AUTHORITIES[0][0]
                t.add(
                    t.after(1, 3),
                    A.FORWARD,
                    office,
                    {"forwarded_to": to, "note": "退回上级重新交办。"},
                )
                return t.steps
            unit = "urban" if unit in self.communities else rng.choice(list(self.communities))
            t.add(
                t.after(1, 3),
                A.REASSIGN,
                office,
                {"handling_unit_id": s.units[unit].pk, "note": f"改交{s.units[unit].name}办理。"},
            )
        handler = s.handlers[unit]
        t.add(
            t.after(2, 8), A.RECORD_HANDLING, handler, {"note": rng.choice(content.HANDLING_NOTES)}
        )
        if b.hearing:
            if t.add(t.after(3, 15), A.START_HEARING, handler, {"note": "组织听证。"}):
                return t.steps
            started = t.day
            t.add(
                t.after(7, 20), A.END_HEARING, handler, {"note": rng.choice(content.HEARING_NOTES)}
            )
            due += t.day - started
        if b.extension:
            days = rng.choice([15, 20, 30])
            request = max(
                t.after(1, 3), self.working_day(due - dt.timedelta(days=rng.randint(4, 12)))
            )
            if t.add(
                request,
                A.REQUEST_EXTENSION,
                handler,
                {"days": days, "reason": rng.choice(content.EXTENSION_REASONS)},
            ):
                return t.steps
            t.add(t.after(1, 3), b.extension, s.unit_leaders[unit], {"note": "经审核。"})
            if b.extension == A.APPROVE_EXTENSION:
                due += dt.timedelta(days=days)
        if b.supervise:
            day = t.after(1, 10)
            t.add(
                day,
                A.SUPERVISE,
                leader,
                {
                    "due": day + dt.timedelta(days=rng.randint(7, 14)),
                    "note": rng.choice(content.SUPERVISION_NOTES),
                },
            )
        if b.reply == "never":
            return t.steps
        if b.reply == "late":
            reply_day = self.working_day(due + dt.timedelta(days=rng.randint(1, 25)))
        else:
            room = (due - t.day).days - 3
            reply_day = t.after(2, max(2, min(room, 50)))
        kind = rng.choices(REPLY_KINDS, REPLY_KIND_WEIGHTS)[0]
        text = rng.choice(content.REPLIES[kind]).format(unit=s.units[unit].name)
        if t.add(reply_day, A.REPLY, handler, {"reply_kind": kind, "text": text}):
            return t.steps
        if b.evaluate:
            weights = SATISFACTION_WEIGHTS["not_supported" if b.review else kind]
            rating = {
                "satisfaction_unit": rng.choices(SATISFACTION, weights)[0],
                "satisfaction_office": rng.choices(SATISFACTION, weights)[0],
            }
            if t.add(t.after(1, 5), A.EVALUATE, office, rating):
                return t.steps
        if b.review:
            if t.add(
                t.after(1, 5),
                A.REQUEST_REVIEW,
                office,
                {"note": "信访人对处理意见不服，申请复查。"},
            ):
                return t.steps
            kind, text = rng.choice(content.REVIEW_ANSWERS)
            answer = {"reply_kind": kind, "text": text}
            if t.add(t.after(10, 25), A.ANSWER_REVIEW, leader, answer):
                return t.steps
            if b.rereview:
                if t.add(
                    t.after(3, 15),
                    A.REQUEST_REREVIEW,
                    office,
                    {"note": "信访人对复查意见不服，申请复核。"},
                ):
                    return t.steps
                kind, text = content.REREVIEW_ANSWER
                answer = {"reply_kind": kind, "text": text}
                t.add(t.after(10, 25), A.ANSWER_REREVIEW, s.users["district_leader"], answer)
                return t.steps
        if b.follow_up:
            solved = rng.random() < SOLVED_CHANCE[kind]
            t.add(
                t.after(5, 30),
                A.FOLLOW_UP,
                office,
                {"solved": solved, "note": rng.choice(content.FOLLOW_UP_NOTES[solved])},
            )
        return t.steps

    def random_case(self, day: dt.date) -> CasePlan:
        """Return a case registered on `day`, its steps up to now drawn at random."""
        earlier = [
            d for d in self.done if d.spec.data.petitioners and timezone.localdate(d.at) < day
        ]
        repeat = self.rng.choice(earlier) if earlier and self.rng.random() < 0.12 else None
        if repeat is not None:
            spec = self.spec(repeat.spec.template, repeat.spec.community, repeat=repeat)
        else:
            template = self.template(lambda t: True)
            spec = self.spec(template, self.community(template))
        plan = self.plan(spec, self.working_day_before(day), self.random_branches(spec), self.rng)
        plan.steps = [s for s in plan.steps if s.at <= self.now]
        return plan

    def working_day_before(self, day: dt.date) -> dt.date:
        while not deadlines.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def forced_case(
        self,
        status: Status,
        *,
        branches: Branches | None = None,
        idle_days: tuple[int, int] | None = None,
        repeat: Done | None = None,
        channel: str | None = None,
        anonymous: bool = False,
    ) -> CasePlan:
        """Return a case that is in `status` now (a repeat of `repeat` if given)."""
        if repeat is not None:
            spec = self.spec(repeat.spec.template, repeat.spec.community, repeat=repeat)
        else:
            template = self.template(lambda t: fits(t, status, channel, anonymous))
            spec = self.spec(
                template, self.community(template), channel=channel, anonymous=anonymous
            )
        idle = self.rng.randint(*(idle_days or FORCED_IDLE.get(status, DONE_IDLE)))
        latest = self.today - dt.timedelta(days=idle)
        seed, day = self.rng.random(), latest
        # Working days move the steps a little with the start: slide back until they fit.
        for _ in range(50):
            plan = self.plan(
                spec, self.working_day_before(day), branches or FORCED[status], random.Random(seed)
            )
            last = plan.steps[-1].at if plan.steps else plan.at
            overshoot = (timezone.localdate(last) - latest).days
            if overshoot <= 0 and last <= self.now:
                return plan
            day -= dt.timedelta(days=max(overshoot, 1))
        raise CommandError(f"Could not fit a case ending in {status} into the last two years.")

    # ------------------------------------------------------------ writing

    def execute(self, plan: CasePlan, moved: MovableClock) -> Petition:
        """Register the case and take its steps, each at its own moment, in one transaction."""
        with transaction.atomic():
            moved.moment = plan.at
            petition = services.petition_register(actor=plan.spec.registrar, data=plan.data)
            for step in plan.steps:
                moved.moment = step.at
                try:
                    petition = services.petition_transition(
                        actor=step.actor,
                        petition_id=petition.pk,
                        action=step.action,
                        data=actions.ACTIONS[step.action].input(**step.data),
                        expected_version=petition.version,
                    )
                except DomainError as e:
                    raise CommandError(
                        f"Case {petition.number}: {step.action} on {step.at:%Y-%m-%d} by "
                        f"{step.actor.username} refused: {e.message}"
                    ) from e
        people = [petition.petitioner_id] if petition.petitioner_id else []
        if len(plan.data.petitioners) > 1 or plan.data.channel == Channel.COLLECTIVE_VISIT:
            people = list(petition.representatives.values_list("pk", flat=True))
        for pk in people:
            self.first_seen[pk] = min(self.first_seen.get(pk, plan.at), plan.at)
        self.done.append(Done(petition.pk, plan.at, plan.spec, petition.status))
        return petition

    def run(self, total: int, moved: MovableClock) -> None:
        """Write `total` cases; with at least one per status, every status appears."""
        forced = list(Status) if total >= len(Status) else []
        # The accepted cases go round the channels, so that every channel appears too.
        channels = itertools.cycle(Channel)
        plans = [
            self.forced_case(s, channel=None if s in ROUTED_AWAY else next(channels))
            for s in forced
            if s != S.MERGED
        ]
        spare = total - len(forced)
        if forced and spare:
            plans.append(
                self.forced_case(
                    S.CLOSED, branches=ANONYMOUS_ACCUSATION, channel=Channel.LETTER, anonymous=True
                )
            )
            plans += [
                self.forced_case(S.HANDLING, branches=STALLED, idle_days=STALLED_IDLE)
                for _ in range(min(spare - 1, max(1, total // 100)))
            ]
        days = [
            self.today - dt.timedelta(days=self.rng.randint(0, HISTORY_DAYS - 1))
            for _ in range(total - len(plans) - (S.MERGED in forced))
        ]
        queue: list[tuple[dt.date, CasePlan | None]] = [
            *((timezone.localdate(p.at), p) for p in plans),
            *((d, None) for d in days),
        ]
        queue.sort(key=lambda item: item[0])
        for i, (day, plan) in enumerate(queue, 1):
            self.execute(plan or self.random_case(day), moved)
            self.progress(i, total)
        if S.MERGED in forced:
            # Last, so that every earlier case can be the one it repeats.
            weeks_ago = self.now - dt.timedelta(
                days=40
            )  # before the merged case, whatever its idle
            originals = [
                d
                for d in self.done
                if d.spec.data.petitioners and d.status != S.MERGED and d.at < weeks_ago
            ]
            self.execute(
                self.forced_case(S.MERGED, repeat=self.rng.choice(originals))
                if originals
                else self.random_case(self.today),
                moved,
            )
            self.progress(total, total)
        people = list(Petitioner.objects.filter(pk__in=self.first_seen))
        for person in people:
            person.created_at = self.first_seen[person.pk]
        Petitioner.objects.bulk_update(people, ["created_at"], batch_size=500)


# ---------------------------------------------------------------- the command


class Command(BaseCommand):
    help = "Create the demo street, its accounts (password xinfang-demo) and N petitions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--petitions", type=int, default=300, help="How many (default 300).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--reset", action="store_true", help="Replace existing demo data.")

    def handle(self, *args: Any, petitions: int, seed: int, reset: bool, **options: Any) -> None:
        if str(settings.SETTINGS_MODULE).endswith(".production"):
            raise CommandError("The demo creates accounts with a published password: not here.")
        if petitions < 0:
            raise CommandError("--petitions must be zero or more.")
        if demo_exists():
            if not reset:
                raise CommandError(
                    "Demo data already exists; run again with --reset to replace it."
                )
            try:
                with transaction.atomic():
                    remove_demo()
            except ProtectedError as e:
                raise CommandError(
                    f"Other records refer to the demo data ({len(e.protected_objects)} found); "
                    "use a fresh database."
                ) from e
        started = time.monotonic()
        with transaction.atomic():
            street = build_street(make_password(DEMO_PASSWORD))
        step = max(50, petitions // 10)

        def progress(done: int, total: int) -> None:
            if total >= 200 and (done % step == 0 or done == total):
                self.stdout.write(f"  {done}/{total} petitions")

        now = clock.now()
        generator = DemoGenerator(street, random.Random(seed), now, progress)
        with moved_clock(now) as moved:
            generator.run(petitions, moved)
        self.summary(street, generator, time.monotonic() - started)

    def summary(self, street: DemoStreet, generator: DemoGenerator, seconds: float) -> None:
        cases = Petition.objects.filter(pk__in=[d.pk for d in generator.done])
        statuses = Counter(cases.values_list("status", flat=True))
        channels = Counter(cases.values_list("channel", flat=True))
        overdue = cases.filter(status__in=OPEN_STATUSES, due_date__lt=generator.today).count()
        events = PetitionEvent.objects.filter(petition__in=cases).count()
        w = self.stdout.write
        w(
            self.style.SUCCESS(
                f"Demo street {street.district.name} → {street.street.name}: {len(street.units)} units "
                f"under the street, {len(street.all_users)} accounts, {len(generator.done)} petitions "
                f"with {events} events in {seconds:.1f} s."
            )
        )
        w("By status:  " + ", ".join(f"{s} {statuses[s]}" for s in Status if statuses[s]))
        w("By channel: " + ", ".join(f"{c} {n}" for c, n in channels.most_common()))
        w(f"Open and overdue: {overdue}")
        w(f"Accounts (password {DEMO_PASSWORD}):")
        for user in street.users.values():
            w(f"  {user.username:<16} {user.get_role_display():<10} {user.unit}")
        w(
            "  plus handler_<unit> and leader_<unit> for every community and department, e.g. "
            f"{street.handlers['renovation'].username}, {street.unit_leaders['lakeside'].username}."
        )
