"""Transitions: one workflow action on one case, with its effect, event and audit entry.

Only this package assigns `Petition.status`.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import (
    ActionNotAllowed,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_subtree_ids
from xinfang.petitions import deadlines, selectors, workflow
from xinfang.petitions.models import Petition, Supervision, TimeLimitRule
from xinfang.petitions.services.history import record_event
from xinfang.petitions.workflow import Action, Status

K = TimeLimitRule.Key


@dataclass
class Ctx:
    """What an action's effect needs: the case, who, when, the limits and the input."""

    petition: Petition
    actor: Any
    now: dt.datetime
    today: dt.date
    limits: dict[str, deadlines.TimeLimit]
    data: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, message: str) -> Any:
        value = self.data.get(key)
        if value in (None, "", []):
            raise ValidationFailed(message, field=key)
        return value


def _handling_unit(ctx: Ctx) -> Unit:
    unit_id = ctx.get("handling_unit", _("请选择承办单位。"))
    unit = Unit.objects.filter(pk=getattr(unit_id, "pk", unit_id)).first()
    # Within the actor's reach and within the registering office's jurisdiction: a case
    # for another jurisdiction is forwarded, not assigned (and visibility relies on it).
    if (
        unit is None
        or unit.pk not in unit_subtree_ids(ctx.actor.unit)
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


def _assign(ctx: Ctx) -> None:
    p = ctx.petition
    unit = _handling_unit(ctx)
    p.handling_unit = p.owner_unit = unit
    p.handler = None
    p.objection_due = deadlines.due_date(ctx.today, ctx.limits[K.OBJECTION])
    ctx.details["handling_unit"] = unit.name


def _accept(ctx: Ctx) -> None:
    p = ctx.petition
    _assign(ctx)
    p.routed_at = p.accepted_at = ctx.now
    statutory = deadlines.due_date(ctx.today, ctx.limits[K.HANDLE])
    # A higher office's deadline binds when it is earlier than the statutory one.
    p.handling_due = min(statutory, p.origin_deadline) if p.origin_deadline else statutory
    leader = ctx.data.get("responsible_leader")
    if leader:
        p.responsible_leader_id = getattr(leader, "pk", leader)
    ctx.details["handling_due"] = p.handling_due.isoformat()


def _forward(ctx: Ctx) -> None:
    p = ctx.petition
    p.forwarded_to = ctx.get("forwarded_to", _("请填写转送的有权处理机关。"))
    p.routed_at = p.closed_at = ctx.now
    ctx.details["forwarded_to"] = p.forwarded_to


def _not_accept(ctx: Ctx) -> None:
    p = ctx.petition
    p.not_accept_reason = ctx.get("reason", _("请填写不予受理的理由。"))
    p.legal_channel = ctx.data.get("legal_channel") or ""
    if p.legal_channel:
        p.is_litigation = True
    p.routed_at = p.closed_at = ctx.now
    ctx.details.update(reason=p.not_accept_reason, legal_channel=p.legal_channel)


def _merge(ctx: Ctx) -> None:
    p = ctx.petition
    original_id = ctx.get("original", _("请填写并入的原信访事项编号。"))
    try:
        original = selectors.access_petition(
            ctx.actor, int(getattr(original_id, "pk", original_id))
        )
    except (NotFound, ValueError):
        raise ValidationFailed(_("原信访事项不存在。"), field="original") from None
    if original.pk == p.pk or original.status == Status.MERGED:
        raise ValidationFailed(_("不能并入自身或已并单的事项。"), field="original")
    p.merged_into = original
    p.repeat_of = p.repeat_of or original
    p.is_first_time = False
    p.routed_at = p.closed_at = ctx.now
    ctx.details["original"] = original.number


def _object(ctx: Ctx) -> None:
    p = ctx.petition
    reason = ctx.get("reason", _("请说明异议理由。"))
    if p.objection_due and ctx.today > p.objection_due:
        raise ValidationFailed(
            _("异议须在交办之日起5个工作日内提出（截至%(d)s），已逾期。") % {"d": p.objection_due},
        )
    ctx.details["reason"] = reason
    ctx.details["unit"] = p.handling_unit.name if p.handling_unit else ""


def _reassign(ctx: Ctx) -> None:
    _assign(ctx)


def _record_handling(ctx: Ctx) -> None:
    ctx.get("note", _("请填写办理情况。"))
    p = ctx.petition
    if p.handler_id is None and ctx.actor.role == "handler":
        p.handler = ctx.actor


def _request_extension(ctx: Ctx) -> None:
    p = ctx.petition
    if p.extension_days:
        raise ValidationFailed(_("该事项已延期一次，不能再次延期。"))
    days = int(ctx.get("days", _("请填写延期天数。")))
    max_days = ctx.limits[K.EXTENSION_MAX].days
    if not 1 <= days <= max_days:
        raise ValidationFailed(_("延期不得超过%(n)d日。") % {"n": max_days}, field="days")
    ctx.get("reason", _("请说明延期理由。"))
    p.extension_requested_days = days
    ctx.details["days"] = days


def _approve_extension(ctx: Ctx) -> None:
    p = ctx.petition
    p.extension_days = p.extension_requested_days
    p.extension_requested_days = 0
    p.handling_due = (p.handling_due or ctx.today) + dt.timedelta(days=p.extension_days)
    ctx.details.update(days=p.extension_days, handling_due=p.handling_due.isoformat())


def _reject_extension(ctx: Ctx) -> None:
    ctx.petition.extension_requested_days = 0


def _start_hearing(ctx: Ctx) -> None:
    ctx.petition.paused_since = ctx.today


def _end_hearing(ctx: Ctx) -> None:
    p = ctx.petition
    paused = (ctx.today - (p.paused_since or ctx.today)).days
    p.paused_days += paused
    p.paused_since = None
    p.handling_due = (p.handling_due or ctx.today) + dt.timedelta(days=paused)
    ctx.details.update(paused_days=paused, handling_due=p.handling_due.isoformat())


def _reply(ctx: Ctx) -> None:
    p = ctx.petition
    p.reply_kind = ctx.get("reply_kind", _("请选择处理意见类型。"))
    p.reply_text = ctx.get("text", _("请填写处理意见书正文。"))
    p.replied_at = ctx.now
    p.reply_overdue = deadlines.is_overdue(p.handling_due, ctx.today)
    ctx.details.update(reply_kind=p.reply_kind, overdue=p.reply_overdue)


def _evaluate(ctx: Ctx) -> None:
    p = ctx.petition
    if p.is_litigation:
        raise ValidationFailed(_("涉法涉诉事项不参加满意度评价。"))
    p.satisfaction_unit = ctx.get("satisfaction_unit", _("请选择对承办单位的评价。"))
    p.satisfaction_office = ctx.get("satisfaction_office", _("请选择对信访部门的评价。"))
    p.rated_at = ctx.now
    ctx.details.update(unit=p.satisfaction_unit, office=p.satisfaction_office)


def _follow_up(ctx: Ctx) -> None:
    p = ctx.petition
    solved = ctx.data.get("solved")
    if solved is None or solved == "":
        raise ValidationFailed(_("请填写回访结果：问题是否实际解决。"), field="solved")
    p.solved = solved in (True, "true", "True", "1", 1, "yes")
    p.followed_up_at = ctx.now
    p.closed_at = p.closed_at or ctx.now
    ctx.details["solved"] = p.solved


def _within(ctx: Ctx, since: dt.datetime | None, key: str, what: str) -> None:
    if since is None:
        return
    last = deadlines.due_date(clock.local_date(since), ctx.limits[key])
    if ctx.today > last:
        raise ValidationFailed(
            _("%(what)s须在%(days)d日内提出（截至%(last)s），已超过期限。")
            % {"what": what, "days": ctx.limits[key].days, "last": last}
        )


def _request_review(ctx: Ctx) -> None:
    p = ctx.petition
    _within(ctx, p.replied_at, K.REVIEW_REQUEST, _("复查申请"))
    p.review_requested_at = ctx.now


def _answer(ctx: Ctx) -> None:
    ctx.details["reply_kind"] = ctx.get("reply_kind", _("请选择复查（复核）意见类型。"))
    ctx.details["text"] = ctx.get("text", _("请填写意见书正文。"))


def _answer_review(ctx: Ctx) -> None:
    _answer(ctx)
    ctx.petition.review_answered_at = ctx.now


def _request_rereview(ctx: Ctx) -> None:
    p = ctx.petition
    _within(ctx, p.review_answered_at, K.REREVIEW_REQUEST, _("复核申请"))
    p.rereview_requested_at = ctx.now


def _answer_rereview(ctx: Ctx) -> None:
    _answer(ctx)
    ctx.petition.rereview_answered_at = ctx.petition.closed_at = ctx.now


def _supervise(ctx: Ctx) -> None:
    due = ctx.get("due", _("请填写督办期限。"))
    if isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due)
        except ValueError:
            raise ValidationFailed(_("督办期限日期格式不正确。"), field="due") from None
    if due < ctx.today:
        raise ValidationFailed(_("督办期限不能早于今天。"), field="due")
    note = ctx.get("note", _("请填写督办意见。"))
    Supervision.objects.create(
        petition=ctx.petition, opened_by=ctx.actor, opened_at=ctx.now, due=due, note=note
    )
    ctx.details["due"] = due.isoformat()


EFFECTS: dict[Action, Callable[[Ctx], None]] = {
    Action.ACCEPT: _accept,
    Action.FORWARD: _forward,
    Action.NOT_ACCEPT: _not_accept,
    Action.MERGE: _merge,
    Action.OBJECT: _object,
    Action.REASSIGN: _reassign,
    Action.RECORD_HANDLING: _record_handling,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension,
    Action.REJECT_EXTENSION: _reject_extension,
    Action.START_HEARING: _start_hearing,
    Action.END_HEARING: _end_hearing,
    Action.REPLY: _reply,
    Action.EVALUATE: _evaluate,
    Action.FOLLOW_UP: _follow_up,
    Action.REQUEST_REVIEW: _request_review,
    Action.ANSWER_REVIEW: _answer_review,
    Action.REQUEST_REREVIEW: _request_rereview,
    Action.ANSWER_REREVIEW: _answer_rereview,
    Action.SUPERVISE: _supervise,
}


def current_due(p: Petition, limits: dict[str, deadlines.TimeLimit]) -> dt.date | None:
    """Return the deadline that matters in the petition's status, or None."""
    status = Status(p.status)
    if status == Status.REGISTERED:
        return p.route_due
    if status in {Status.HANDLING, Status.EXTENSION_REQUESTED}:
        return p.handling_due
    if status == Status.UNDER_REVIEW and p.review_requested_at:
        return deadlines.due_date(clock.local_date(p.review_requested_at), limits[K.REVIEW_ANSWER])
    if status == Status.UNDER_REREVIEW and p.rereview_requested_at:
        return deadlines.due_date(
            clock.local_date(p.rereview_requested_at), limits[K.REREVIEW_ANSWER]
        )
    return None


@transaction.atomic
def petition_transition(
    *,
    actor: Any,
    petition_id: int,
    action: str,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Petition:
    """Take `action` on the petition and return it; refuse with nothing written."""
    petition = selectors.access_petition(actor, petition_id, for_update=True)
    try:
        act = Action(action)
    except ValueError:
        raise ValidationFailed(_("未知的操作：%(a)s") % {"a": action}) from None
    if expected_version is not None and expected_version != petition.version:
        raise Conflict(_("该事项已被他人修改，请刷新页面查看最新情况后再操作。"))
    current = Status(petition.status)
    if (current, act) not in workflow.TRANSITIONS:
        raise ActionNotAllowed(
            _("当前状态“%(s)s”下不能执行“%(a)s”。") % {"s": current.label, "a": act.label}
        )
    if act not in selectors.allowed_actions(actor, petition):
        raise PermissionDenied(_("您无权对该事项执行“%(a)s”。") % {"a": act.label})
    now = clock.now()
    data = data or {}
    ctx = Ctx(petition, actor, now, clock.local_date(now), selectors.time_limits(), data)
    EFFECTS[act](ctx)
    new = workflow.next_status(current, act)
    petition.status = new
    petition.due_date = current_due(petition, ctx.limits)
    petition.version += 1
    petition.save()
    note = str(data.get("note") or data.get("reason") or "")
    record_event(petition, actor, now, act.value, current.value, new.value, note, ctx.details)
    audit_record(
        actor=actor, kind="change", obj=petition, summary=f"{act.value}: {current}→{new}", ip=ip
    )
    return petition
