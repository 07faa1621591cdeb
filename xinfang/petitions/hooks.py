"""Where other apps react to what happens to a case, without petitions importing them.

Petitions sits below the apps that react to a new or routed case (routing now, early
warning next), so settings name the hooks: XINFANG_CASE_HOOKS maps an event —
"register", or a workflow action such as "accept" — to dotted paths of callables taking
the Petition. They run once the change has committed; a failing hook is logged, never a
failed intake or transition.
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
def _hooks(event: str, paths: tuple[str, ...]) -> list[Callable[[Any], None]]:
    return [import_string(p) for p in paths]


def after(event: str, petition: Any) -> None:
    """Run the hooks configured for `event` on `petition` once the transaction commits."""
    hooks = _hooks(event, tuple(getattr(settings, "XINFANG_CASE_HOOKS", {}).get(event, ())))

    def run() -> None:
        for hook in hooks:
            try:
                hook(petition)
            except Exception:  # a side concern must never undo or fail the case's change
                log.exception("%s hook %s failed on petition %s", event, hook, petition.pk)

    if hooks:
        transaction.on_commit(run)
