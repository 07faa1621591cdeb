"""What the petitioner sees of their case: public labels, dates, deadlines, notices, steps.

Built from the case found by its query code and phone digits (access.access_petition_by_code)
and nothing else: no internal status, note, handler, handling unit or accused party is
read into it, so a template cannot show one.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.errors import NotFound
from xinfang.outreach import selectors as outreach
from xinfang.petitions import access, actions, deadlines, limits, notices
from xinfang.petitions.effects import Limits
from xinfang.petitions.models import LegalChannel, Petition, TimeLimitRule
from xinfang.petitions.workflow import HANDLING_STATUSES, PUBLIC_LABELS, Action, Status
from xinfang.portal.models import PublicityPage

K = TimeLimitRule.Key
S = Status


@dataclass(frozen=True)
class LegalGuidance:
    """Where a matter not accepted goes instead (诉访分离): which channel, why, and how."""

    channel: str
    label: str
    reason: str
    how_to: str
    page: PublicityPage | None


@dataclass(frozen=True)
class PublicCase:
    number: str
    query_code: str
    title: str
    label: str
    registered: dt.date
    replied: dt.date | None
    deadline: dt.date | None
    deadline_meaning: str
    notices: list[tuple[str, str]]
    legal_channel: str
    legal_guidance: LegalGuidance | None
    rated: bool
    rate_refusal: str | None
    review_refusal: str | None

    @property
    def may_rate(self) -> bool:
        return self.rate_refusal is None

    @property
    def may_review(self) -> bool:
        return self.review_refusal is None


def _after(moment: dt.datetime | None, limit: deadlines.TimeLimit) -> dt.date | None:
    return deadlines.due_date(clock.local_date(moment), limit) if moment else None


def _deadline(p: Petition, in_force: Limits) -> tuple[dt.date | None, str]:
    """Return the date that matters to the petitioner now and what it means to them."""
    status = Status(p.status)
    if status == S.REGISTERED:
        return p.route_due, _("信访部门将在此日期前决定是否受理，并书面告知您。")
    if status in HANDLING_STATUSES or status == S.OBJECTED:
        return p.handling_due, _(
            "承办单位应在此日期前办结并向您出具书面处理意见；依法延期的，会书面告知您。"
        )
    if status in {S.REPLIED, S.EVALUATED, S.CLOSED}:
        return _after(p.replied_at, in_force[K.REVIEW_REQUEST]), _(
            "如对处理意见不服，可在此日期前申请复查。"
        )
    if status == S.UNDER_REVIEW:
        return actions.current_due(p, in_force), _("复查机关应在此日期前出具复查意见。")
    if status == S.REVIEWED:
        return _after(p.review_answered_at, in_force[K.REREVIEW_REQUEST]), _(
            "如对复查意见不服，可在此日期前向上一级机关申请复核。"
        )
    if status == S.UNDER_REREVIEW:
        return actions.current_due(p, in_force), _("复核机关应在此日期前出具复核意见。")
    return None, ""


def step_refusal(p: Petition, action: Action, today: dt.date, in_force: Limits) -> str | None:
    """Return why the petitioner may not take `action` on the case now, in public words."""
    spec = actions.ACTIONS[action]
    if Status(p.status) not in spec.moves:
        if p.status == Status.NOT_ACCEPTED:
            # Never to be replied: "not yet replied" would have the petitioner wait for it.
            if action == Action.EVALUATE:
                return _("该事项不予受理，没有处理意见可供评价。")
            return _("该事项不予受理，不适用复查；不予受理的理由和途径见告知书。")
        if p.status == Status.FORWARDED:
            return _("该事项已转送其他机关办理，请向办理机关了解处理意见。")
        if p.status == Status.MERGED:
            return _("该事项已并入同一信访事项办理，请凭原事项的查询码查询。")
        if p.replied_at is None:
            if action == Action.EVALUATE:
                return _("该事项尚未答复，收到处理意见后才能评价。")
            return _("该事项尚未答复，收到处理意见后才能申请复查。")
        if action == Action.EVALUATE and p.rated_at is not None:
            return _("您已评价过该事项，感谢您的反馈。")
        if action == Action.REQUEST_REVIEW and p.review_requested_at is not None:
            return _("已申请复查，请等待复查意见。")
        return _("该事项目前不能办理此项申请。")
    return spec.refusal(p, today, in_force)


def legal_guidance(p: Petition) -> LegalGuidance | None:
    """Return the guidance to the legal channel the office named, in its public words.

    The reason is the one printed on the notice of non-acceptance the petitioner receives;
    how to start the channel is the office's text (outreach), else the default line, and
    its publicity page only once published.
    """
    if not p.legal_channel:
        return None
    written = outreach.channel_guidance(p.legal_channel)
    page = written.page if written and written.page and written.page.is_published else None
    return LegalGuidance(
        channel=p.legal_channel,
        label=str(LegalChannel(p.legal_channel).label),
        reason=p.not_accept_reason,
        how_to=written.how_to if written else str(notices.LEGAL_CHANNEL_GUIDANCE[p.legal_channel]),
        page=page,
    )


def public_case(code: str, phone_last4: str) -> PublicCase:
    """Return what the petitioner may see of their case; NotFound alike for code and digits."""
    p = access.access_petition_by_code(code, phone_last4)
    in_force = limits.time_limits()
    today = clock.today()
    due, meaning = _deadline(p, in_force)
    return PublicCase(
        number=p.number,
        query_code=notices.format_query_code(p.query_code),
        title=p.title,
        label=str(PUBLIC_LABELS[Status(p.status)]),
        registered=clock.local_date(p.registered_at),
        replied=clock.local_date(p.replied_at) if p.replied_at else None,
        deadline=due,
        deadline_meaning=meaning,
        notices=[(k, str(notices.NOTICE_KINDS[k])) for k in notices.available_notices(p)],
        legal_channel=str(notices.LEGAL_CHANNEL_GUIDANCE.get(p.legal_channel, "")),
        legal_guidance=legal_guidance(p),
        rated=p.rated_at is not None,
        rate_refusal=step_refusal(p, Action.EVALUATE, today, in_force),
        review_refusal=step_refusal(p, Action.REQUEST_REVIEW, today, in_force),
    )


def published_pages() -> QuerySet[PublicityPage]:
    """Return the publicity pages the public may read, by section in the sections' order."""
    # The Regulations first, as the sections are declared, not their codes' alphabet.
    section = Case(
        *(When(kind=kind, then=Value(i)) for i, kind in enumerate(PublicityPage.Kind.values)),
        output_field=IntegerField(),
    )
    return (
        PublicityPage.objects.filter(is_published=True)
        .only("pk", "kind", "title", "updated_at", "sort")
        .order_by(section, "sort", "-updated_at")
    )


def published_page(pk: int) -> PublicityPage:
    """Return a published page; NotFound alike for a draft and for no page."""
    page = PublicityPage.objects.filter(is_published=True, pk=pk).first()
    if page is None:
        raise NotFound(_("页面不存在。"))
    return page
