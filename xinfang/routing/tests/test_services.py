"""Suggestions at intake: the threshold, keyword rules, missing and corrupt models, records."""

import logging
from pathlib import Path
from typing import Any

import pytest

from xinfang.common.errors import ValidationFailed
from xinfang.petitions.models import Category
from xinfang.routing import ml, services
from xinfang.routing.models import KeywordRule, Kind, RouterModel
from xinfang.routing.services import Suggestion, Suggestions
from xinfang.routing.tests.factories import (
    KeywordRuleFactory,
    about,
    concluded_petition,
    theme_table,
    train,
)


def confidences(suggestions: Suggestions) -> dict[int, float]:
    return {s.target_id: s.confidence for s in suggestions.items}


def test_before_any_training_there_are_no_suggestions_but_a_hint(db: Any) -> None:
    suggestions = services.suggest(Kind.CATEGORY, "来信", about("property"))

    assert suggestions.items == [] and suggestions.preselect is None
    assert "routing train" in suggestions.hint


def test_a_confident_suggestion_comes_first_and_is_preselected(
    categories: dict[str, Category], category_router: RouterModel
) -> None:
    suggestions = services.suggest(Kind.CATEGORY, "来信", about("demolition"))

    assert suggestions.preselect == categories["demolition"].pk
    assert suggestions.items[0].name == categories["demolition"].name
    assert len(suggestions.items) == 3 and suggestions.model_version == category_router.version
    assert suggestions.hint == ""


def test_below_the_threshold_nothing_is_preselected() -> None:
    doubtful = [Suggestion(1, "物业", services.THRESHOLD - 0.01), Suggestion(2, "环境", 0.3)]
    confident = [Suggestion(1, "物业", services.THRESHOLD), *doubtful[1:]]

    assert Suggestions(Kind.CATEGORY, doubtful).preselect is None
    assert Suggestions(Kind.CATEGORY, confident).preselect == 1


def test_an_override_rule_puts_its_target_first_with_full_confidence(
    categories: dict[str, Category], category_router: RouterModel
) -> None:
    target = categories["environment"]
    KeywordRuleFactory(keyword="烂尾楼", target=str(target.pk), mode=KeywordRule.Mode.OVERRIDE)

    suggestions = services.suggest(Kind.CATEGORY, "来信", about("demolition", "烂尾楼"))

    first = suggestions.items[0]
    assert (first.target_id, first.confidence, first.by_rule) == (target.pk, 1.0, True)
    assert [s.target_id for s in suggestions.items].count(target.pk) == 1


def test_a_boost_rule_adds_to_the_model_and_reorders(
    categories: dict[str, Category], category_router: RouterModel
) -> None:
    target = categories["property"]
    text = about("demolition", "烂尾楼")
    before = confidences(services.suggest(Kind.CATEGORY, "来信", text))
    KeywordRuleFactory(keyword="烂尾楼", target=str(target.pk), mode=KeywordRule.Mode.BOOST)

    after = services.suggest(Kind.CATEGORY, "来信", text)

    assert confidences(after)[target.pk] == pytest.approx(before[target.pk] + services.BOOST)
    assert [s.confidence for s in after.items] == sorted(confidences(after).values(), reverse=True)


def test_a_rule_whose_keyword_is_absent_changes_nothing(
    categories: dict[str, Category], category_router: RouterModel
) -> None:
    text = about("demolition")
    before = services.suggest(Kind.CATEGORY, "来信", text)
    KeywordRuleFactory(keyword="烂尾楼", target=str(categories["property"].pk))

    assert services.suggest(Kind.CATEGORY, "来信", text) == before


def test_override_rules_suggest_even_before_any_training(categories: dict[str, Category]) -> None:
    target = categories["environment"]
    KeywordRuleFactory(keyword="烂尾楼", target=str(target.pk), mode=KeywordRule.Mode.OVERRIDE)

    suggestions = services.suggest(Kind.CATEGORY, "烂尾楼", "")

    assert suggestions.preselect == target.pk and suggestions.hint


def test_a_corrupt_model_file_is_ignored_with_an_alert(
    category_router: RouterModel, model_dir: Path, caplog: Any
) -> None:
    (model_dir / category_router.file).write_bytes(b"\x80not a model")

    with caplog.at_level(logging.ERROR, logger="xinfang.routing.services"):
        suggestions = services.suggest(Kind.CATEGORY, "来信", about("property"))

    assert suggestions.items == [] and "无法读取" in suggestions.hint
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_a_model_that_loads_but_cannot_predict_is_ignored_with_an_alert(
    category_router: RouterModel, model_dir: Path, caplog: Any
) -> None:
    broken = ml.Model(pipeline=None, labels=["1"], n_train=0, created_at=category_router.trained_at)  # type: ignore[arg-type]
    ml.save_model(broken, model_dir / category_router.file)

    with caplog.at_level(logging.ERROR, logger="xinfang.routing.services"):
        suggestions = services.suggest(Kind.CATEGORY, "来信", about("property"))

    assert suggestions.items == []
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_the_loaded_model_is_kept_until_another_version_goes_live(
    categories: dict[str, Category], category_router: RouterModel, model_dir: Path
) -> None:
    services.suggest(Kind.CATEGORY, "来信", about("property"))
    (model_dir / category_router.file).unlink()

    assert services.suggest(Kind.CATEGORY, "来信", about("property")).items
    newer = train(Kind.CATEGORY, categories)
    assert services.suggest(Kind.CATEGORY, "来信", about("property")).model_version == newer.version


def test_a_category_no_longer_in_use_is_not_suggested(
    categories: dict[str, Category], category_router: RouterModel
) -> None:
    Category.objects.filter(pk=categories["demolition"].pk).update(is_active=False)

    suggestions = services.suggest(Kind.CATEGORY, "来信", about("demolition"))

    assert categories["demolition"].pk not in confidences(suggestions)


def test_the_unit_router_suggests_handling_units(street: Any) -> None:
    train(
        Kind.UNIT,
        {
            "property": street.lakeside,
            "demolition": street.renovation,
            "environment": street.yashiyuan,
        },
    )

    suggestions = services.suggest(Kind.UNIT, "来信", about("demolition"))

    assert suggestions.preselect == street.renovation.pk
    assert suggestions.items[0].name == street.renovation.name


def test_the_registrars_choice_is_recorded_against_the_top_suggestion(
    street: Any, categories: dict[str, Category], category_router: RouterModel
) -> None:
    petition = concluded_petition(street, title="来信", content=about("demolition"))
    suggestions = services.suggest(Kind.CATEGORY, petition.title, petition.content)
    top, other = suggestions.items[0].target_id, suggestions.items[1].target_id

    accepted = services.record_choice(
        petition=petition, kind=Kind.CATEGORY, suggestions=suggestions, chosen=top
    )
    overruled = services.record_choice(
        petition=petition, kind=Kind.CATEGORY, suggestions=suggestions, chosen=other
    )

    assert accepted is not None and accepted.accepted_top1 is True
    assert accepted.model_version == category_router.version
    assert accepted.suggested[0]["id"] == top and len(accepted.suggested) == 3
    assert overruled is not None and overruled.accepted_top1 is False
    assert overruled.chosen == str(other)


def test_nothing_is_recorded_when_nothing_was_suggested(street: Any) -> None:
    petition = concluded_petition(street, title="来信", content=about("property"))
    suggestions = services.suggest(Kind.CATEGORY, petition.title, petition.content)

    assert (
        services.record_choice(
            petition=petition, kind=Kind.CATEGORY, suggestions=suggestions, chosen=None
        )
        is None
    )


def test_an_older_version_can_be_put_back_in_use(
    categories: dict[str, Category], category_router: RouterModel
) -> None:
    newer = train(Kind.CATEGORY, categories)

    services.router_activate(router=category_router)

    newer.refresh_from_db()
    assert newer.is_active is False
    assert services.suggest(Kind.CATEGORY, "来信", about("property")).model_version == 1


def test_a_version_whose_file_is_unreadable_cannot_be_put_back(
    categories: dict[str, Category], category_router: RouterModel, model_dir: Path
) -> None:
    newer = train(Kind.CATEGORY, categories)
    (model_dir / category_router.file).unlink()

    with pytest.raises(ValidationFailed):
        services.router_activate(router=category_router)
    newer.refresh_from_db()
    assert newer.is_active is True


def test_the_router_put_in_use_is_refitted_on_every_row_and_keeps_the_held_out_scores(
    categories: dict[str, Category],
) -> None:
    texts, themes = theme_table(per_theme=10)
    labels = [str(categories[t].pk) for t in themes]
    # A category with two petitions: the split leaves the held-out model one, too few to learn.
    rare = str(Category.objects.filter(parent__isnull=False)[3].pk)
    texts, labels = [*texts, "学校食堂卫生差", "学校食堂价格高"], [*labels, rare, rare]
    assert ml.holdout_split(texts, labels)[1].count(rare) == 1

    result = services.router_train(
        kind=Kind.CATEGORY, texts=texts, labels=labels, source=RouterModel.Source.FILE
    )

    model = services.load(result.router)
    assert result.activated and model.n_train == result.router.n_train == 32
    assert rare in model.labels
    assert result.router.metrics == result.metrics and result.metrics["n"] == 7
