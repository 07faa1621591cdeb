"""Dates are written 2026-12-01 in every language, with Chinese messages; the menu's hints
are legible (WCAG AA)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation

from xinfang.petitions.forms import SearchForm, SuperviseForm


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "typed", ["2026-12-01", "2026/12/01", "2026.12.01", "20261201", "2026-12-1"]
)
def test_a_date_is_taken_as_year_month_day_in_every_language(language: str, typed: str) -> None:
    with translation.override(language):
        form = SearchForm({"due_after": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["due_after"] == dt.date(2026, 12, 1)


def test_a_date_in_another_order_is_refused_with_a_chinese_message() -> None:
    with translation.override("zh-hans"):
        form = SearchForm({"due_after": "12/01/2026"})
        assert not form.is_valid()
        # The message is translated when read: read it where Chinese is active.
        assert form.errors["due_after"] == ["请按 2026-12-01 的格式填写日期（年-月-日）。"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_is_shown_as_year_month_day_with_the_calendar_hook(language: str) -> None:
    with translation.override(language):
        html = str(SuperviseForm(initial={"due": dt.date(2026, 12, 1)})["due"])
    assert 'value="2026-12-01"' in html
    assert (
        "data-datepicker" in html and 'type="text"' in html and 'placeholder="2026-12-01"' in html
    )


def test_the_date_picker_is_served_from_the_projects_own_static_files() -> None:
    for name in ("air-datepicker.js", "air-datepicker.css"):
        assert finders.find(f"vendor/air-datepicker/{name}")
    base = Path(settings.BASE_DIR, "templates", "base.html").read_text(encoding="utf-8")
    assert "vendor/air-datepicker/air-datepicker.js" in base


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_menus_shortcut_hints_meet_wcag_aa_contrast() -> None:
    css = Path(settings.BASE_DIR, "static", "css", "app.css").read_text(encoding="utf-8")
    kbd = re.search(r"^kbd \{([^}]*)\}", css, re.M)
    assert kbd and "opacity" not in kbd.group(1)
    colour = re.search(r"(?<![-\w])color: (#[0-9a-f]{3,6})", kbd.group(1))
    assert colour
    text = (
        colour.group(1)
        if len(colour.group(1)) == 7
        else "#" + "".join(2 * c for c in colour.group(1)[1:])
    )
    red = re.search(r"--red: (#[0-9a-f]{6})", css)
    assert red
    light, dark = sorted((_luminance(text), _luminance(red.group(1))), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5
