"""Routing fixtures: a model directory per test, categories per theme, a trained router."""

from pathlib import Path
from typing import Any

import pytest

from xinfang.petitions.models import Category
from xinfang.routing.models import Kind, RouterModel
from xinfang.routing.tests.factories import THEMES, train


@pytest.fixture(autouse=True)
def model_dir(settings: Any, tmp_path: Path) -> Path:
    """Keep each test's model files apart."""
    settings.ROUTING_MODEL_DIR = tmp_path / "models"
    return settings.ROUTING_MODEL_DIR


@pytest.fixture
def categories(db: Any) -> dict[str, Category]:
    """Return a leaf category for each theme."""
    return dict(zip(THEMES, Category.objects.filter(parent__isnull=False)[:3], strict=False))


@pytest.fixture
def category_router(categories: dict[str, Category]) -> RouterModel:
    """Return an active category router that has learned the themes."""
    return train(Kind.CATEGORY, categories)
