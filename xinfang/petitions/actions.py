"""Every workflow action, declared once: its moves, roles, side, typed input, guard and effect.

`ACTIONS` is the one table the services, the buttons on the case page, the API (its
`allowed_actions` and each action's documented body) and docs/workflow.md all read, so
a button is offered exactly when the service would take the step.

- `moves`: from which status the action may be taken, and the status it leads to.
- `roles`, `sides`: who may take it, and from which side of the case (the office where
  the case was registered, the unit it is assigned to, or either: a leader's steps).
- `guard`: a rule of the case itself that may forbid the step now (one extension only,
  the objection window, no rating of litigation-type cases, the review windows).
- `effect`: what the step changes on the case, given its typed input.

Guards and effects are written in `effects.py`; this module assigns them. Pure Python
over model instances: no queries, no saves.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from xinfang.common import clock
from xinfang.petitions import deadlines
from xinfang.petitions import effects as e
from xinfang.petitions.effects import Ctx, Guard, Limits
from xinfang.petitions.inputs import (
    AssignInput,
    EvaluateInput,
    ExtensionInput,
    FollowUpInput,
    ForwardInput,
    HandlingInput,
    InstructionInput,
    LeaderInput,
    MergeInput,
    NotAcceptInput,
    NoteInput,
    ReasonInput,
    ReplyInput,
    SuperviseInput,
)
from xinfang.petitions.workflow import (
    APPROVER_ROLES,
    CASE_LEADER_ROLES,
    LEADER_ROLES,
    OFFICE_ROLES,
    OPEN_STATUSES,
    STATUS_CLOCKS,
    SUPERVISOR_ROLES,
    UNIT_ROLES,
    Action,
    Side,
    Status,
)

S, A = Status, Action
In = TypeVar("In")

# The petitioner themself, through the portal: no staff account, unit or side. Knowing the
# case's query code and the last digits of its phone is their standing on their own case
# (access.access_petition_by_code), as a side is a unit user's.
PETITIONER: Final = "petitioner"
_SIDELESS: Final = frozenset({"admin", PETITIONER})


@dataclass(frozen=True)
class ActionSpec(Generic[In]):
    action: Action
    moves: Mapping[Status, Status]
    roles: frozenset[str]
    sides: frozenset[Side]
    input: type[In]
    effect: Callable[[Ctx, In], None]
    guard: Guard | None = None

    def refusal(self, petition: Any, today: dt.date, limits: Limits) -> str | None:
        """Return why the case's own state forbids this action now, or None."""
        return self.guard(petition, today, limits) if self.guard else None


# ---------------------------------------------------------------- the table


def _spec(
    action: Action,
    moves: Mapping[Status, Status],
    roles: frozenset[str],
    side: Side | frozenset[Side],
    input: type[In],
    effect: Callable[[Ctx, In], None],
    guard: Guard | None = None,
) -> tuple[Action, ActionSpec[Any]]:
    sides = side if isinstance(side, frozenset) else frozenset({side})
    return action, ActionSpec(action, moves, roles, sides, input, effect, guard)


OFFICE, UNIT = Side.OFFICE, Side.UNIT
EITHER: Final = frozenset(Side)
# A leader takes charge of, and instructs on, a case still to be settled: open, or
# replied and not yet followed up (a hard case is often taken on when the reply failed).
_UNSETTLED: Final = {s: s for s in sorted(OPEN_STATUSES | {Status.REPLIED, Status.EVALUATED})}

ACTIONS: Final[Mapping[Action, ActionSpec[Any]]] = dict(
    [
        # Routing, within 15 days of registration.
        _spec(A.ACCEPT, {S.REGISTERED: S.HANDLING}, OFFICE_ROLES, OFFICE, AssignInput, e.accept),
        _spec(
            A.FORWARD,
            {S.REGISTERED: S.FORWARDED, S.OBJECTED: S.FORWARDED},
            OFFICE_ROLES,
            OFFICE,
            ForwardInput,
            e.forward,
        ),
        _spec(
            A.NOT_ACCEPT,
            {S.REGISTERED: S.NOT_ACCEPTED},
            OFFICE_ROLES,
            OFFICE,
            NotAcceptInput,
            e.not_accept,
        ),
        _spec(A.MERGE, {S.REGISTERED: S.MERGED}, OFFICE_ROLES, OFFICE, MergeInput, e.merge),
        # The handling unit objects within 5 working days; the office re-routes.
        _spec(
            A.OBJECT,
            {S.HANDLING: S.OBJECTED},
            UNIT_ROLES,
            UNIT,
            ReasonInput,
            e.raise_objection,
            e.objection_window,
        ),
        _spec(A.REASSIGN, {S.OBJECTED: S.HANDLING}, OFFICE_ROLES, OFFICE, AssignInput, e.assign),
        # Handling, 60 days, one extension of at most 30, hearings pause the clock.
        _spec(
            A.RECORD_HANDLING,
            {S.HANDLING: S.HANDLING, S.HEARING: S.HEARING},
            UNIT_ROLES,
            UNIT,
            HandlingInput,
            e.record_handling,
        ),
        _spec(
            A.REQUEST_EXTENSION,
            {S.HANDLING: S.EXTENSION_REQUESTED},
            UNIT_ROLES,
            UNIT,
            ExtensionInput,
            e.request_extension,
            e.one_extension,
        ),
        _spec(
            A.APPROVE_EXTENSION,
            {S.EXTENSION_REQUESTED: S.HANDLING},
            APPROVER_ROLES,
            UNIT,
            NoteInput,
            e.approve_extension,
        ),
        _spec(
            A.REJECT_EXTENSION,
            {S.EXTENSION_REQUESTED: S.HANDLING},
            APPROVER_ROLES,
            UNIT,
            NoteInput,
            e.reject_extension,
        ),
        _spec(
            A.START_HEARING, {S.HANDLING: S.HEARING}, UNIT_ROLES, UNIT, NoteInput, e.start_hearing
        ),
        _spec(A.END_HEARING, {S.HEARING: S.HANDLING}, UNIT_ROLES, UNIT, NoteInput, e.end_hearing),
        _spec(A.REPLY, {S.HANDLING: S.REPLIED}, UNIT_ROLES, UNIT, ReplyInput, e.reply),
        # After the reply: rating, follow-up, review and re-review. The office registers a
        # rating or a review request it receives; the petitioner may also make them online.
        _spec(
            A.EVALUATE,
            {S.REPLIED: S.EVALUATED, S.REVIEWED: S.REVIEWED},
            OFFICE_ROLES | {PETITIONER},
            OFFICE,
            EvaluateInput,
            e.evaluate,
            e.not_litigation,
        ),
        _spec(
            A.FOLLOW_UP,
            {S.REPLIED: S.CLOSED, S.EVALUATED: S.CLOSED, S.REVIEWED: S.REVIEWED},
            OFFICE_ROLES,
            OFFICE,
            FollowUpInput,
            e.follow_up,
        ),
        _spec(
            A.REQUEST_REVIEW,
            {S.REPLIED: S.UNDER_REVIEW, S.EVALUATED: S.UNDER_REVIEW, S.CLOSED: S.UNDER_REVIEW},
            OFFICE_ROLES | {PETITIONER},
            OFFICE,
            NoteInput,
            e.request_review,
            e.review_window,
        ),
        _spec(
            A.ANSWER_REVIEW,
            {S.UNDER_REVIEW: S.REVIEWED},
            LEADER_ROLES,
            OFFICE,
            ReplyInput,
            e.answer_review,
        ),
        _spec(
            A.REQUEST_REREVIEW,
            {S.REVIEWED: S.UNDER_REREVIEW},
            OFFICE_ROLES,
            OFFICE,
            NoteInput,
            e.request_rereview,
            e.rereview_window,
        ),
        _spec(
            A.ANSWER_REREVIEW,
            {S.UNDER_REREVIEW: S.FINAL},
            LEADER_ROLES,
            OFFICE,
            ReplyInput,
            e.answer_rereview,
        ),
        # Supervision (督办) may be opened on any open case and leaves its status as it is.
        _spec(
            A.SUPERVISE,
            {s: s for s in sorted(OPEN_STATUSES)},
            SUPERVISOR_ROLES,
            OFFICE,
            SuperviseInput,
            e.supervise,
        ),
        # Leader-owned cases (领导包案): a leader takes charge, from the case page or at a
        # reception; the office records a charge the leading group assigned. The leader's
        # instructions (批示) reach the handling unit, which acts on them by its next step.
        _spec(
            A.TAKE_CHARGE,
            _UNSETTLED,
            CASE_LEADER_ROLES | OFFICE_ROLES,
            EITHER,
            LeaderInput,
            e.take_charge,
        ),
        _spec(A.INSTRUCT, _UNSETTLED, CASE_LEADER_ROLES, EITHER, InstructionInput, e.instruct),
    ]
)

TRANSITIONS: Final[Mapping[tuple[Status, Action], Status]] = {
    (source, a): target for a, spec in ACTIONS.items() for source, target in spec.moves.items()
}


class TransitionNotAllowed(Exception):
    """The action cannot be taken from the current status."""


def next_status(current: Status, action: Action) -> Status:
    """Return the status `action` leads to, or raise TransitionNotAllowed."""
    try:
        return ACTIONS[action].moves[current]
    except KeyError:
        raise TransitionNotAllowed(f"{action} not allowed from {current}") from None


def actions_from(status: Status) -> list[Action]:
    """Return every action the table allows from `status`, in declaration order."""
    return [a for a in Action if status in ACTIONS[a].moves]


def may_take(spec: ActionSpec[Any], role: str, sides: Iterable[Side]) -> bool:
    """Return whether a user of `role` on `sides` of the case may take the action at all."""
    return role in spec.roles and (role in _SIDELESS or not spec.sides.isdisjoint(sides))


def available(
    petition: Any, *, role: str, sides: Iterable[Side], today: dt.date, limits: Limits
) -> list[Action]:
    """Return the actions a user of `role` on `sides` may take on the case now."""
    sides = frozenset(sides)
    status = Status(petition.status)
    return [
        a
        for a in actions_from(status)
        if may_take(ACTIONS[a], role, sides) and ACTIONS[a].refusal(petition, today, limits) is None
    ]


def current_due(petition: Any, limits: Limits) -> dt.date | None:
    """Return the deadline running in the petition's status (workflow.STATUS_CLOCKS), or None."""
    running = STATUS_CLOCKS.get(Status(petition.status))
    if running is None:
        return None
    if running.field:
        due: dt.date | None = getattr(petition, running.field)
        return due
    since = getattr(petition, running.since)
    return deadlines.due_date(clock.local_date(since), limits[running.limit]) if since else None
