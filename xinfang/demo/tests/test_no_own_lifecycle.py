"""The demo writes cases only through the services and counts no time limit itself."""

import ast
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1]
# The calendar tells the demo on which days an office works; the limits are the services'.
ALLOWED_FROM_DEADLINES = {"is_working_day"}


def _modules() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(DEMO)): ast.parse(path.read_text(encoding="utf-8"))
        for path in DEMO.rglob("*.py")
        if "tests" not in path.relative_to(DEMO).parts
    }


def test_the_demo_uses_the_calendar_but_no_time_limit_arithmetic() -> None:
    used = {
        (name, node.attr)
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "deadlines"
    }
    assert {attr for _name, attr in used} <= ALLOWED_FROM_DEADLINES
    assert used  # the check looks where the calendar is used


def test_the_demo_reads_no_time_limit_rules_and_writes_no_petition_itself() -> None:
    forbidden = {"TimeLimitRule", "time_limits", "limits", "bulk_create", "bulk_update"}
    found = {
        (name, node.attr if isinstance(node, ast.Attribute) else node.id)
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in forbidden)
        or (isinstance(node, ast.Name) and node.id in forbidden)
    }
    # Only the people's first-seen dates are put back after the cases are written.
    assert found == {("generator.py", "bulk_update")}
