"""The automatic pre-check of a reply (处理意见书) for a spot check: pure text rules, no ORM.

Four indicators, each a plain rule a checker can follow by eye; they flag replies to
read first, they do not score them (the checklist a person fills in does). They were
validated on 150 real messages with official replies labelled by hand
(tests/data/precheck_labels.csv; the agreement is in the README), which set the two
rules below that the first guesses got wrong.

- Relevance (针对性): the share of the petition's two-character sequences (of Chinese
  characters, the words of a text without spaces) that recur in the reply. A reply that
  takes up the matter raised repeats some of its terms (the estate, the committee, the
  fee); a form letter or a bare "forwarded" repeats none. Passes at 3 %: a petition
  tells a long story and a good reply answers its point in other words, so on the
  labelled sample a bar of 15 % failed most good replies.
- Basis (依据): the reply cites a law or policy — a title in 《…》 — or says on what rule
  it rests (根据, 依照, 依据, 按照 followed within the clause by 规定, 条例, 法, 办法,
  文件, 通知, 意见, 政策, 标准 or 要求). A bare "根据您反映的问题" is no basis.
  Regulations Art. 32 wants the facts and the basis.
- Decision and review route (处理意见与救济途径): it states a decision (支持, 不予支持,
  予以, 决定, 处理意见…) and tells how to ask for a review (复查, 复核, 行政复议, 诉讼),
  as a reply must (Regulations Art. 33, 35).
- Timeliness (时效): it was given on or before the handling deadline.
"""

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RELEVANCE_MIN: Final = 0.03
_HAN = re.compile(r"[\u3400-\u9fff]+")
_BASIS = re.compile(
    r"《[^》]{2,60}》|(?:根据|依照|依据|按照)[^。；，]{0,30}"
    r"(?:规定|条例|法|办法|文件|通知|意见|政策|标准|要求)"
)
_DECISION = re.compile(
    r"不予支持|部分支持|予以支持|支持|不予|予以|决定|处理意见|同意|不同意|答复如下"
)
_REVIEW = re.compile(r"复查|复核|行政复议|提起诉讼|向人民法院")


LABELS: Final[Mapping[str, str | Promise]] = {
    "relevance": _("针对性"),
    "basis": _("引用依据"),
    "decision": _("明确处理意见"),
    "review_route": _("告知复查途径"),
    "timeliness": _("按期答复"),
}


@dataclass(frozen=True)
class Indicator:
    key: str
    passed: bool | None  # None: nothing to judge (no reply text, no deadline)
    detail: str


def bigrams(text: str) -> set[str]:
    """Return the two-character sequences within the runs of Chinese characters of `text`."""
    return {run[i : i + 2] for run in _HAN.findall(text) for i in range(len(run) - 1)}


def relevance(petition_text: str, reply_text: str) -> float | None:
    """Return the share of the petition's bigrams found in the reply (None without either)."""
    asked = bigrams(petition_text)
    if not asked or not reply_text.strip():
        return None
    return len(asked & bigrams(reply_text)) / len(asked)


def precheck(
    *, petition_text: str, reply_text: str, replied_on: dt.date | None, due: dt.date | None
) -> list[Indicator]:
    """Return the pre-check's indicators for one reply."""
    share = relevance(petition_text, reply_text)
    has_text = bool(reply_text.strip())
    basis = _BASIS.search(reply_text)
    decision = _DECISION.search(reply_text)
    review = _REVIEW.search(reply_text)
    return [
        Indicator(
            "relevance",
            None if share is None else share >= RELEVANCE_MIN,
            "" if share is None else f"{share:.0%}",
        ),
        Indicator("basis", bool(basis) if has_text else None, basis[0] if basis else ""),
        Indicator(
            "decision",
            bool(decision) if has_text else None,
            decision[0] if decision else "",
        ),
        Indicator(
            "review_route",
            bool(review) if has_text else None,
            review[0] if review else "",
        ),
        Indicator(
            "timeliness",
            None if replied_on is None or due is None else replied_on <= due,
            "" if replied_on is None else replied_on.isoformat(),
        ),
    ]
