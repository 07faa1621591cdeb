"""Chinese text helpers shared by search and routing, and the masks of personal numbers."""

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


def mask_phone(phone: str) -> str:
    """Return the phone with its middle four digits hidden, as Chinese services print it."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else phone


def mask_id_number(id_number: str) -> str:
    """Return the ID number with all but its region prefix and last four digits hidden."""
    return f"{id_number[:3]}***********{id_number[-4:]}" if id_number else ""
