"""The lifecycle of a petition (信访事项) as data.

TRANSITIONS says which action leads from which status to which; ACTION_ROLES and
ACTION_SIDE say who may take it. Services, templates, the API and docs/workflow.md all
read these tables, so the buttons a user sees are exactly what the service allows.
Pure Python: no ORM.
"""

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    REGISTERED = "registered"
    HANDLING = "handling"
    OBJECTED = "objected"
    EXTENSION_REQUESTED = "extension_requested"
    HEARING = "hearing"
    REPLIED = "replied"
    EVALUATED = "evaluated"
    CLOSED = "closed"
    UNDER_REVIEW = "under_review"
    REVIEWED = "reviewed"
    UNDER_REREVIEW = "under_rereview"
    FINAL = "final"
    FORWARDED = "forwarded"
    NOT_ACCEPTED = "not_accepted"
    MERGED = "merged"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


class Action(StrEnum):
    ACCEPT = "accept"
    FORWARD = "forward"
    NOT_ACCEPT = "not_accept"
    MERGE = "merge"
    OBJECT = "object"
    REASSIGN = "reassign"
    RECORD_HANDLING = "record_handling"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    START_HEARING = "start_hearing"
    END_HEARING = "end_hearing"
    REPLY = "reply"
    EVALUATE = "evaluate"
    FOLLOW_UP = "follow_up"
    REQUEST_REVIEW = "request_review"
    ANSWER_REVIEW = "answer_review"
    REQUEST_REREVIEW = "request_rereview"
    ANSWER_REREVIEW = "answer_rereview"
    SUPERVISE = "supervise"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])


class Side(StrEnum):
    """Whose side of the case an action belongs to."""

    OFFICE = "office"  # the petition office where the case was registered
    UNIT = "unit"  # the unit the case is assigned to


S, A = Status, Action

# Open: the case still awaits a decision, from the office or from a unit.
OPEN_STATUSES: Final = frozenset(
    {
        S.REGISTERED,
        S.HANDLING,
        S.OBJECTED,
        S.EXTENSION_REQUESTED,
        S.HEARING,
        S.UNDER_REVIEW,
        S.UNDER_REREVIEW,
    }
)

TRANSITIONS: Final[Mapping[tuple[Status, Action], Status]] = {
    # Routing, within 15 days of registration.
    (S.REGISTERED, A.ACCEPT): S.HANDLING,
    (S.REGISTERED, A.FORWARD): S.FORWARDED,
    (S.REGISTERED, A.NOT_ACCEPT): S.NOT_ACCEPTED,
    (S.REGISTERED, A.MERGE): S.MERGED,
    # The handling unit objects within 5 working days; the office re-routes.
    (S.HANDLING, A.OBJECT): S.OBJECTED,
    (S.OBJECTED, A.REASSIGN): S.HANDLING,
    (S.OBJECTED, A.FORWARD): S.FORWARDED,
    # Handling, 60 days, one extension of at most 30, hearings pause the clock.
    (S.HANDLING, A.RECORD_HANDLING): S.HANDLING,
    (S.HANDLING, A.REQUEST_EXTENSION): S.EXTENSION_REQUESTED,
    (S.EXTENSION_REQUESTED, A.APPROVE_EXTENSION): S.HANDLING,
    (S.EXTENSION_REQUESTED, A.REJECT_EXTENSION): S.HANDLING,
    (S.HANDLING, A.START_HEARING): S.HEARING,
    (S.HEARING, A.RECORD_HANDLING): S.HEARING,
    (S.HEARING, A.END_HEARING): S.HANDLING,
    (S.HANDLING, A.REPLY): S.REPLIED,
    # After the reply: rating, follow-up, review and re-review.
    (S.REPLIED, A.EVALUATE): S.EVALUATED,
    (S.REPLIED, A.FOLLOW_UP): S.CLOSED,
    (S.EVALUATED, A.FOLLOW_UP): S.CLOSED,
    (S.REPLIED, A.REQUEST_REVIEW): S.UNDER_REVIEW,
    (S.EVALUATED, A.REQUEST_REVIEW): S.UNDER_REVIEW,
    (S.CLOSED, A.REQUEST_REVIEW): S.UNDER_REVIEW,
    (S.UNDER_REVIEW, A.ANSWER_REVIEW): S.REVIEWED,
    (S.REVIEWED, A.EVALUATE): S.REVIEWED,
    (S.REVIEWED, A.FOLLOW_UP): S.REVIEWED,
    (S.REVIEWED, A.REQUEST_REREVIEW): S.UNDER_REREVIEW,
    (S.UNDER_REREVIEW, A.ANSWER_REREVIEW): S.FINAL,
    # Supervision (督办) may be opened on any open case and leaves its status as it is.
    **{(s, A.SUPERVISE): s for s in OPEN_STATUSES},
}

# Concluded: the handling unit has replied (办结); the KPIs count from here.
CONCLUDED_STATUSES: Final = frozenset(
    {S.REPLIED, S.EVALUATED, S.CLOSED, S.UNDER_REVIEW, S.REVIEWED, S.UNDER_REREVIEW, S.FINAL}
)
TERMINAL_STATUSES: Final = frozenset({S.FORWARDED, S.NOT_ACCEPTED, S.MERGED, S.FINAL})
# The clock that matters while in these statuses is the handling deadline.
HANDLING_STATUSES: Final = frozenset({S.HANDLING, S.EXTENSION_REQUESTED, S.HEARING})

# The petition office's roles: they register, route and close cases.
OFFICE_ROLES: Final = frozenset({"registrar", "leading_group", "admin"})
_UNIT = frozenset({"handler", "unit_leader"})
_LEADERS = frozenset({"unit_leader", "leading_group", "admin"})

ACTION_ROLES: Final[Mapping[Action, frozenset[str]]] = {
    A.ACCEPT: OFFICE_ROLES,
    A.FORWARD: OFFICE_ROLES,
    A.NOT_ACCEPT: OFFICE_ROLES,
    A.MERGE: OFFICE_ROLES,
    A.REASSIGN: OFFICE_ROLES,
    A.OBJECT: _UNIT,
    A.RECORD_HANDLING: _UNIT,
    A.REQUEST_EXTENSION: _UNIT,
    A.APPROVE_EXTENSION: frozenset({"unit_leader", "leading_group"}),
    A.REJECT_EXTENSION: frozenset({"unit_leader", "leading_group"}),
    A.START_HEARING: _UNIT,
    A.END_HEARING: _UNIT,
    A.REPLY: _UNIT,
    A.EVALUATE: OFFICE_ROLES,
    A.FOLLOW_UP: OFFICE_ROLES,
    A.REQUEST_REVIEW: OFFICE_ROLES,
    A.ANSWER_REVIEW: _LEADERS,
    A.REQUEST_REREVIEW: OFFICE_ROLES,
    A.ANSWER_REREVIEW: _LEADERS,
    A.SUPERVISE: frozenset({"registrar", "unit_leader", "leading_group", "admin"}),
}

# Unit-side actions need the case assigned to the user's unit (or a unit below it);
# office-side actions need the case registered in the user's subtree.
_UNIT_SIDE_ACTIONS = frozenset(
    {
        A.OBJECT,
        A.RECORD_HANDLING,
        A.REQUEST_EXTENSION,
        A.APPROVE_EXTENSION,
        A.REJECT_EXTENSION,
        A.START_HEARING,
        A.END_HEARING,
        A.REPLY,
    }
)
ACTION_SIDE: Final[Mapping[Action, Side]] = {
    a: Side.UNIT if a in _UNIT_SIDE_ACTIONS else Side.OFFICE for a in Action
}


class TransitionNotAllowed(Exception):
    """The action cannot be taken from the current status."""


def next_status(current: Status, action: Action) -> Status:
    """Return the status `action` leads to, or raise TransitionNotAllowed."""
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise TransitionNotAllowed(f"{action} not allowed from {current}") from None


def actions_from(status: Status) -> list[Action]:
    """Return every action the table allows from `status`, in declaration order."""
    return [a for a in Action if (status, a) in TRANSITIONS]


def available_actions(status: Status, role: str, sides: Iterable[Side]) -> list[Action]:
    """Return the actions a user of `role`, on `sides` of the case, may take now."""
    sides = frozenset(sides)
    return [
        a
        for a in actions_from(status)
        if role in ACTION_ROLES[a] and (role == "admin" or ACTION_SIDE[a] in sides)
    ]


STATUS_LABELS: Final[Mapping[Status, str | Promise]] = {
    S.REGISTERED: _("已登记待处理"),
    S.HANDLING: _("办理中"),
    S.OBJECTED: _("承办单位异议"),
    S.EXTENSION_REQUESTED: _("延期待审批"),
    S.HEARING: _("听证中"),
    S.REPLIED: _("已答复"),
    S.EVALUATED: _("已评价"),
    S.CLOSED: _("已回访"),
    S.UNDER_REVIEW: _("复查中"),
    S.REVIEWED: _("已复查"),
    S.UNDER_REREVIEW: _("复核中"),
    S.FINAL: _("已终结"),
    S.FORWARDED: _("已转送"),
    S.NOT_ACCEPTED: _("不予受理"),
    S.MERGED: _("已并单"),
}

# What the petitioner sees through the query code: no internal states.
PUBLIC_LABELS: Final[Mapping[Status, str | Promise]] = {
    S.REGISTERED: _("已收到，正在审查"),
    S.HANDLING: _("已受理，正在办理"),
    S.OBJECTED: _("已受理，正在办理"),
    S.EXTENSION_REQUESTED: _("已受理，正在办理"),
    S.HEARING: _("已受理，正在办理"),
    S.REPLIED: _("已答复"),
    S.EVALUATED: _("已答复"),
    S.CLOSED: _("已办结"),
    S.UNDER_REVIEW: _("复查中"),
    S.REVIEWED: _("已复查"),
    S.UNDER_REREVIEW: _("复核中"),
    S.FINAL: _("已终结"),
    S.FORWARDED: _("已转送有权处理机关"),
    S.NOT_ACCEPTED: _("不予受理"),
    S.MERGED: _("已合并至原信访事项"),
}

ACTION_LABELS: Final[Mapping[Action, str | Promise]] = {
    A.ACCEPT: _("受理并交办"),
    A.FORWARD: _("转送"),
    A.NOT_ACCEPT: _("不予受理"),
    A.MERGE: _("并单"),
    A.OBJECT: _("提出异议"),
    A.REASSIGN: _("退单改派"),
    A.RECORD_HANDLING: _("记录办理情况"),
    A.REQUEST_EXTENSION: _("申请延期"),
    A.APPROVE_EXTENSION: _("批准延期"),
    A.REJECT_EXTENSION: _("不批准延期"),
    A.START_HEARING: _("开始听证"),
    A.END_HEARING: _("结束听证"),
    A.REPLY: _("出具处理意见"),
    A.EVALUATE: _("满意度评价"),
    A.FOLLOW_UP: _("回访"),
    A.REQUEST_REVIEW: _("登记复查申请"),
    A.ANSWER_REVIEW: _("出具复查意见"),
    A.REQUEST_REREVIEW: _("登记复核申请"),
    A.ANSWER_REREVIEW: _("出具复核意见"),
    A.SUPERVISE: _("督办"),
}
