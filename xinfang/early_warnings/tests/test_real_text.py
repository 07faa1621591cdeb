"""Similarity on real messages: hand-picked same matters land together, different ones apart.

The messages are the Teddy Cup 2020 (problem C) hot-issue board, kept outside the
repository in ../shared/data; the test is skipped where they are absent.
"""

import csv
import gzip
import itertools
from pathlib import Path

import pytest
from django.conf import settings

from xinfang.early_warnings import rules

_ROOT = Path(settings.BASE_DIR)
# The project root's sibling; a worktree (…/wt/<name>) looks one level further up.
_FOUND = [
    p
    for base in (_ROOT.parent, _ROOT.parent.parent)
    if (p := base / "shared" / "data" / "teddy2020c_hot_issue_messages.csv.gz").exists()
]
pytestmark = pytest.mark.skipif(not _FOUND, reason="../shared/data is absent")

# Picked by reading the messages: each group is one matter raised by different people.
GROUPS = {
    # Buyers of 伊景园滨河苑 made to buy a parking space with their flat.
    "parking bundled with flats": [190337, 191001, 196264, 205277, 205982, 207243, 209571],
    # A concrete mixing plant built beside 丽发新城: noise and dust.
    "mixing plant beside a housing estate": [
        214282,
        189950,
        190108,
        190523,
        203393,
        208714,
        213464,
    ],
}
# Clearly different matters: a studio's taxes, road naming, village roads and water.
DIFFERENT = [188006, 188007, 188031]


@pytest.fixture(scope="module")
def signatures() -> dict[int, rules.Signatures]:
    wanted = {*DIFFERENT, *itertools.chain(*GROUPS.values())}
    found = {}
    with gzip.open(_FOUND[0], "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if (pk := int(row["留言编号"])) in wanted:
                sigs = rules.signatures(row["留言主题"], row["留言详情"])
                assert sigs is not None
                found[pk] = sigs
    assert set(found) == wanted
    return found


def _same(a: rules.Signatures, b: rules.Signatures) -> bool:
    nowhere = rules.Place(community_id=None, address="")
    return rules.match(a, b, nowhere, nowhere) is not None


def _components(sigs: dict[int, rules.Signatures]) -> list[set[int]]:
    """Return the groups that linking every same-matter pair makes (single linkage)."""
    parent = {pk: pk for pk in sigs}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            pk = parent[pk]
        return pk

    for a, b in itertools.combinations(sigs, 2):
        if _same(sigs[a], sigs[b]):
            parent[root(a)] = root(b)
    groups: dict[int, set[int]] = {}
    for pk in sigs:
        groups.setdefault(root(pk), set()).add(pk)
    return sorted(groups.values(), key=min)


def test_messages_on_one_matter_land_together_and_different_ones_apart(
    signatures: dict[int, rules.Signatures],
) -> None:
    expected = [set(g) for g in GROUPS.values()] + [{pk} for pk in DIFFERENT]
    assert _components(signatures) == sorted(expected, key=min)


def test_no_message_of_one_matter_is_the_same_matter_as_one_of_another(
    signatures: dict[int, rules.Signatures],
) -> None:
    parking, mixing = GROUPS.values()
    for a, b in itertools.product(parking, [*mixing, *DIFFERENT]):
        assert not _same(signatures[a], signatures[b]), (a, b)
