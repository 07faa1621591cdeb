"""The nightly retraining on the task queue."""

import datetime as dt
from typing import Any

from huey.api import PeriodicTask

from xinfang.routing import selectors, tasks
from xinfang.routing.models import Kind, RouterModel
from xinfang.routing.tests.factories import concluded_petition, theme_table


def _history(street: Any, categories: dict[str, Any]) -> None:
    units = {
        "property": street.lakeside,
        "demolition": street.renovation,
        "environment": street.yashiyuan,
    }
    texts, themes = theme_table(per_theme=10)
    for text, theme in zip(texts, themes, strict=True):
        concluded_petition(
            street,
            title="来信",
            content=text,
            category=categories[theme],
            handling_unit=units[theme],
        )


def test_retraining_is_scheduled_nightly() -> None:
    task = tasks.retrain_routers.task_class()
    assert isinstance(task, PeriodicTask)
    assert task.validate_datetime(dt.datetime(2026, 11, 28, 2, 30))
    assert not task.validate_datetime(dt.datetime(2026, 11, 28, 3, 30))


def test_the_nightly_task_trains_both_routers_from_the_history(
    street: Any, categories: dict[str, Any]
) -> None:
    _history(street, categories)
    tasks.retrain_routers.call_local()
    assert selectors.active_router(Kind.CATEGORY).version == 1  # type: ignore[union-attr]
    assert selectors.active_router(Kind.UNIT).version == 1  # type: ignore[union-attr]

    tasks.retrain_routers.call_local()  # the same history again: not worse, so it replaces
    assert (
        RouterModel.objects.filter(is_active=True)
        .values_list("version", flat=True)
        .distinct()
        .get()
        == 2
    )


def test_the_nightly_task_learns_from_the_newest_cases_only(
    street: Any, categories: dict[str, Any], settings: Any
) -> None:
    settings.ROUTING_MAX_CASES = 24
    _history(street, categories)

    tasks.retrain_routers.call_local()

    assert set(RouterModel.objects.values_list("kind", "n_train")) == {
        (Kind.CATEGORY.value, 24),
        (Kind.UNIT.value, 24),
    }


def test_without_history_the_task_trains_nothing_and_does_not_fail(street: Any) -> None:
    tasks.retrain_routers.call_local()
    assert not RouterModel.objects.exists()
