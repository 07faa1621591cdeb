import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils.functional import empty

from xinfang.petitions.models import _attachment_storage
from xinfang.petitions.tests.factories import travel


@pytest.fixture(autouse=True)
def _after_the_events() -> Iterator[None]:
    """Stand on a day after the factories' events (2026-03-02)."""
    with travel(dt.date(2026, 6, 1)):
        yield


@pytest.fixture(autouse=True)
def attachment_root(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Store photos under a temporary folder for each test."""
    settings.ATTACHMENT_ROOT = tmp_path
    # The storage reads ATTACHMENT_ROOT once, when first used; make it read this one.
    _attachment_storage._wrapped = empty
    yield tmp_path
    _attachment_storage._wrapped = empty
