"""Chinese text helpers shared by search and routing."""

import logging
from functools import cache
from types import ModuleType


@cache
def jieba() -> ModuleType:
    """Return the jieba segmenter, its dictionary loaded once per process, quietly."""
    # Imported on first use: loading the dictionary takes most of a second, which every
    # Django process would otherwise pay at start-up.
    import jieba as segmenter

    segmenter.setLogLevel(logging.WARNING)
    segmenter.initialize()
    module: ModuleType = segmenter  # jieba ships no type information
    return module
