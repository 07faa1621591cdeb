"""Two years of the demo street's cases, written through the real petition services.

Each case is registered with services.petition_register and moved along with
services.petition_transition, the project clock frozen at each step's moment
(`clock.frozen_at`), so registration times, event times and deadlines agree as if the
work had been done on those days: old cases are mostly closed, recent ones open, a few
late. A case made to end in a given status is replayed in a savepoint and rolled back
until its last step lands where it should.
"""

import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from xinfang.common import clock
from xinfang.common.errors import DomainError
from xinfang.demo.cases import Done, Intake, Spec, can_recur, fits
from xinfang.demo.lifecycle import (
    ANONYMOUS_ACCUSATION,
    DONE_IDLE,
    FORCED,
    FORCED_IDLE,
    ROUTED_AWAY,
    STALLED,
    STALLED_IDLE,
    Branches,
    Step,
    course,
    office_moment,
    random_branches,
    working_day_before,
)
from xinfang.demo.street import DemoStreet
from xinfang.petitions import inputs, services
from xinfang.petitions.models import Channel, Petition, Petitioner
from xinfang.petitions.workflow import Status

HISTORY_DAYS = 730
FIT_ATTEMPTS = 50


class DemoError(Exception):
    """The demo could not write a case as planned."""


@dataclass
class CasePlan:
    """A case to write: registered at `at` with `data`, then taking the turns `branches`."""

    spec: Spec
    day: dt.date
    at: dt.datetime
    data: inputs.RegistrationData
    branches: Branches
    rng: random.Random


class DemoGenerator:
    """Plans cases over the last two years and writes them through the services."""

    def __init__(
        self,
        street: DemoStreet,
        rng: random.Random,
        now: dt.datetime,
        progress: Callable[[int, int], None] = lambda done, total: None,
    ) -> None:
        self.street, self.rng, self.now, self.progress = street, rng, now, progress
        self.today = timezone.localdate(now)
        self.intake = Intake(street, rng)
        self.done: list[Done] = []
        self.first_seen: dict[int, dt.datetime] = {}

    def plan(self, spec: Spec, day: dt.date, branches: Branches, rng: random.Random) -> CasePlan:
        """Return the case about `spec` registered on `day` in office hours."""
        at = office_moment(day, rng)
        if at > self.now:  # registered today, but the hour has not come yet: the day before
            day = working_day_before(day - dt.timedelta(days=1))
            at = office_moment(day, rng)
        return CasePlan(spec, day, at, self.intake.registration(spec, day, rng), branches, rng)

    # ------------------------------------------------------------ writing

    def take(self, petition: Petition, step: Step) -> Petition:
        """Take `step` through the transition service at its moment; return the petition."""
        try:
            with clock.frozen_at(step.at):
                return services.petition_transition(
                    actor=step.actor,
                    petition_id=petition.pk,
                    action=step.action,
                    data=step.data,
                    expected_version=petition.version,
                )
        except DomainError as e:
            raise DemoError(
                f"Case {petition.pk}: {step.action} on {step.at:%Y-%m-%d} by "
                f"{step.actor.username} refused: {e.message}"
            ) from e

    def replay(self, plan: CasePlan, *, past_now: bool) -> tuple[Petition, dt.datetime]:
        """Register the case and take its steps; return it and the moment of its last step.

        Steps after now are dropped unless `past_now`: a forced case takes them all, to
        learn how far it must move back.
        """
        with clock.frozen_at(plan.at):
            petition = services.petition_register(actor=plan.spec.registrar, data=plan.data)
        last, stop = plan.at, plan.branches.stop_at
        if petition.status == stop:
            return petition, last
        steps = course(self.street, plan.spec, plan.day, plan.branches, plan.rng, self.today)
        step = next(steps, None)
        while step is not None and (past_now or step.at <= self.now):
            petition, last = self.take(petition, step), step.at
            if petition.status == stop:
                break
            try:
                step = steps.send(petition)
            except StopIteration:
                step = None
        return petition, last

    def record(self, plan: CasePlan, petition: Petition) -> None:
        """Remember the case for later repeats, and when its people were first seen."""
        people = [petition.petitioner_id] if petition.petitioner_id else []
        if len(plan.data.petitioners) > 1 or plan.data.channel == Channel.COLLECTIVE_VISIT:
            people = list(petition.representatives.values_list("pk", flat=True))
        for pk in people:
            self.first_seen[pk] = min(self.first_seen.get(pk, plan.at), plan.at)
        self.done.append(Done(petition.pk, plan.at, plan.spec, petition.status))

    def write(self, plan: CasePlan) -> Petition:
        """Write the planned case, steps after now left out, in one transaction."""
        with transaction.atomic():
            petition, _last = self.replay(plan, past_now=False)
        self.record(plan, petition)
        return petition

    def random_plan(self, day: dt.date) -> CasePlan:
        """Return a case registered on `day`, its turns drawn at random."""
        earlier = [d for d in self.done if can_recur(d) and timezone.localdate(d.at) < day]
        repeat = self.rng.choice(earlier) if earlier and self.rng.random() < 0.12 else None
        intake = self.intake
        if repeat is not None:
            spec = intake.spec(repeat.spec.template, repeat.spec.community, repeat=repeat)
        else:
            template = intake.template()
            spec = intake.spec(template, intake.community(template))
        return self.plan(spec, working_day_before(day), random_branches(spec, self.rng), self.rng)

    def forced_plan(
        self,
        status: Status,
        *,
        branches: Branches | None = None,
        idle_days: tuple[int, int] | None = None,
        repeat: Done | None = None,
        channel: str | None = None,
        anonymous: bool = False,
    ) -> CasePlan:
        """Return a case that is in `status` now (a repeat of `repeat` if given).

        Only the services know where its steps land, so the case is replayed in a savepoint
        rolled back each time, its start moved back until its last step is as long ago as
        its idle days say.
        """
        intake = self.intake
        if repeat is not None:
            spec = intake.spec(repeat.spec.template, repeat.spec.community, repeat=repeat)
        else:
            template = intake.template(lambda t: fits(t, status, channel, anonymous))
            spec = intake.spec(
                template, intake.community(template), channel=channel, anonymous=anonymous
            )
        branches = branches or FORCED[status]
        idle = self.rng.randint(*(idle_days or FORCED_IDLE.get(status, DONE_IDLE)))
        latest = self.today - dt.timedelta(days=idle)
        seed, day = self.rng.random(), latest
        for _ in range(FIT_ATTEMPTS):
            start = working_day_before(day)
            with transaction.atomic():
                _petition, last = self.replay(
                    self.plan(spec, start, branches, random.Random(seed)), past_now=True
                )
                transaction.set_rollback(True)
            overshoot = (timezone.localdate(last) - latest).days
            if overshoot <= 0 and last <= self.now:
                # The same seed from the same start draws the same case again.
                return self.plan(spec, start, branches, random.Random(seed))
            day -= dt.timedelta(days=max(overshoot, 1))
        raise DemoError(f"Could not fit a case ending in {status} into the last two years.")

    def run(self, total: int) -> None:
        """Write `total` cases; with at least one per status, every status appears."""
        forced = list(Status) if total >= len(Status) else []
        # The accepted cases go round the channels, so that every channel appears too.
        channels = itertools.cycle(Channel)
        plans = [
            self.forced_plan(s, channel=None if s in ROUTED_AWAY else next(channels))
            for s in forced
            if s != Status.MERGED
        ]
        spare = total - len(forced)
        if forced and spare:
            plans.append(
                self.forced_plan(
                    Status.CLOSED,
                    branches=ANONYMOUS_ACCUSATION,
                    channel=Channel.LETTER,
                    anonymous=True,
                )
            )
            plans += [
                self.forced_plan(Status.HANDLING, branches=STALLED, idle_days=STALLED_IDLE)
                for _ in range(min(spare - 1, max(1, total // 100)))
            ]
        days = [
            self.today - dt.timedelta(days=self.rng.randint(0, HISTORY_DAYS - 1))
            for _ in range(total - len(plans) - (Status.MERGED in forced))
        ]
        # In date order, so that a repeat always comes after the case it repeats.
        queue: list[tuple[dt.date, CasePlan | None]] = [
            *((p.day, p) for p in plans),
            *((d, None) for d in days),
        ]
        queue.sort(key=lambda item: item[0])
        for i, (day, plan) in enumerate(queue, 1):
            self.write(plan or self.random_plan(day))
            self.progress(i, total)
        if Status.MERGED in forced:
            # Last, so that every earlier case can be the one it repeats; old enough to
            # have been registered before the merged case, whatever its idle days.
            weeks_ago = self.now - dt.timedelta(days=40)
            originals = [
                d
                for d in self.done
                if can_recur(d) and d.status != Status.MERGED and d.at < weeks_ago
            ]
            self.write(
                self.forced_plan(Status.MERGED, repeat=self.rng.choice(originals))
                if originals
                else self.random_plan(self.today)
            )
            self.progress(total, total)
        people = list(Petitioner.objects.filter(pk__in=self.first_seen))
        for person in people:
            person.created_at = self.first_seen[person.pk]
        Petitioner.objects.bulk_update(people, ["created_at"], batch_size=500)
