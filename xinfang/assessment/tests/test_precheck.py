"""The reply pre-check's indicators and the spot check's draw, without a database."""

import datetime as dt

from xinfang.assessment.precheck import bigrams, precheck, relevance
from xinfang.assessment.scoring import checklist_score, draw

PETITION = "小区业委会换届选举程序不规范，要求街道监督业委会重新选举。"
GOOD = (
    "经核查，小区业委会换届选举未按规定公示候选人名单。根据《物业管理条例》第十条，"
    "街道已责令业委会重新公示并依法组织换届选举，对您的诉求予以支持。"
    "如对本处理意见不服，可自收到之日起30日内向上一级行政机关申请复查。"
)
FORM_LETTER = "您好，您反映的问题已收悉，我们将认真研究。感谢您的关注。"


def facts(reply: str, replied: dt.date | None = dt.date(2025, 3, 1), due=dt.date(2025, 3, 3)):
    return {
        i.key: i.passed
        for i in precheck(petition_text=PETITION, reply_text=reply, replied_on=replied, due=due)
    }


def test_a_full_reply_passes_every_indicator():
    assert facts(GOOD) == {
        "relevance": True,
        "basis": True,
        "decision": True,
        "review_route": True,
        "timeliness": True,
    }


def test_a_form_letter_is_flagged_on_relevance_basis_decision_and_review():
    assert facts(FORM_LETTER, dt.date(2025, 3, 4)) == {
        "relevance": False,
        "basis": False,
        "decision": False,
        "review_route": False,
        "timeliness": False,
    }


def test_without_a_reply_text_or_deadline_there_is_nothing_to_judge():
    assert set(facts("", None, None).values()) == {None}


def test_relevance_is_the_share_of_the_petitions_bigrams_in_the_reply():
    assert bigrams("业委会，换届") == {"业委", "委会", "换届"}
    assert relevance("业委会换届", "业委会") == 2 / 4
    assert relevance("", GOOD) is None


def test_the_basis_is_a_cited_title_or_a_word_of_reliance():
    assert facts("依照有关规定，不予受理。")["basis"] is True
    assert facts("按照街道的相关规定处理。")["basis"] is True
    assert facts("请您理解。")["basis"] is False


def test_the_same_seed_draws_the_same_cases_whatever_the_order_of_the_population():
    strata = {2: [5, 1, 9, 7, 3], 1: [10, 20, 30]}
    first = draw(strata, 2, seed=42)
    assert first == draw({1: [30, 10, 20], 2: [9, 7, 5, 3, 1]}, 2, seed=42)
    assert {k: len(v) for k, v in first.items()} == {1: 2, 2: 2}
    assert any(draw(strata, 2, seed=s) != first for s in range(1, 20))


def test_a_checklist_scores_the_share_of_its_items_met():
    keys = ["a", "b", "c", "d", "e"]
    assert checklist_score({"a": True, "b": True, "c": True}, keys) == 60
    assert checklist_score({}, keys) == 0
