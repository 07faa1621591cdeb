"""Reads of the similarity index and the alerts, scoped to the user where a user asks."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from xinfang.early_warnings import rules
from xinfang.early_warnings.models import TextBand, TextSignature, Thresholds
from xinfang.petitions.access import visible_q
from xinfang.petitions.models import Petition

# Scored per lookup at most: the cases sharing the most bands, the likeliest matches.
MAX_CANDIDATES: Final = 500
MAX_LIMIT: Final = 50


@dataclass(frozen=True, slots=True)
class Similar:
    petition: Petition
    match: rules.Match

    @property
    def reasons(self) -> list[str]:
        reasons = [_("文本相似度 %(percent)d%%") % {"percent": round(self.match.text * 100)}]
        labels = {"community": _("同一社区"), "address": _("同一地址")}
        return reasons + [labels[p] for p in self.match.place]


def place_of(row: TextSignature) -> rules.Place:
    """Return the place a signature row records."""
    return rules.Place(community_id=row.community_id, address=row.address)


def similar_petitions(user: Any, petition: Petition, *, limit: int = 10) -> list[Similar]:
    """Return the cases like `petition` that `user` may see, best first."""
    own = TextSignature.objects.filter(petition_id=petition.pk).first()
    if own is None:
        return []
    sig = rules.Signatures.from_json(own.signature)
    candidates = (
        TextBand.objects.filter(key__in=rules.band_keys(sig))
        .exclude(petition_id=petition.pk)
        .values("petition_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-petition_id")
        .values_list("petition_id", flat=True)[:MAX_CANDIDATES]
    )
    scored = []
    for row in TextSignature.objects.filter(petition_id__in=list(candidates)):
        m = rules.match(
            sig, rules.Signatures.from_json(row.signature), place_of(own), place_of(row)
        )
        if m is not None:
            scored.append((row.petition_id, m))
    # Scope before cutting to `limit`, so that hidden cases do not take the places.
    visible = set(
        Petition.objects.filter(visible_q(user), pk__in=[pk for pk, _m in scored])
        .order_by()
        .values_list("pk", flat=True)
    )
    best = rules.best_first([(pk, m) for pk, m in scored if pk in visible], min(limit, MAX_LIMIT))
    cases = Petition.objects.in_bulk([pk for pk, _m in best])
    return [Similar(petition=cases[pk], match=m) for pk, m in best if pk in cases]


def same_matter_here(row: TextSignature, *, since: dt.datetime) -> list[tuple[int, rules.Match]]:
    """Return the earlier cases like `row`'s at its place registered from `since`, unscoped."""
    here = Q()
    if row.community_id is not None:
        here |= Q(community_id=row.community_id)
    if row.address:
        here |= Q(address=row.address)
    if not here:
        return []
    others = TextSignature.objects.filter(
        here, registered_at__gte=since, registered_at__lte=row.registered_at
    ).exclude(petition_id=row.petition_id)
    sig, place = rules.Signatures.from_json(row.signature), place_of(row)
    found = []
    for other in others:
        m = rules.match(sig, rules.Signatures.from_json(other.signature), place, place_of(other))
        if m is not None:
            found.append((other.petition_id, m))
    return found


def people_of(petition_ids: list[int]) -> dict[int, frozenset[int]]:
    """Return each case's people: its petitioner and its representatives."""
    people: dict[int, set[int]] = {}
    for pk, person in Petition.objects.filter(pk__in=petition_ids).values_list(
        "pk", "petitioner_id"
    ):
        named = people.setdefault(pk, set())  # a case naming nobody still has an entry
        if person is not None:
            named.add(person)
    through = Petition.representatives.through
    for pk, person in through.objects.filter(petition_id__in=petition_ids).values_list(
        "petition_id", "petitioner_id"
    ):
        people.setdefault(pk, set()).add(person)
    return {pk: frozenset(p) for pk, p in people.items()}


def thresholds() -> Thresholds:
    """Return the detection thresholds in force (the defaults until the office sets them)."""
    return Thresholds.objects.order_by("pk").first() or Thresholds()
