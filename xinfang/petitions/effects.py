"""The rules and effects of the workflow actions, which actions.ACTIONS assigns to each.

A guard reads only the case, `today` and the time limits, and returns the reason it
refuses the step now (or None). An effect changes the case in memory for its typed
input; lookups come through the context and new rows are handed back in it, so that
the transition service does every query and every save. Pure Python over model
instances: no queries, no saves.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xinfang.common import clock
from xinfang.common.errors import ValidationFailed
from xinfang.petitions import deadlines
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
from xinfang.petitions.models import Supervision, TimeLimitRule
from xinfang.petitions.workflow import Status

K = TimeLimitRule.Key
Limits = Mapping[str, deadlines.TimeLimit]


@dataclass
class Ctx:
    """What an effect needs: the case, who, when, the limits, lookups and what it adds."""

    petition: Any
    actor: Any
    now: dt.datetime
    today: dt.date
    limits: Limits
    # The units the actor may assign to (their subtree) and lookups by id, which the
    # service answers within the actor's reach.
    actor_unit_ids: frozenset[int]
    find_unit: Callable[[int], Any]
    find_case: Callable[[int], Any]
    # An active user of a leader's role (workflow.CASE_LEADER_ROLES), with their unit.
    find_leader: Callable[[int], Any]
    details: dict[str, Any] = field(default_factory=dict)
    created: list[Model] = field(default_factory=list)


Guard = Callable[[Any, dt.date, Limits], str | None]


# ---------------------------------------------------------------- guards


def one_extension(p: Any, today: dt.date, limits: Limits) -> str | None:
    """One extension only (Art. 35)."""
    if p.extension_days:
        return _("该事项已延期一次，不能再次延期。")
    return None


def objection_window(p: Any, today: dt.date, limits: Limits) -> str | None:
    """Within the objection window from assignment (5 working days by default)."""
    if p.objection_due and today > p.objection_due:
        limit = limits[K.OBJECTION]
        unit = _("个工作日") if limit.working_days else _("日")
        return _("异议须在交办之日起%(n)d%(unit)s内提出（截至%(d)s），已逾期。") % {
            "n": limit.days,
            "unit": unit,
            "d": p.objection_due,
        }
    return None


def not_litigation(p: Any, today: dt.date, limits: Limits) -> str | None:
    """Litigation-type cases are not rated."""
    return _("涉法涉诉事项不参加满意度评价。") if p.is_litigation else None


def request_window(since: str, key: str, what: str, doc: str) -> Guard:
    """Return the guard that allows asking only within the limit `key` from `since`."""

    def guard(p: Any, today: dt.date, limits: Limits) -> str | None:
        moment = getattr(p, since)
        if moment is None:
            return None
        last = deadlines.due_date(clock.local_date(moment), limits[key])
        if today <= last:
            return None
        return _("%(what)s须在%(days)d日内提出（截至%(last)s），已超过期限。") % {
            "what": _(what),
            "days": limits[key].days,
            "last": last,
        }

    guard.__doc__ = doc
    return guard


review_window = request_window(
    "replied_at",
    K.REVIEW_REQUEST,
    gettext_noop("复查申请"),
    "Within the review-request limit from the reply (30 days by default).",
)
rereview_window = request_window(
    "review_answered_at",
    K.REREVIEW_REQUEST,
    gettext_noop("复核申请"),
    "Within the re-review limit from the review's answer (30 days by default).",
)


# ---------------------------------------------------------------- effects


def _handling_unit(ctx: Ctx, unit_id: int) -> Any:
    unit = ctx.find_unit(unit_id)
    # Within the actor's reach and within the registering office's jurisdiction: a case
    # for another jurisdiction is forwarded, not assigned (and visibility relies on it).
    if (
        unit is None
        or unit.pk not in ctx.actor_unit_ids
        or not unit.is_within(ctx.petition.registered_unit)
    ):
        raise ValidationFailed(_("承办单位不在本单位管辖范围内。"), field="handling_unit")
    p = ctx.petition
    accusation = p.category is not None and p.category.is_accusation
    if accusation and p.accused_unit is not None and unit.is_within(p.accused_unit):
        raise ValidationFailed(
            _("检举控告事项不得交由被检举控告的单位办理（《信访工作条例》第四十六条）。"),
            field="handling_unit",
        )
    return unit


def assign(ctx: Ctx, data: AssignInput) -> None:
    p = ctx.petition
    unit = _handling_unit(ctx, data.handling_unit_id)
    p.handling_unit = p.owner_unit = unit
    p.handler = None
    p.objection_due = deadlines.due_date(ctx.today, ctx.limits[K.OBJECTION])
    ctx.details["handling_unit"] = unit.name


def accept(ctx: Ctx, data: AssignInput) -> None:
    p = ctx.petition
    assign(ctx, data)
    p.routed_at = p.accepted_at = ctx.now
    statutory = deadlines.due_date(ctx.today, ctx.limits[K.HANDLE])
    # A higher office's deadline binds when it is earlier than the statutory one.
    p.handling_due = min(statutory, p.origin_deadline) if p.origin_deadline else statutory
    ctx.details["handling_due"] = p.handling_due.isoformat()


def forward(ctx: Ctx, data: ForwardInput) -> None:
    p = ctx.petition
    p.forwarded_to = _required(data.forwarded_to, "forwarded_to", _("请填写转送的有权处理机关。"))
    p.routed_at = p.closed_at = ctx.now
    ctx.details["forwarded_to"] = p.forwarded_to


def not_accept(ctx: Ctx, data: NotAcceptInput) -> None:
    p = ctx.petition
    p.not_accept_reason = _required(data.reason, "reason", _("请填写不予受理的理由。"))
    p.legal_channel = data.legal_channel
    if p.legal_channel:
        p.is_litigation = True
    p.routed_at = p.closed_at = ctx.now
    ctx.details.update(reason=p.not_accept_reason, legal_channel=p.legal_channel)


def merge(ctx: Ctx, data: MergeInput) -> None:
    p = ctx.petition
    original = ctx.find_case(data.original_id)
    if original is None:
        raise ValidationFailed(_("原信访事项不存在。"), field="original")
    if original.pk == p.pk or original.status == Status.MERGED:
        raise ValidationFailed(_("不能并入自身或已并单的事项。"), field="original")
    p.merged_into = original
    p.repeat_of = p.repeat_of or original
    p.is_first_time = False
    p.routed_at = p.closed_at = ctx.now
    ctx.details["original"] = original.number


def raise_objection(ctx: Ctx, data: ReasonInput) -> None:
    p = ctx.petition
    ctx.details["reason"] = _required(data.reason, "reason", _("请说明异议理由。"))
    ctx.details["unit"] = p.handling_unit.name if p.handling_unit else ""


def record_handling(ctx: Ctx, data: HandlingInput) -> None:
    _required(data.note, "note", _("请填写办理情况。"))
    p = ctx.petition
    if p.handler_id is None and ctx.actor.role == "handler":
        p.handler = ctx.actor
    p.instruction_pending_since = None


def request_extension(ctx: Ctx, data: ExtensionInput) -> None:
    max_days = ctx.limits[K.EXTENSION_MAX].days
    if not 1 <= data.days <= max_days:
        raise ValidationFailed(_("延期不得超过%(n)d日。") % {"n": max_days}, field="days")
    _required(data.reason, "reason", _("请说明延期理由。"))
    ctx.petition.extension_requested_days = data.days
    ctx.details.update(days=data.days, reason=data.reason)


def approve_extension(ctx: Ctx, data: NoteInput) -> None:
    p = ctx.petition
    p.extension_days = p.extension_requested_days
    p.extension_requested_days = 0
    p.handling_due = (p.handling_due or ctx.today) + dt.timedelta(days=p.extension_days)
    ctx.details.update(days=p.extension_days, handling_due=p.handling_due.isoformat())


def reject_extension(ctx: Ctx, data: NoteInput) -> None:
    ctx.petition.extension_requested_days = 0


def start_hearing(ctx: Ctx, data: NoteInput) -> None:
    ctx.petition.paused_since = ctx.today


def end_hearing(ctx: Ctx, data: NoteInput) -> None:
    p = ctx.petition
    paused = (ctx.today - (p.paused_since or ctx.today)).days
    p.paused_days += paused
    p.paused_since = None
    p.handling_due = (p.handling_due or ctx.today) + dt.timedelta(days=paused)
    ctx.details.update(paused_days=paused, handling_due=p.handling_due.isoformat())


def reply(ctx: Ctx, data: ReplyInput) -> None:
    p = ctx.petition
    p.reply_kind = _required(data.reply_kind, "reply_kind", _("请选择处理意见类型。"))
    p.reply_text = _required(data.text, "text", _("请填写处理意见书正文。"))
    p.replied_at = ctx.now
    p.reply_overdue = deadlines.is_overdue(p.handling_due, ctx.today)
    p.instruction_pending_since = None
    ctx.details.update(reply_kind=p.reply_kind, overdue=p.reply_overdue)


def evaluate(ctx: Ctx, data: EvaluateInput) -> None:
    p = ctx.petition
    p.satisfaction_unit = _required(
        data.satisfaction_unit, "satisfaction_unit", _("请选择对承办单位的评价。")
    )
    p.satisfaction_office = _required(
        data.satisfaction_office, "satisfaction_office", _("请选择对信访部门的评价。")
    )
    p.rated_at = ctx.now
    ctx.details.update(unit=p.satisfaction_unit, office=p.satisfaction_office)


def follow_up(ctx: Ctx, data: FollowUpInput) -> None:
    p = ctx.petition
    p.solved = data.solved
    p.followed_up_at = ctx.now
    p.closed_at = p.closed_at or ctx.now
    ctx.details["solved"] = p.solved


def request_review(ctx: Ctx, data: NoteInput) -> None:
    ctx.petition.review_requested_at = ctx.now


def _answer(ctx: Ctx, data: ReplyInput) -> None:
    ctx.details["reply_kind"] = _required(
        data.reply_kind, "reply_kind", _("请选择复查（复核）意见类型。")
    )
    ctx.details["text"] = _required(data.text, "text", _("请填写意见书正文。"))


def answer_review(ctx: Ctx, data: ReplyInput) -> None:
    _answer(ctx, data)
    ctx.petition.review_answered_at = ctx.now


def request_rereview(ctx: Ctx, data: NoteInput) -> None:
    ctx.petition.rereview_requested_at = ctx.now


def answer_rereview(ctx: Ctx, data: ReplyInput) -> None:
    _answer(ctx, data)
    ctx.petition.rereview_answered_at = ctx.petition.closed_at = ctx.now


def supervise(ctx: Ctx, data: SuperviseInput) -> None:
    if data.due < ctx.today:
        raise ValidationFailed(_("督办期限不能早于今天。"), field="due")
    note = _required(data.note, "note", _("请填写督办意见。"))
    ctx.created.append(
        Supervision(
            petition=ctx.petition, opened_by=ctx.actor, opened_at=ctx.now, due=data.due, note=note
        )
    )
    ctx.details["due"] = data.due.isoformat()


def take_charge(ctx: Ctx, data: LeaderInput) -> None:
    p = ctx.petition
    leader = ctx.find_leader(data.leader_id)
    # The leader must stand above the case, where they see it: at or above the office
    # that registered it or the unit that handles it.
    within = leader is not None and (
        p.registered_unit.is_within(leader.unit)
        or (p.handling_unit is not None and p.handling_unit.is_within(leader.unit))
    )
    if not within:
        raise ValidationFailed(_("包案领导须为本事项所在单位或其上级单位的领导。"), field="leader")
    accusation = p.category is not None and p.category.is_accusation
    if accusation and p.accused_unit is not None and leader.unit.is_within(p.accused_unit):
        raise ValidationFailed(
            _("检举控告事项不得由被检举控告单位的领导包案（《信访工作条例》第四十六条）。"),
            field="leader",
        )
    if p.responsible_leader_id == leader.pk:
        raise ValidationFailed(_("该领导已是本事项的包案领导。"), field="leader")
    previous = p.responsible_leader
    p.responsible_leader = leader
    ctx.details["leader"] = str(leader)
    if previous is not None:
        ctx.details["previous"] = str(previous)


def instruct(ctx: Ctx, data: InstructionInput) -> None:
    _required(data.note, "note", _("请填写批示内容。"))
    p = ctx.petition
    # Pending until the handling unit's next step on the case (handling record or reply).
    p.instruction_pending_since = p.instruction_pending_since or ctx.now


def _required(value: str, name: str, message: str) -> str:
    if not value or not str(value).strip():
        raise ValidationFailed(message, field=name)
    return value
