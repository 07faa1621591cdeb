"""The detectors' arithmetic, without a database."""

import datetime as dt
import importlib

from xinfang.early_warnings import rules

ELECTION = "湖滨花园小区业委会换届选举未按规定公示候选人名单，请求街道督促依法重新组织。"
ELECTION_AGAIN = "湖滨花园业主委员会换届选举不公示候选人，要求街道重新组织选举。"
DEVELOPER = "雅仕苑小区开发商延期交房，业主要求赔偿违约金。"
HERE = rules.Place(community_id=1, address="")
THERE = rules.Place(community_id=2, address="")


def _sig(text: str) -> rules.Signatures:
    sigs = rules.signatures(text[:12], text)
    assert sigs is not None
    return sigs


def test_an_empty_or_one_character_text_has_no_signature() -> None:
    assert rules.signature("") is None
    assert rules.signature("我") is None
    assert rules.signature("  ，。!") is None
    # Nor do two one-character parts: no shingle spans the title and the content.
    assert rules.signatures("访", "访") is None


def test_a_signature_is_the_same_in_every_process_and_cut_into_its_bands() -> None:
    assert _sig(ELECTION) == _sig(ELECTION)
    assert len(_sig(ELECTION).full) == 4 * rules.FULL_HASHES
    assert len(rules.band_keys(_sig(ELECTION))) == rules.FULL_BANDS + rules.TITLE_BANDS


def test_the_same_matter_in_other_words_scores_above_an_unrelated_one() -> None:
    same = rules.match(_sig(ELECTION), _sig(ELECTION_AGAIN), HERE, THERE)
    assert same is not None and rules.same_matter(
        *rules.text_similarity(_sig(ELECTION), _sig(ELECTION_AGAIN))
    )
    assert _sig(ELECTION) == rules.Signatures.from_bytes(_sig(ELECTION).to_bytes())
    assert rules.match(_sig(ELECTION), _sig(DEVELOPER), HERE, HERE) is None


def test_a_shared_place_raises_the_score_but_stays_within_one() -> None:
    apart = rules.match(_sig(ELECTION), _sig(ELECTION_AGAIN), HERE, THERE)
    together = rules.match(_sig(ELECTION), _sig(ELECTION_AGAIN), HERE, HERE)
    assert apart is not None and together is not None
    assert together.score > apart.score and together.place == ("community",)
    identical = rules.match(_sig(ELECTION), _sig(ELECTION), HERE, HERE)
    assert identical is not None and identical.score == 1.0


def test_an_address_matches_after_normalisation() -> None:
    a = rules.Place(community_id=None, address=rules.place_key("湖滨花园 3幢"))
    b = rules.Place(community_id=None, address=rules.place_key("湖滨花园3幢。"))
    assert a.shared_with(b) == ["address"]
    assert rules.Place(None, "").shared_with(rules.Place(None, "")) == []


def _member(pk: int, people: set[int], day: int) -> rules.Member:
    return rules.Member(pk, frozenset(people), dt.datetime(2026, 3, day, 10, tzinfo=dt.UTC))


def test_five_people_within_the_window_form_a_group_and_four_do_not() -> None:
    earlier = [_member(i, {i}, i) for i in range(1, 5)]
    week = dt.timedelta(days=7)
    group = rules.forming_group(_member(5, {5}, 5), earlier, min_people=5, window=week)
    assert group is not None and [m.petition_id for m in group] == [1, 2, 3, 4, 5]
    assert rules.forming_group(_member(5, {5}, 5), earlier[1:], min_people=5, window=week) is None


def test_the_same_person_twice_counts_once_and_old_cases_fall_out_of_the_window() -> None:
    week = dt.timedelta(days=7)
    repeats = [_member(i, {1}, i) for i in range(1, 5)]
    assert rules.forming_group(_member(5, {1}, 5), repeats, min_people=2, window=week) is None
    old = [_member(i, {i}, 1) for i in range(1, 5)]
    assert rules.forming_group(_member(9, {9}, 20), old, min_people=2, window=week) is None


def test_one_person_is_no_threshold() -> None:
    assert rules.check_thresholds(1, 7) == [("min_people", "too_few_people")]
    assert rules.check_thresholds(5, 0) == [("window_days", "window_too_short")]
    assert rules.check_thresholds(2, 1) == []


def test_severity_is_high_from_twice_the_threshold() -> None:
    assert rules.severity(5, 5) == "medium"
    assert rules.severity(10, 5) == "high"


def test_the_migration_to_this_band_layout_computes_the_keys_band_keys_does() -> None:
    migration = importlib.import_module("xinfang.early_warnings.migrations.0006_band_layout")
    for text in (ELECTION, DEVELOPER):
        sig = _sig(text)
        assert migration.band_keys(sig.to_bytes()) == set(rules.band_keys(sig))
    untitled = rules.Signatures(full=_sig(ELECTION).full, title=None)
    assert migration.band_keys(untitled.to_bytes()) == set(rules.band_keys(untitled))
