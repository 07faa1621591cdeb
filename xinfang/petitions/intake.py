"""The place where other apps' checks run after a petition is registered.

Petitions sits below the apps that react to a new case (routing now, early warning
next), so it cannot import them. Settings name the hooks instead
(XINFANG_INTAKE_HOOKS, dotted paths of callables taking the new Petition); they run
once the registration has committed, and a failing hook is logged, never a failed
intake.
"""

import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@cache
def _hooks(paths: tuple[str, ...]) -> list[Callable[[Any], None]]:
    return [import_string(p) for p in paths]


def after_register(petition: Any) -> None:
    """Run the configured hooks on `petition` once the registration commits."""
    hooks = _hooks(tuple(getattr(settings, "XINFANG_INTAKE_HOOKS", ())))

    def run() -> None:
        for hook in hooks:
            try:
                hook(petition)
            except Exception:  # a side concern must never undo or fail an intake
                log.exception("intake hook %s failed on petition %s", hook, petition.pk)

    if hooks:
        transaction.on_commit(run)
