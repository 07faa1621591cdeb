"""The detectors' arithmetic: text signatures, similarity scores, forming collective
petitions, surges, key persons' contact dates, and the thresholds of sensitive periods.

Pure: no ORM, no clock; the callers hand in texts, places and times.

Similarity. A text is reduced to its Chinese characters, letters and digits, and cut into
overlapping character 2- and 3-grams (shingles): Chinese has no spaces, and "业委会" /
"业主委员会" still share "业委", "委会". Two texts' Jaccard similarity J = |A ∩ B| / |A ∪ B|
of their shingle sets is estimated by MinHash: each of a signature's salted hash
functions keeps the smallest hash over a text's shingles, and the share of positions
where two signatures agree is an unbiased estimate of J. For lookup the signatures are
cut into bands (locality-sensitive hashing) and only the cases sharing a band are
scored. Same-matter texts share little (below), so the whole text's bands are single
hashes: its first FULL_BANDS hashes, each a band of one row, which two texts share with
probability 1 - (1 - J)^FULL_BANDS — 0.93 at the threshold J = 0.055, 0.99 at 0.1. The
title's are TITLE_BANDS bands of two rows, shared with probability 1 - (1 - J²)^24: 0.96
at its threshold 0.35. On the labelled pairs (below) every pair the rule takes for one
matter shares a band (with 32 bands of two rows on either part, 85 % did). A band of one
hash can be common — a frequent shingle is many texts' minimum — so the lookup reads only
the newest cases of each band (selectors.BAND_CAP) and scores those sharing the most.

Each case has two signatures: of its title, and of its title with its content. On the
real messages of ../shared/data (teddy2020c hot issues), people raising one matter write
long and different accounts, so their whole texts share little — a median J of 0.07 —
but unrelated texts share less still (0.02). Titles are short and often written from a
template ("请加快A市……建设力度", "……噪音扰民"), so a title alike is strong evidence only
when very alike. Two texts are on the same matter when

    J_full ≥ MIN_FULL  or  J_title ≥ MIN_TITLE

thresholds chosen on 340 pairs labelled by hand (tests/data/same_matter_pairs.csv; their
precision and recall are in the README, and test_real_text.py holds them), and the score of a match is

    score = (1 - PLACE_WEIGHT) · text + PLACE_WEIGHT · place,   text = max(J_full, J_title)

where place is 1 when both cases name the same community or the same address (after
normalisation), else 0. It lies in [0, 1]; a shared place alone never makes two cases
similar.
"""

import datetime as dt
import hashlib
import math
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

TITLE_HASHES: Final = 64
FULL_HASHES: Final = 256
FULL_BANDS: Final = 48  # bands of FULL_ROWS hashes cut from the whole text's first ones
FULL_ROWS: Final = 1
TITLE_BANDS: Final = 24  # and of TITLE_ROWS from the title's
TITLE_ROWS: Final = 2
SHINGLE_SIZES: Final = (2, 3)
PLACE_WEIGHT: Final = 0.2
# MIN_FULL asks 15 of the whole text's 256 hashes to agree, MIN_TITLE 23 of the title's
# 64. An estimate from k hashes has a standard error of sqrt(J(1 - J)/k): with 64 hashes
# an unrelated pair (J ≈ 0.025) would pass J ≥ 0.055 one time in thirteen, with 256 one
# time in 450. The pair of thresholds has the best F1 on the labelled pairs
# (averaged over five hash families, so as not to fit this one's noise): precision 0.74,
# recall 0.81. The old rule, max(J_full, J_title) ≥ 0.15 over 64 hashes, had 0.45 and
# 0.72: templated titles passed for one matter, one matter in other words did not.
MIN_FULL: Final = 0.055
MIN_TITLE: Final = 0.35

# Salts of the hash family, fixed so that signatures stored today match tomorrow's.
_PRIME: Final = (1 << 61) - 1
_rng = np.random.default_rng(20261201)
_A: Final = _rng.integers(1, _PRIME, size=FULL_HASHES, dtype=np.uint64)
_B: Final = _rng.integers(0, _PRIME, size=FULL_HASHES, dtype=np.uint64)
_KEEP = re.compile(r"[\u4e00-\u9fff0-9a-z]+")
# A signature is kept as little-endian 32-bit words: the low half of each minimum.
# Two different minima agree in their low 32 bits once in four billion, a negligible
# bias, and the index is half the size.
_WORD: Final = np.dtype("<u4")

Signature = bytes


@dataclass(frozen=True, slots=True)
class Signatures:
    full: Signature  # FULL_HASHES words
    title: Signature | None  # TITLE_HASHES words; None for a title under two characters

    def to_bytes(self) -> bytes:
        """Return the signatures as stored: the whole text's words, then the title's."""
        return self.full + (self.title or b"")

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> "Signatures":
        """Return the signatures to_bytes() stored (PostgreSQL hands back a memoryview)."""
        cut = FULL_HASHES * _WORD.itemsize
        return cls(full=bytes(data[:cut]), title=bytes(data[cut:]) or None)


def normalize(text: str) -> str:
    """Return `text` reduced to lower-case letters, digits and Chinese characters."""
    return "".join(_KEEP.findall(text.lower()))


def shingles(*parts: str) -> set[str]:
    """Return the character 2- and 3-grams of each part; none for parts under two characters."""
    grams = set()
    for chars in map(normalize, parts):
        grams |= {chars[i : i + n] for n in SHINGLE_SIZES for i in range(len(chars) - n + 1)}
    return grams


def _base_hash(shingle: str) -> int:
    # A stable 31-bit hash (Python's own hash() is salted per process); 31 bits keep
    # a·x + b within 64 bits before the modulo.
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=4).digest()) >> 1


def signature(*parts: str, hashes: int = FULL_HASHES) -> Signature | None:
    """Return the MinHash signature of the parts of a text, or None when it has no shingles."""
    grams = shingles(*parts)
    if not grams:
        return None
    x = np.fromiter((_base_hash(g) for g in grams), dtype=np.uint64, count=len(grams))
    # (a·x + b) mod p per salt; a < 2^61 and x < 2^31 can overflow 64 bits, so the
    # product is taken modulo 2^64 first — still a universal family for our purpose.
    hashed = (_A[:hashes, None] * x[None, :] + _B[:hashes, None]) % np.uint64(_PRIME)
    words: bytes = hashed.min(axis=1).astype(_WORD).tobytes()
    return words


def signatures(title: str, content: str) -> Signatures | None:
    """Return the whole text's and the title's signatures, or None for a text too short."""
    full = signature(title, content)
    if full is None:
        return None
    return Signatures(full=full, title=signature(title, hashes=TITLE_HASHES))


def _keys(sig: Signature, part: int, bands: int, rows: int) -> list[int]:
    width = rows * _WORD.itemsize
    keys = []
    for band in range(bands):
        packed = struct.pack("<BH", part, band) + sig[band * width : (band + 1) * width]
        keys.append(int.from_bytes(hashlib.blake2b(packed, digest_size=8).digest()) >> 1)
    return keys


def band_keys(sigs: Signatures) -> list[int]:
    """Return one 63-bit key per band of each signature, its part and band number mixed in."""
    keys = _keys(sigs.full, 1, FULL_BANDS, FULL_ROWS)
    if sigs.title:
        keys += _keys(sigs.title, 0, TITLE_BANDS, TITLE_ROWS)
    return sorted(set(keys))


def jaccard(a: Signature, b: Signature) -> float:
    """Return the Jaccard similarity that signatures `a` and `b` estimate."""
    x, y = np.frombuffer(a, dtype=_WORD), np.frombuffer(b, dtype=_WORD)
    if len(x) != len(y):
        raise ValueError("signatures of different lengths")
    return float(np.count_nonzero(x == y)) / len(x)


def text_similarity(a: Signatures, b: Signatures) -> tuple[float, float]:
    """Return the whole texts' and the titles' estimated Jaccard similarity."""
    titles = jaccard(a.title, b.title) if a.title and b.title else 0.0
    return jaccard(a.full, b.full), titles


def text_similarities(a: Signatures, others: Sequence[Signatures]) -> list[tuple[float, float]]:
    """Return text_similarity(a, b) for each of `others`, in one array operation."""
    if not others:
        return []
    full = np.frombuffer(b"".join(o.full for o in others), dtype=_WORD).reshape(len(others), -1)
    fulls = (full == np.frombuffer(a.full, dtype=_WORD)).mean(axis=1)
    untitled = bytes(TITLE_HASHES * _WORD.itemsize)
    title = np.frombuffer(b"".join(o.title or untitled for o in others), dtype=_WORD)
    titles = title.reshape(len(others), -1) == np.frombuffer(a.title or untitled, dtype=_WORD)
    has = np.array([a.title is not None and o.title is not None for o in others])
    return list(zip(fulls.tolist(), np.where(has, titles.mean(axis=1), 0.0).tolist(), strict=True))


def same_matter(full: float, title: float) -> bool:
    """Return whether texts this alike (whole, titles) are taken for one matter."""
    return full >= MIN_FULL or title >= MIN_TITLE


def place_key(address: str) -> str:
    """Return the comparable form of an address ('' when it names none)."""
    return normalize(address)


@dataclass(frozen=True, slots=True)
class Place:
    community_id: int | None
    address: str  # as place_key() returns it

    def shared_with(self, other: "Place") -> list[str]:
        """Return what the two places have in common: 'community', 'address', or nothing."""
        shared = []
        if self.community_id is not None and self.community_id == other.community_id:
            shared.append("community")
        if self.address and self.address == other.address:
            shared.append("address")
        return shared


@dataclass(frozen=True, slots=True)
class Match:
    text: float
    place: tuple[str, ...]
    score: float


def scored(text: tuple[float, float], pa: Place, pb: Place) -> Match | None:
    """Return the match of two cases whose texts are this alike, or None if not one matter."""
    full, title = text
    if not same_matter(full, title):
        return None
    shared = tuple(pa.shared_with(pb))
    best = max(full, title)
    score = (1 - PLACE_WEIGHT) * best + PLACE_WEIGHT * (1.0 if shared else 0.0)
    return Match(text=best, place=shared, score=round(min(max(score, 0.0), 1.0), 4))


def match(a: Signatures, b: Signatures, pa: Place, pb: Place) -> Match | None:
    """Return how similar two cases are, or None when their texts are not alike enough."""
    return scored(text_similarity(a, b), pa, pb)


# ---------------------------------------------------------------- forming collective petitions

MIN_PEOPLE_FLOOR: Final = 2  # one person is not a group: N = 1 would alert on every case


@dataclass(frozen=True, slots=True)
class Member:
    petition_id: int
    people: frozenset[int]  # petitioner and representatives' ids
    at: dt.datetime


def forming_group(
    new: Member, similar_here: Iterable[Member], *, min_people: int, window: dt.timedelta
) -> list[Member] | None:
    """Return the group `new` completes, or None when it holds fewer than `min_people` people.

    `similar_here` are the earlier cases on the same matter at the same place; those
    registered more than `window` before `new` are left out.
    """
    members = [new, *(m for m in similar_here if new.at - window <= m.at <= new.at)]
    people = set().union(*(m.people for m in members))
    if len(people) < min_people:
        return None
    return sorted(members, key=lambda m: (m.at, m.petition_id))


def severity(people: int, min_people: int) -> str:
    """Return the alert's severity: high from twice the threshold, else medium."""
    return "high" if people >= 2 * min_people else "medium"


def check_thresholds(min_people: int, window_days: int) -> list[tuple[str, str]]:
    """Return (field, reason key) for each threshold that cannot be used."""
    errors = []
    if min_people < MIN_PEOPLE_FLOOR:
        errors.append(("min_people", "too_few_people"))
    if window_days < 1:
        errors.append(("window_days", "window_too_short"))
    return errors


def best_first(scored: Sequence[tuple[int, Match]], limit: int) -> list[tuple[int, Match]]:
    """Return the `limit` best (id, match) pairs, best score first, then newest id."""
    return sorted(scored, key=lambda p: (-p[1].score, -p[0]))[:limit]


# ---------------------------------------------------------------- hot issues

# A hot issue (热点问题) is a group of cases on one matter raised by at least
# HOT_MIN_PEOPLE people. Grouping links two cases when their texts are alike beyond
# GROUP_FULL or GROUP_TITLE — stricter than same_matter, because a group is the closure
# of its links: over the 4,326 real messages the pairwise rule (about 12,000 links) joins
# 2,451 of them into one chain, while these thresholds give groups that a reader takes
# for one matter (README: the groups found against what the data shows). Or when they
# are the same matter at the same place (community or address).
GROUP_FULL: Final = 0.115  # 30 of 256 hashes
GROUP_TITLE: Final = 0.5  # 32 of 64
HOT_MIN_PEOPLE: Final = 2
# A case no strong link reaches joins the group of which ATTACH_LINKS members are alike
# to it beyond ATTACH_FULL or ATTACH_TITLE (it joins; it never bridges two groups).
ATTACH_LINKS: Final = 2
ATTACH_FULL: Final = 0.085  # 22 of 256 hashes
ATTACH_TITLE: Final = 0.4  # 26 of 64
# Candidate pairs share one of the bands of 2 hashes cut from every hash of either
# signature: a pair at GROUP_FULL shares one with probability 1 - (1 - 0.115²)^128 =
# 0.82, at GROUP_TITLE 1 - 0.75^32 ≈ 1; an unrelated pair (J ≈ 0.025) one time in 13.
_GROUP_ROWS: Final = 2
HOT_HALF_LIFE_DAYS: Final = 14


@dataclass(frozen=True, slots=True)
class HotCase:
    petition_id: int
    sigs: Signatures
    place: Place
    at: dt.datetime
    people: frozenset[int]  # petitioner and representatives; empty for an anonymous case
    title: str


@dataclass(frozen=True, slots=True)
class HotGroup:
    cases: tuple[HotCase, ...]  # in order of registration
    people: int
    title: str  # the title of the member most alike to the others
    first: dt.datetime
    last: dt.datetime
    hot_index: float


def hot_index(people: int, cases: int, days_since_last: float) -> float:
    """Return the hot index of a group: its people, its other cases at half, decaying.

    H = (P + 0.5 · (N − P)) · 2^(−d / HOT_HALF_LIFE_DAYS), with P the distinct people,
    N the cases (N ≥ P; an anonymous case counts as one person) and d the days from the
    group's last case to the end of the period: a matter still being raised ranks above
    one that stopped two weeks ago, which counts half.
    """
    return round(
        (people + 0.5 * (cases - people)) * 2 ** (-days_since_last / HOT_HALF_LIFE_DAYS), 2
    )


def _bands(words: np.ndarray) -> np.ndarray:
    """Return each row's bands of _GROUP_ROWS words as one 64-bit value per band."""
    pairs = words.reshape(len(words), -1, _GROUP_ROWS).astype(np.uint64)
    return pairs[:, :, 0] << np.uint64(32) | pairs[:, :, 1]


def _candidate_pairs(full: np.ndarray, title: np.ndarray, titled: np.ndarray) -> np.ndarray:
    """Return the (i, j), i < j, of the cases sharing a band, sorted, each pair once."""
    n = len(full)
    found = [np.empty(0, dtype=np.int64)]
    everyone = np.arange(n)
    for part, rows in ((_bands(full), everyone), (_bands(title), np.flatnonzero(titled))):
        for values in part[rows].T:
            # Sorting a band's values puts the cases that share one side by side.
            order = np.argsort(values, kind="stable")
            ranked = values[order]
            bounds = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1], True])
            sizes = np.diff(bounds)
            # Most shared values are shared by two: their pairs in one array operation.
            twos = bounds[:-1][sizes == 2]
            first, second = rows[order[twos]], rows[order[twos + 1]]
            found.append(np.minimum(first, second) * n + np.maximum(first, second))
            for run in np.flatnonzero(sizes > 2).tolist():
                members = np.sort(rows[order[bounds[run] : bounds[run + 1]]])
                a, b = np.triu_indices(len(members), k=1)
                found.append(members[a] * n + members[b])
    codes = np.unique(np.concatenate(found))
    return np.stack([codes // n, codes % n], axis=1)


def hot_groups(cases: Sequence[HotCase], *, until: dt.datetime) -> list[HotGroup]:
    """Return the hot issues among `cases`: most people first, then most cases, hottest."""
    n = len(cases)
    if n < 2:
        return []
    full = np.frombuffer(b"".join(c.sigs.full for c in cases), dtype=_WORD).reshape(n, -1)
    untitled = bytes(TITLE_HASHES * _WORD.itemsize)
    title = np.frombuffer(b"".join(c.sigs.title or untitled for c in cases), dtype=_WORD).reshape(
        n, -1
    )
    titled = np.array([c.sigs.title is not None for c in cases])
    pairs = _candidate_pairs(full, title, titled)
    a, b = pairs[:, 0], pairs[:, 1]
    j_full = (full[a] == full[b]).mean(axis=1)
    j_title = np.where(titled[a] & titled[b], (title[a] == title[b]).mean(axis=1), 0.0)
    strong = (j_full >= GROUP_FULL) | (j_title >= GROUP_TITLE)
    alike = (j_full >= MIN_FULL) | (j_title >= MIN_TITLE)
    # Place.shared_with over arrays: the same community, or the same non-empty address.
    community = np.array([c.place.community_id or -1 for c in cases])
    codes: dict[str, int] = {"": -1}
    address = np.array([codes.setdefault(c.place.address, len(codes)) for c in cases])
    here = ((community[a] == community[b]) & (community[a] >= 0)) | (
        (address[a] == address[b]) & (address[a] >= 0)
    )
    links = pairs[strong | (alike & here)]
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    degree = [0] * n
    for i, k in links.tolist():
        parent[root(i)] = root(k)
        degree[i] += 1
        degree[k] += 1
    # A case left alone joins a group rather than bridging two, so no chain grows
    # through a loose link.
    size = [0] * n
    for i in range(n):
        size[root(i)] += 1
    votes: dict[tuple[int, int], int] = {}
    near = (j_full >= ATTACH_FULL) | (j_title >= ATTACH_TITLE)
    for i, k in pairs[near].tolist() if len(pairs) else []:
        for lone, other in ((i, k), (k, i)):
            if size[root(lone)] == 1 and size[root(other)] > 1:
                key = (lone, root(other))
                votes[key] = votes.get(key, 0) + 1
    joins: dict[int, tuple[int, int]] = {}
    for (lone, group), count in votes.items():
        if count >= ATTACH_LINKS and (count, -group) > joins.get(lone, (0, 0)):
            joins[lone] = (count, -group)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(-joins[i][1] if i in joins else root(i), []).append(i)
    groups = []
    for idx in members.values():
        people = len(set().union(*(cases[i].people for i in idx))) + sum(
            not cases[i].people for i in idx
        )
        if len(idx) < 2 or people < HOT_MIN_PEOPLE:
            continue
        ordered = sorted((cases[i] for i in idx), key=lambda c: (c.at, c.petition_id))
        central = max(idx, key=lambda i: (degree[i], -cases[i].at.timestamp()))
        days = max(0.0, (until - ordered[-1].at).total_seconds() / 86400)
        groups.append(
            HotGroup(
                cases=tuple(ordered),
                people=people,
                title=cases[central].title,
                first=ordered[0].at,
                last=ordered[-1].at,
                hot_index=hot_index(people, len(idx), days),
            )
        )
    return sorted(groups, key=lambda g: (-g.people, -len(g.cases), -g.hot_index, g.first))


# ---------------------------------------------------------------- registers

# A dispute's statuses move forward only: open → being resolved → resolved or escalated;
# one still open may also be escalated at once (beyond the unit from the start).
DISPUTE_MOVES: Final = {
    "open": frozenset({"open", "resolving", "escalated"}),
    "resolving": frozenset({"resolving", "resolved", "escalated"}),
    "resolved": frozenset({"resolved"}),
    "escalated": frozenset({"escalated"}),
}


def dispute_move_allowed(current: str, new: str) -> bool:
    """Return whether a dispute may go from status `current` to `new`."""
    return new in DISPUTE_MOVES.get(current, frozenset())


def contact_due(last_contact: dt.date | None, listed: dt.date, cadence_days: int) -> dt.date:
    """Return the day a key person is next due a contact: a cadence after the last one."""
    return (last_contact or listed) + dt.timedelta(days=cadence_days)


REPEAT_COUNT: Final = 3
REPEAT_DAYS: Final = 90


def is_repeat_petitioner(
    registered: Iterable[dt.date], today: dt.date, *, count: int = REPEAT_COUNT
) -> bool:
    """Return whether `count` petitions fall within the REPEAT_DAYS up to `today`."""
    since = today - dt.timedelta(days=REPEAT_DAYS - 1)
    return sum(since <= day <= today for day in registered) >= count


# ---------------------------------------------------------------- sensitive periods

# During a sensitive period a forming collective petition is reported earlier: with one
# person fewer over a window half as long again ("raised"), or two fewer over twice the
# window ("high"), never under MIN_PEOPLE_FLOOR; a surge needs a smaller tail (SURGE_P).
TIGHTEN: Final = {"raised": (1, 1.5), "high": (2, 2.0)}


@dataclass(frozen=True, slots=True)
class Limits:
    min_people: int
    window_days: int
    surge_p: float
    period: str = ""  # the level of the sensitive period in force, "" outside one


def limits_in_force(min_people: int, window_days: int, period_level: str = "") -> Limits:
    """Return the thresholds in force, tightened during a sensitive period of `period_level`."""
    if period_level not in TIGHTEN:
        return Limits(min_people, window_days, SURGE_P)
    fewer, longer = TIGHTEN[period_level]
    return Limits(
        min_people=max(MIN_PEOPLE_FLOOR, min_people - fewer),
        window_days=round(window_days * longer),
        surge_p=SURGE_P_SENSITIVE,
        period=period_level,
    )


def check_period(starts: dt.date, ends: dt.date) -> list[tuple[str, str]]:
    """Return (field, reason key) when a period cannot be used: it ends before it starts."""
    return [("ends_on", "period_reversed")] if ends < starts else []


# ---------------------------------------------------------------- surges

# A week's count is a surge when a Poisson variable with the trailing weeks' mean would
# reach it with probability under SURGE_P (one false alarm in a thousand quiet weeks per
# series), and it is at least SURGE_MIN_COUNT, so that a series of zeros does not alarm
# on a single case. During a sensitive period the tail allowed is ten times larger.
SURGE_P: Final = 0.001
SURGE_P_SENSITIVE: Final = 0.01
SURGE_MIN_COUNT: Final = 5
SURGE_TRAILING_WEEKS: Final = 8
# An empty history still has some expected level: half a case a week.
SURGE_MIN_MEAN: Final = 0.5


def poisson_upper_tail(k: int, mean: float) -> float:
    """Return P(X ≥ k) for X ~ Poisson(mean), summed exactly over the lower terms."""
    if k <= 0:
        return 1.0
    term = math.exp(-mean)  # P(X = 0)
    below = term
    for i in range(1, k):
        term *= mean / i
        below += term
    return max(0.0, 1.0 - below)


@dataclass(frozen=True, slots=True)
class Surge:
    count: int
    mean: float
    p: float


def surge(this_week: int, trailing: Sequence[int], *, p: float = SURGE_P) -> Surge | None:
    """Return the surge `this_week`'s count is against the `trailing` weeks, or None.

    The expected level is the trailing weeks' mean (at least SURGE_MIN_MEAN); the week is
    a surge when P(X ≥ this_week) < p under Poisson(mean) and the count reaches
    SURGE_MIN_COUNT.
    """
    mean = max(SURGE_MIN_MEAN, sum(trailing) / len(trailing)) if trailing else SURGE_MIN_MEAN
    tail = poisson_upper_tail(this_week, mean)
    if this_week < SURGE_MIN_COUNT or tail >= p:
        return None
    return Surge(count=this_week, mean=round(mean, 2), p=tail)


def week_start(day: dt.date) -> dt.date:
    """Return the Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())
