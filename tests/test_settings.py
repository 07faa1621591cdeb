"""Settings: what a fresh clone and a developer's machine get."""

import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def test_side_effects_are_subscribed_in_code_not_named_in_settings() -> None:
    assert not hasattr(settings, "XINFANG_CASE_HOOKS")


@pytest.mark.parametrize(
    ("value", "debug"), [(None, True), ("true", True), ("false", False), ("0", False)]
)
def test_local_settings_follow_django_debug_and_default_to_debugging(
    monkeypatch: pytest.MonkeyPatch, value: str | None, debug: bool
) -> None:
    if value is None:
        monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    else:
        monkeypatch.setenv("DJANGO_DEBUG", value)
    assert runpy.run_module("config.settings.local")["DEBUG"] is debug


def test_documented_commands_work_in_a_fresh_clone_that_has_no_var_directory(
    tmp_path: Path,
) -> None:
    clone = tmp_path / "clone"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("config", "xinfang"):
        shutil.copytree(ROOT / name, clone / name, ignore=ignore)
    shutil.copy(ROOT / "manage.py", clone)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.local", "PYTHONPATH": str(clone)}

    def manage(*args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=clone, env=env, check=True, timeout=300
        )

    manage("migrate", "--no-input", "--verbosity", "0")
    manage("routing", "record", "--days", "1")
    assert (clone / "var" / "db.sqlite3").is_file()
    assert (clone / "var" / "huey.sqlite3").is_file()
