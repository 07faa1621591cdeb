"""The scoring rules of a scheme, without a database."""

from decimal import Decimal

from xinfang.assessment.scoring import (
    AdjustmentRule,
    ItemRule,
    adjustment_points,
    item_points,
    ranks,
    scheme_problems,
)

LINEAR = ItemRule("on_time_rate", Decimal("10"), Decimal("1"), "linear")
STEPPED = ItemRule(
    "satisfaction_rate",
    Decimal("10"),
    Decimal("0.9"),
    "stepped",
    floor=Decimal("0.5"),
    step=Decimal("0.05"),
    step_points=Decimal("2"),
)
LABELS = {"on_time_rate": "按期办结率", "satisfaction_rate": "当事人满意率"}


def test_a_linear_item_scores_rate_times_points_up_to_its_target():
    assert item_points(LINEAR, 1.0) == Decimal("10")
    assert item_points(LINEAR, 0.8) == Decimal("8.00")
    assert item_points(LINEAR, 2 / 3) == Decimal("6.67")
    halfway = ItemRule("on_time_rate", Decimal("10"), Decimal("0.8"), "linear")
    assert item_points(halfway, 0.4) == Decimal("5.00")
    assert item_points(halfway, 0.95) == Decimal("10")


def test_a_stepped_item_loses_its_step_points_for_every_started_step_below_target():
    assert item_points(STEPPED, 0.9) == Decimal("10")
    assert item_points(STEPPED, 0.89) == Decimal("8")  # one step started
    assert item_points(STEPPED, 0.85) == Decimal("8")  # exactly one step
    assert item_points(STEPPED, 0.84) == Decimal("6")
    assert item_points(STEPPED, 0.7) == Decimal("2")


def test_an_item_scores_zero_under_its_floor_and_never_below_zero():
    assert item_points(STEPPED, 0.49) == Decimal("0")
    steep = ItemRule(
        "on_time_rate",
        Decimal("5"),
        Decimal("1"),
        "stepped",
        step=Decimal("0.01"),
        step_points=Decimal("1"),
    )
    assert item_points(steep, 0.5) == Decimal("0")
    all_or_nothing = ItemRule(
        "leader_case_rate", Decimal("5"), Decimal("0.85"), "linear", floor=Decimal("0.85")
    )
    assert item_points(all_or_nothing, 0.85) == Decimal("5")
    assert item_points(all_or_nothing, 0.849) == Decimal("0")


def test_a_rate_with_nothing_to_count_scores_full_points():
    assert item_points(LINEAR, None) == Decimal("10")


def test_deductions_and_bonuses_count_each_event_up_to_their_cap():
    assert adjustment_points(AdjustmentRule("repeat", Decimal("-1")), 7) == Decimal("-7")
    assert adjustment_points(AdjustmentRule("repeat", Decimal("-1"), Decimal("5")), 7) == Decimal(
        "-5"
    )
    assert adjustment_points(
        AdjustmentRule("commendation", Decimal("1"), Decimal("3")), 4
    ) == Decimal("3")
    assert adjustment_points(
        AdjustmentRule("commendation", Decimal("1"), Decimal("3")), 0
    ) == Decimal("0")


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    assert ranks([Decimal("30"), Decimal("35"), Decimal("30"), Decimal("20")]) == [2, 1, 2, 4]


def test_a_scheme_whose_points_miss_its_total_is_refused_with_the_sums():
    problems = scheme_problems(Decimal("30"), [LINEAR, STEPPED], [], LABELS)
    assert problems == ["各项指标分值合计 20 分，与指标总分 30 分不符。"]
    assert scheme_problems(Decimal("20"), [LINEAR, STEPPED], [], LABELS) == []


def test_a_scheme_names_each_item_it_cannot_score():
    bad = [
        ItemRule("on_time_rate", Decimal("10"), Decimal("1.2"), "linear"),
        ItemRule("satisfaction_rate", Decimal("10"), Decimal("0.9"), "stepped"),
        ItemRule(
            "satisfaction_rate", Decimal("0"), Decimal("0.9"), "linear", floor=Decimal("0.95")
        ),
    ]
    problems = scheme_problems(
        Decimal("20"), bad, [AdjustmentRule("repeat", Decimal("-1"), Decimal("-2"))], LABELS
    )
    assert "指标“按期办结率”的目标值须在 0 与 1 之间。" in problems
    assert "指标“当事人满意率”按阶梯扣分，须填写档距和每档扣分。" in problems
    assert "指标“当事人满意率”重复。" in problems
    assert "指标“当事人满意率”的分值须大于零。" in problems
    assert "指标“当事人满意率”的底线值不能高于目标值。" in problems
    assert "加减分封顶须为正数（按绝对值计）。" in problems
    assert scheme_problems(Decimal("0"), [], [], LABELS) == ["考核办法没有任何考核指标。"]
