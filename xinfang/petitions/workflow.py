"""The lifecycle of a petition (信访事项) as data.

The statuses, the actions and their labels, which statuses are open or concluded, the
roles that take each kind of step and the deadline running in each status. Each
action's moves, roles, guard and effect are declared in `actions.ACTIONS`.
Pure Python: no ORM.
"""

from collections.abc import Mapping
from dataclasses import dataclass
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
    TAKE_CHARGE = "take_charge"
    INSTRUCT = "instruct"

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

# Concluded: the handling unit has replied (办结); the KPIs count from here.
CONCLUDED_STATUSES: Final = frozenset(
    {S.REPLIED, S.EVALUATED, S.CLOSED, S.UNDER_REVIEW, S.REVIEWED, S.UNDER_REREVIEW, S.FINAL}
)
TERMINAL_STATUSES: Final = frozenset({S.FORWARDED, S.NOT_ACCEPTED, S.MERGED, S.FINAL})
# The clock that matters while in these statuses is the handling deadline.
HANDLING_STATUSES: Final = frozenset({S.HANDLING, S.EXTENSION_REQUESTED, S.HEARING})

# Who takes which kind of step (actions.ACTIONS assigns them to each action).
# The petition office's roles: they register, route and close cases.
OFFICE_ROLES: Final = frozenset({"registrar", "leading_group", "admin"})
UNIT_ROLES: Final = frozenset({"handler", "unit_leader"})
APPROVER_ROLES: Final = frozenset({"unit_leader", "leading_group"})
LEADER_ROLES: Final = frozenset({"unit_leader", "leading_group", "admin"})
SUPERVISOR_ROLES: Final = frozenset({"registrar", "unit_leader", "leading_group", "admin"})
# Who may take personal charge of a case (包案领导): the leaders of units, not the admin.
CASE_LEADER_ROLES: Final = frozenset({"unit_leader", "leading_group"})


@dataclass(frozen=True)
class Clock:
    """The deadline that runs in a status: a date the case carries (`field`), or a limit
    (`limit`, a time-limit key) counted from the moment in `since`."""

    field: str = ""
    since: str = ""
    limit: str = ""


# The deadline that matters in each status; a status not listed has none running
# (objected and hearing cases wait on the office or the hearing, concluded cases on nobody).
STATUS_CLOCKS: Final[Mapping[Status, Clock]] = {
    S.REGISTERED: Clock(field="route_due"),
    S.HANDLING: Clock(field="handling_due"),
    S.EXTENSION_REQUESTED: Clock(field="handling_due"),
    S.UNDER_REVIEW: Clock(since="review_requested_at", limit="review_answer"),
    S.UNDER_REREVIEW: Clock(since="rereview_requested_at", limit="rereview_answer"),
}


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
    A.TAKE_CHARGE: _("领导包案"),
    A.INSTRUCT: _("领导批示"),
}
