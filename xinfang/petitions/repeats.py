"""A likely repeat: the same person raising a matter with a similar title within 30 days.

Intake shows it before saving (the known-person panel) and registration refuses to count
it as a first-time petition unless the registrar links it as a repeat or confirms that it
is a new matter. Titles are compared by their two-character windows (Jaccard), which
needs no segmenter: petitioners retitle the same matter with small changes
(“小区噪声扰民” / “小区夜间噪声扰民”), and a matter's title rarely shares half its
windows with a different one.
"""

import datetime as dt
from collections.abc import Collection
from typing import Any

from xinfang.petitions import access
from xinfang.petitions.models import Petition

WINDOW = dt.timedelta(days=30)
# Share of the two titles' two-character windows they have in common (Jaccard).
ALIKE = 0.5
MAX_LOOKED_AT = 50  # a person's cases of a month: far more than anyone brings


def _windows(title: str) -> set[str]:
    text = "".join(ch for ch in title.lower() if ch.isalnum())
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def similar_titles(a: str, b: str) -> bool:
    """Return whether two titles name the same matter by the windows they share."""
    wa, wb = _windows(a), _windows(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / len(wa | wb) >= ALIKE


def likely_repeats(
    user: Any, petitioner_ids: Collection[int], title: str, now: dt.datetime
) -> list[Petition]:
    """Return the cases `user` may see as these people's that they brought lately with a
    similar title (never one whose petitioner is kept from `user`, Art. 46)."""
    if not petitioner_ids or not title.strip():
        return []
    recent = (
        Petition.objects.filter(
            access.identity_visible_q(user),
            petitioner_id__in=list(petitioner_ids),
            registered_at__gte=now - WINDOW,
        )
        .only("pk", "title", "registered_at", "status")
        .order_by("-registered_at")[:MAX_LOOKED_AT]
    )
    return [p for p in recent if similar_titles(p.title, title)]
