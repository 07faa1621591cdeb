"""Small reference data kept in memory for a few seconds, per process.

Every registration reads the time limits and the routers in use; they change a few times
a year. A Memo keeps what was read for `seconds`, and the models clear it when they are
saved, so this process sees a change at once and the others within `seconds`. Tests clear
every memo before each test (the database is rolled back under them).
"""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

_ALL: list["Memo"] = []


class Memo:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return the value kept for `key`, computing it when absent or stale."""
        now = time.monotonic()
        with self._lock:
            kept = self._values.get(key)
        if kept is not None and now - kept[0] < self.seconds:
            return kept[1]
        value = compute()
        with self._lock:
            self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def clear_all() -> None:
    """Forget every memo's values."""
    for memo in _ALL:
        memo.clear()
