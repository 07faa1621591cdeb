"""Rules for the code that ships, as opposed to its tests."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _shipped_modules() -> list[Path]:
    return [
        path
        for package in ("xinfang", "config")
        for path in (ROOT / package).rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
    ]


def _imports_mock(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            if any(a.name == "unittest.mock" or a.name.split(".")[0] == "mock" for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module == "unittest" and any(a.name == "mock" for a in node.names):
                return True
            if module == "unittest.mock" or module.split(".")[0] == "mock":
                return True
    return False


def test_the_mock_check_recognises_every_way_of_importing_mock() -> None:
    assert _imports_mock("from unittest import mock")
    assert _imports_mock("import unittest.mock")
    assert _imports_mock("from unittest.mock import patch")
    assert _imports_mock("def f():\n    from unittest import mock\n")
    assert not _imports_mock("import unittest\nfrom xinfang.common import clock")


def test_no_shipped_module_imports_mock() -> None:
    modules = _shipped_modules()
    assert any(p.name == "clock.py" for p in modules)
    offenders = [
        str(p.relative_to(ROOT)) for p in modules if _imports_mock(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
