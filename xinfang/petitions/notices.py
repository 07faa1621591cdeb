"""The written notices (告知书) a petitioner is sent, as printable HTML and as PDF.

A notice tells of one decision on the case. It is available once the petition carries
that decision and is dated on the day the decision was taken, so a notice printed again
later reads the same as the one sent. Rendering reads the petition and its relations
(plus the time limits, and the extension notice its events); the caller checks access
and writes the audit record.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Final

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML

from xinfang.common import clock
from xinfang.common.errors import NotFound
from xinfang.petitions import deadlines, limits, selectors, tracking
from xinfang.petitions.models import LegalChannel, Petition, PetitionEvent, TimeLimitRule
from xinfang.petitions.workflow import Action, Status

K = TimeLimitRule.Key
QUERY_CODE_GROUP = 4

NOTICE_KINDS: Final[Mapping[str, str | Promise]] = {
    "acceptance": _("受理告知书"),
    "non_acceptance": _("不予受理告知书"),
    "forwarding": _("转送告知书"),
    "extension": _("延期告知书"),
    "reply": _("处理意见书"),
}

_APPLIES: Final[Mapping[str, Callable[[Petition], bool]]] = {
    "acceptance": lambda p: p.accepted_at is not None,
    "non_acceptance": lambda p: p.status == Status.NOT_ACCEPTED,
    "forwarding": lambda p: p.status == Status.FORWARDED,
    "extension": lambda p: p.extension_days > 0,
    "reply": lambda p: p.replied_at is not None,
}

# Where a matter for the courts, arbitration or review is sent (诉访分离).
LEGAL_CHANNEL_GUIDANCE: Final[Mapping[str, str | Promise]] = {
    LegalChannel.LITIGATION: _("向有管辖权的人民法院提起诉讼"),
    LegalChannel.ARBITRATION: _("向有管辖权的仲裁机构申请仲裁"),
    LegalChannel.ADMIN_REVIEW: _("向有权受理的行政复议机关申请行政复议"),
    LegalChannel.OTHER: _("通过相应的法定途径提出"),
}


def format_query_code(code: str) -> str:
    """Return the query code in groups of four, as it is read out: ABCD-EFGH-JKLM."""
    return "-".join(code[i : i + QUERY_CODE_GROUP] for i in range(0, len(code), QUERY_CODE_GROUP))


def available_notices(petition: Petition) -> list[str]:
    """Return the kinds of notice the petition's decisions so far call for, in order."""
    return [kind for kind in NOTICE_KINDS if _APPLIES[kind](petition)]


def _paragraphs(text: str) -> list[str]:
    """Return the non-blank lines of text an officer typed, each printed as a paragraph."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _limit_text(limit: deadlines.TimeLimit) -> str:
    if limit.working_days:
        return gettext("%(n)d个工作日") % {"n": limit.days}
    return gettext("%(n)d日") % {"n": limit.days}


def _acceptance(p: Petition) -> tuple[dt.date, dict[str, Any]]:
    assert p.accepted_at is not None and p.handling_due is not None
    # An approved extension and finished hearings have since moved handling_due by their
    # length; the notice states the deadline set on the day of acceptance.
    due = p.handling_due - dt.timedelta(days=p.extension_days + p.paused_days)
    limit = limits.time_limits()[K.HANDLE]
    return clock.local_date(p.accepted_at), {"handling_due": due, "limit": _limit_text(limit)}


def _non_acceptance(p: Petition) -> tuple[dt.date, dict[str, Any]]:
    assert p.routed_at is not None
    extra: dict[str, Any] = {"reason": _paragraphs(p.not_accept_reason)}
    if p.legal_channel:
        extra.update(
            legal_channel=LegalChannel(p.legal_channel).label,
            guidance=LEGAL_CHANNEL_GUIDANCE[p.legal_channel],
            hint=p.category.legal_channel if p.category else "",
        )
    return clock.local_date(p.routed_at), extra


def _forwarding(p: Petition) -> tuple[dt.date, dict[str, Any]]:
    assert p.routed_at is not None
    return clock.local_date(p.routed_at), {"forwarded_to": p.forwarded_to}


def _extension(p: Petition) -> tuple[dt.date, dict[str, Any]]:
    assert p.handling_due is not None
    wanted = [Action.REQUEST_EXTENSION, Action.APPROVE_EXTENSION]
    latest: dict[str, PetitionEvent] = {}
    for event in p.events.filter(action__in=wanted).order_by("-at", "-id"):
        latest.setdefault(event.action, event)
    # Only one extension is ever granted, so the latest request is the one approved.
    request, approval = latest.get(Action.REQUEST_EXTENSION), latest.get(Action.APPROVE_EXTENSION)
    issued, new_due = clock.today(), p.handling_due  # a case imported without its history
    if approval is not None:
        # A later hearing moves handling_due again; the notice keeps the approved date.
        issued = clock.local_date(approval.at)
        new_due = dt.date.fromisoformat(approval.details["handling_due"])
    return issued, {
        "days": p.extension_days,
        "old_due": new_due - dt.timedelta(days=p.extension_days),
        "new_due": new_due,
        "reason": _paragraphs(selectors.extension_reason(request)),
    }


def _reply(p: Petition) -> tuple[dt.date, dict[str, Any]]:
    assert p.replied_at is not None
    return clock.local_date(p.replied_at), {
        "reply_kind": p.get_reply_kind_display(),
        "reply_text": _paragraphs(p.reply_text),
        "review_limit": _limit_text(limits.time_limits()[K.REVIEW_REQUEST]),
    }


_CONTEXT: Final[Mapping[str, Callable[[Petition], tuple[dt.date, dict[str, Any]]]]] = {
    "acceptance": _acceptance,
    "non_acceptance": _non_acceptance,
    "forwarding": _forwarding,
    "extension": _extension,
    "reply": _reply,
}


def render_notice_html(
    petition: Petition, kind: str, *, base: str = "", print_button: bool = False
) -> str:
    """Return the notice of `kind` as a standalone printable page; NotFound if none applies.

    The tracking address and its QR code are printed when the public site's address is
    known: `base`, else settings.XINFANG_PUBLIC_URL. `print_button` adds a print button
    below the notice (never printed), for the page opened on its own.
    """
    if kind not in available_notices(petition):
        raise NotFound(gettext("该信访事项没有此类告知书。"))
    issued, extra = _CONTEXT[kind](petition)
    p = petition
    context = {
        "title": NOTICE_KINDS[kind],
        "petition": p,
        "number": p.number,
        "query_code": format_query_code(p.query_code),
        "issuer": p.registered_unit.name,
        "issued": issued,
        "registered": clock.local_date(p.registered_at),
        "handling_unit": p.handling_unit.name if p.handling_unit else "",
        "petitioner_name": p.petitioner.name if p.petitioner else gettext("匿名信访人"),
        "print_button": print_button,
        **extra,
    }
    if site := tracking.public_base(base):
        url = tracking.tracking_url(p.query_code, base=site)
        context.update(tracking_url=url, qr=tracking.qr_svg(url))
    return render_to_string(f"petitions/notices/{kind}.html", context)


def render_notice_pdf(petition: Petition, kind: str, *, base: str = "") -> bytes:
    """Return the notice of `kind` as an A4 PDF with its CJK font embedded."""
    html = render_notice_html(petition, kind, base=base)
    # The page links to nothing; the base URL only keeps relative URLs on local files.
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf
