"""The course a demo case takes after registration, one step at a time.

`course` is a Python generator: it yields the next step (when, which action, by whom,
with what) and is sent back the petition the service returned, so that every later step
is timed from the deadlines the services themselves set; nothing here counts days of a
time limit. `Branches` are the turns a case takes, drawn at random or forced so that the
case ends in a chosen status.
"""

import datetime as dt
import random
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from xinfang.accounts.models import User
from xinfang.demo import content
from xinfang.demo.cases import Spec
from xinfang.demo.street import DemoStreet
from xinfang.petitions import deadlines, inputs
from xinfang.petitions.models import Channel, Petition, Satisfaction
from xinfang.petitions.workflow import Action, Status

S, A = Status, Action
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


@dataclass
class Step:
    at: dt.datetime
    action: Action
    actor: User
    data: Any  # the action's typed input, from xinfang.petitions.inputs


# Yields the steps; is sent the petition after each.
Course = Generator[Step, Petition, None]


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


FORCED: dict[Status, Branches] = {
    S.REGISTERED: Branches(stop_at=S.REGISTERED),
    S.HANDLING: Branches(stop_at=S.HANDLING),
    S.OBJECTED: Branches(objection=True, stop_at=S.OBJECTED),
    S.EXTENSION_REQUESTED: Branches(extension=A.APPROVE_EXTENSION, stop_at=S.EXTENSION_REQUESTED),
    S.HEARING: Branches(hearing=True, stop_at=S.HEARING),
    S.REPLIED: Branches(reply="late", stop_at=S.REPLIED),  # so that a late reply is seen
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


def random_branches(spec: Spec, rng: random.Random) -> Branches:
    """Return the turns a case about `spec` takes, drawn as they come in the office."""
    r, t = rng.random, spec.template
    if t.legal_channel:
        route = A.NOT_ACCEPT
    elif t.forward_to:
        route = A.FORWARD if r() < 0.9 else A.ACCEPT
    elif spec.repeat is not None:
        merge_ok = spec.repeat.status != S.MERGED
        route = rng.choices([A.MERGE, A.NOT_ACCEPT, A.ACCEPT], [35 if merge_ok else 0, 20, 45])[0]
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


def working_day(day: dt.date, today: dt.date) -> dt.date:
    """Return `day`, or the next working day; days after `today` are left as they are."""
    # A step after today is only planned to be dropped, and the calendar may not know it.
    while day <= today and not deadlines.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_day_before(day: dt.date) -> dt.date:
    """Return `day`, or the last working day before it."""
    while not deadlines.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def office_moment(day: dt.date, rng: random.Random) -> dt.datetime:
    """Return a moment in office hours on `day`."""
    minute = rng.randint(*WORKING_HOURS)
    naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randint(0, 59)))
    return timezone.make_aware(naive)


def due_date(petition: Petition) -> dt.date:
    """Return the deadline the services set for the petition's current status."""
    if petition.due_date is None:
        raise ValueError(f"Case {petition.pk} has no deadline in {petition.status}.")
    return petition.due_date


class Timeline:
    """The days of one case's steps, each on a later day than the one before."""

    def __init__(self, rng: random.Random, day: dt.date, today: dt.date) -> None:
        self.rng, self.day, self.today = rng, day, today

    def after(self, low: int, high: int) -> dt.date:
        """Return a working day `low` to `high` days after the last step."""
        return working_day(self.day + dt.timedelta(days=self.rng.randint(low, high)), self.today)

    def on(self, day: dt.date) -> dt.date:
        """Return `day`, or the next working day."""
        return working_day(day, self.today)

    def step(self, day: dt.date, action: Action, actor: User, data: Any) -> Step:
        """Return `action` on `day`, or on the day after the last step if that is later."""
        self.day = max(day, self.day + dt.timedelta(days=1))
        return Step(office_moment(self.day, self.rng), action, actor, data)


def course(
    street: DemoStreet, spec: Spec, day: dt.date, b: Branches, rng: random.Random, today: dt.date
) -> Course:
    """Yield the steps of a case registered on `day`, taking the turns `b` gives."""
    s, t = street, Timeline(rng, day, today)
    office, leader = s.users["registrar"], s.users["leader"]
    route_day = t.after(*rng.choices(ROUTE_GAPS, ROUTE_GAP_WEIGHTS)[0])
    if b.route == A.FORWARD:
        to = spec.template.forward_to or content.ASSIGNING_AUTHORITIES[0][0]
        forward = inputs.ForwardInput(forwarded_to=to, note=f"转送{to}处理。")
        yield t.step(route_day, A.FORWARD, office, forward)
        return
    if b.route == A.NOT_ACCEPT:
        legal = spec.template.legal_channel
        reason = (
            content.NOT_ACCEPT_LEGAL[legal]
            if legal
            else content.NOT_ACCEPT_REPEAT
            if spec.repeat
            else content.NOT_ACCEPT_OTHER
        )
        refusal = inputs.NotAcceptInput(reason=reason, legal_channel=legal)
        yield t.step(route_day, A.NOT_ACCEPT, office, refusal)
        return
    if b.route == A.MERGE and spec.repeat is not None:
        merge = inputs.MergeInput(
            original_id=spec.repeat.pk, note="与原信访事项为同一事项，并入办理。"
        )
        yield t.step(route_day, A.MERGE, office, merge)
        return
    unit = spec.unit
    # Group visits, repeats and accusations get a leader who answers for them (包案).
    led = bool(
        spec.data.channel == Channel.COLLECTIVE_VISIT or spec.repeat or spec.template.accused
    )
    accept = inputs.AssignInput(
        handling_unit_id=s.units[unit].pk, note=f"交{s.units[unit].name}办理。"
    )
    yield t.step(route_day, A.ACCEPT, office, accept)
    if led:
        charge = inputs.LeaderInput(leader_id=leader.pk, note="领导小组研究确定包案领导。")
        yield t.step(route_day, A.TAKE_CHARGE, leader, charge)
    if b.objection:
        reason = rng.choice(content.OBJECTION_REASONS)
        yield t.step(t.after(1, 3), A.OBJECT, s.handlers[unit], inputs.ReasonInput(reason=reason))
        if b.objection_forward:
            to = content.ASSIGNING_AUTHORITIES[0][0]
            forward = inputs.ForwardInput(forwarded_to=to, note="退回上级重新交办。")
            yield t.step(t.after(1, 3), A.FORWARD, office, forward)
            return
        communities = [c[0] for c in content.COMMUNITIES]
        unit = "urban" if unit in communities else rng.choice(communities)
        again = inputs.AssignInput(
            handling_unit_id=s.units[unit].pk, note=f"改交{s.units[unit].name}办理。"
        )
        yield t.step(t.after(1, 3), A.REASSIGN, office, again)
    handler = s.handlers[unit]
    note = rng.choice(content.HANDLING_NOTES)
    petition = yield t.step(t.after(2, 8), A.RECORD_HANDLING, handler, inputs.HandlingInput(note))
    if b.hearing:
        yield t.step(t.after(3, 15), A.START_HEARING, handler, inputs.NoteInput("组织听证。"))
        note = rng.choice(content.HEARING_NOTES)
        petition = yield t.step(t.after(7, 20), A.END_HEARING, handler, inputs.NoteInput(note))
    if b.extension:
        # Asked for a few days before the deadline the service set, as units do.
        days = rng.choice([15, 20, 30])
        ahead = due_date(petition) - dt.timedelta(days=rng.randint(4, 12))
        request = inputs.ExtensionInput(days=days, reason=rng.choice(content.EXTENSION_REASONS))
        yield t.step(max(t.after(1, 3), t.on(ahead)), A.REQUEST_EXTENSION, handler, request)
        verdict = inputs.NoteInput("经审核。")
        petition = yield t.step(t.after(1, 3), b.extension, s.unit_leaders[unit], verdict)
    if b.supervise:
        day = t.after(1, 10)
        due = day + dt.timedelta(days=rng.randint(7, 14))  # the leader's own date for it
        supervise = inputs.SuperviseInput(due=due, note=rng.choice(content.SUPERVISION_NOTES))
        petition = yield t.step(day, A.SUPERVISE, leader, supervise)
    if b.reply == "never":
        return
    due = due_date(petition)
    if b.reply == "late":
        reply_day = t.on(due + dt.timedelta(days=rng.randint(1, 25)))
    else:
        room = (due - t.day).days - 3
        reply_day = t.after(2, max(2, min(room, 50)))
    kind = rng.choices(REPLY_KINDS, REPLY_KIND_WEIGHTS)[0]
    text = rng.choice(content.REPLIES[kind]).format(unit=s.units[unit].name)
    yield t.step(reply_day, A.REPLY, handler, inputs.ReplyInput(reply_kind=kind, text=text))
    if b.evaluate:
        weights = SATISFACTION_WEIGHTS["not_supported" if b.review else kind]
        rating = inputs.EvaluateInput(
            satisfaction_unit=rng.choices(SATISFACTION, weights)[0],
            satisfaction_office=rng.choices(SATISFACTION, weights)[0],
        )
        yield t.step(t.after(1, 5), A.EVALUATE, office, rating)
    if b.review:
        review = inputs.NoteInput("信访人对处理意见不服，申请复查。")
        yield t.step(t.after(1, 5), A.REQUEST_REVIEW, office, review)
        kind, text = rng.choice(content.REVIEW_ANSWERS)
        answer = inputs.ReplyInput(reply_kind=kind, text=text)
        yield t.step(t.after(10, 25), A.ANSWER_REVIEW, leader, answer)
        if b.rereview:
            rereview = inputs.NoteInput("信访人对复查意见不服，申请复核。")
            yield t.step(t.after(3, 15), A.REQUEST_REREVIEW, office, rereview)
            kind, text = content.REREVIEW_ANSWER
            answer = inputs.ReplyInput(reply_kind=kind, text=text)
            yield t.step(t.after(10, 25), A.ANSWER_REREVIEW, s.users["district_leader"], answer)
            return
    if b.follow_up:
        solved = rng.random() < SOLVED_CHANCE[kind]
        follow = inputs.FollowUpInput(
            solved=solved, note=rng.choice(content.FOLLOW_UP_NOTES[solved])
        )
        yield t.step(t.after(5, 30), A.FOLLOW_UP, office, follow)
