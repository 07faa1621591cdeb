"""The English translation: complete, compiled, and chosen by header, cookie or the switch."""

import datetime as dt
import gettext
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from xinfang.petitions.tests.factories import accepted, register, replied, travel
from xinfang.petitions.workflow import ACTION_LABELS, PUBLIC_LABELS, STATUS_LABELS

CATALOG = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
HAN = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
ENGLISH_LABEL = re.compile(r"[A-Z][A-Za-z ,()'-]*")
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$')


def non_ascii_punctuation(text: str) -> list[str]:
    """Return the punctuation of `text` that is not ASCII: full-width commas, Chinese quotes."""
    return [
        ch
        for ch in text
        if ord(ch) > 127
        and (unicodedata.category(ch).startswith("P") or "FULLWIDTH" in unicodedata.name(ch, ""))
    ]


def _unquote(s: str) -> str:
    """Return a .po string literal's content with its backslash escapes resolved."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def po_entries() -> list[dict[str, str]]:
    """Return the live entries of the English .po, each as keyword -> text, flags under '#,'."""
    entries = []
    text = (CATALOG / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        entry: dict[str, str] = {"#,": ""}
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["#,"] += line[2:]
            elif m := KEYWORD.match(line):
                key = m.group(1)
                entry[key] = _unquote(m.group(2))
            elif line.startswith('"') and key:
                entry[key] += _unquote(line[1:-1])
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def login_page(client: Client, language: str) -> str:
    """Return the login page as served to a browser that prefers `language`."""
    return client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def without_data(page: str, *data: Any) -> str:
    """Return `page` with the records' own (Chinese) text and the switch's '中文' removed."""
    for value in (*data, "中文"):
        page = page.replace(str(value), "")
    return page


@pytest.mark.django_db
def test_the_login_page_follows_the_browser_language(client: Client) -> None:
    english = login_page(client, "en")
    assert "Log in" in english and "Password" in english and "Username" in english
    assert not HAN.search(english)
    chinese = login_page(client, "zh-hans")
    assert "登录" in chinese and "密码" in chinese
    assert "Log in" not in chinese


def english_workbench(client: Client, street: Any) -> tuple[str, Any]:
    """Return the workbench a registrar with the English cookie sees, and the case on it."""
    petition = register(street.registrar)
    client.force_login(street.registrar)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("petitions:workbench")).content.decode(), petition


def test_a_registrar_with_the_language_cookie_sees_the_workbench_in_english(
    client: Client, street: Any
) -> None:
    page, _ = english_workbench(client, street)
    assert "Workbench" in page and "Log out" in page and "Overdue" in page
    assert "Registered, awaiting routing" in page
    assert "工作台" not in page


def test_the_test_after_an_english_request_starts_in_the_sites_language() -> None:
    # Runs after the English workbench above (tests run in file order): the request left
    # English active in this thread, and the root conftest puts the site's language back.
    assert translation.get_language() == settings.LANGUAGE_CODE


def test_an_english_page_shows_no_chinese_beyond_the_records_own_text(
    client: Client, street: Any
) -> None:
    page, petition = english_workbench(client, street)
    # Anything Chinese left is a string nobody wrapped or a label translated too early.
    assert not HAN.search(without_data(page, petition.title, street.street.name, street.registrar))


# The layout's own separators, the same in every language: a middle dot between facts,
# a dash for an empty cell.
LAYOUT_MARKS = frozenset("·—")


def test_the_english_case_pages_use_ascii_punctuation(client: Client, street: Any) -> None:
    waiting = register(street.registrar)
    answered = replied(street)
    pages = {}
    client.force_login(street.registrar)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for name, url in (
        ("workbench", reverse("petitions:workbench")),
        ("case to route", waiting.get_absolute_url()),
        ("replied case", answered.get_absolute_url()),
        ("petitioner", reverse("petitions:petitioner_detail", args=[answered.petitioner_id])),
    ):
        pages[name] = client.get(url).content.decode()
    confirm = client.post(
        reverse("petitions:petition_act", args=[waiting.pk, "merge"]),
        {"version": waiting.version, "original": answered.number},
    )
    pages["merge confirmation"] = confirm.content.decode()
    records = (waiting, answered)
    data = [v for p in records for v in (p.title, p.content, p.reply_text, p.petitioner.name)]
    data += [street.street.name, street.lakeside.name, street.registrar, street.handler]
    found = {
        name: sorted(set(non_ascii_punctuation(without_data(page, *data))) - LAYOUT_MARKS)
        for name, page in pages.items()
    }
    assert {name: marks for name, marks in found.items() if marks} == {}


def test_an_english_notice_prints_its_dates_in_english_and_a_chinese_one_in_chinese(
    client: Client, street: Any
) -> None:
    with travel(dt.date(2026, 3, 2)):
        petition = accepted(street)
    client.force_login(street.registrar)
    url = reverse("petitions:notice_html", args=[petition.pk, "acceptance"])
    chinese = client.get(url).content.decode()
    assert "2026年3月2日" in chinese and 'lang="zh-hans"' in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "March 2, 2026" in english and 'lang="en"' in english
    data = (petition.title, petition.petitioner.name, street.street.name, street.lakeside.name)
    assert not re.search("[年月日]", without_data(english, *data))


def test_the_header_switch_turns_the_case_page_into_english(client: Client, street: Any) -> None:
    petition = register(street.registrar)
    client.force_login(street.registrar)
    url = petition.get_absolute_url()
    assert "受理并交办" in client.get(url).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Accept and assign" in page and "Query code" in page and "First-time petition" in page
    assert "受理并交办" not in page


def test_every_entry_of_the_catalog_is_translated_and_keeps_its_placeholders() -> None:
    entries = po_entries()
    assert len(entries) > 300
    untranslated, fuzzy, mismatched = [], [], []
    for e in entries:
        targets = [v for k, v in e.items() if k.startswith("msgstr")]
        if not all(targets):
            untranslated.append(e["msgid"])
        if "fuzzy" in e["#,"]:
            fuzzy.append(e["msgid"])
        wanted = sorted(PLACEHOLDER.findall(e["msgid"]))
        if any(sorted(PLACEHOLDER.findall(t)) != wanted for t in targets):
            mismatched.append(e["msgid"])
    assert untranslated == []
    assert fuzzy == []
    assert mismatched == []


def test_no_english_string_has_full_width_or_chinese_punctuation() -> None:
    found = {
        e["msgid"]: "".join(marks)
        for e in po_entries()
        for k, v in e.items()
        if k.startswith("msgstr") and (marks := non_ascii_punctuation(v))
    }
    assert found == {}


TEMPLATE_CODE = re.compile(
    r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}",
    re.S,
)
CHINESE_TEXT = re.compile(r"[\u3000-\u303f\uff00-\uffef\u3400-\u9fff]")


# A filter's literal argument, |date:"Y年n月j日" or |default:'无', in a {{ }} or a tag's
# with-clause; a translated one, |default:_("匿名"), is no literal.
FILTER_ARGUMENT = re.compile(r"""\|\s*\w+\s*:\s*("[^"]*"|'[^']*')""")


def untranslated_template_text(source: str) -> list[str]:
    """Return the lines of a template whose own text (outside its tags) holds Chinese,
    or whose filters take a Chinese literal argument.

    What a template writes outside {% translate %} and {% blocktranslate %} reaches the
    English page as it is: a label's "：" or a value's "（…）" stays full-width there, a
    date written |date:"Y年n月j日" prints 2026年3月2日. The language switch names Chinese
    in Chinese on purpose.
    """
    text = TEMPLATE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)
    lines = source.splitlines()
    found = {
        i
        for i, line in enumerate(text.splitlines())
        if CHINESE_TEXT.search(line) and 'name="language"' not in line
    }
    for code in TEMPLATE_CODE.finditer(source):
        for arg in FILTER_ARGUMENT.finditer(code.group(0)):
            if CHINESE_TEXT.search(arg.group(1)):
                found.add(source.count("\n", 0, code.start() + arg.start()))
    return [lines[i].strip() for i in sorted(found)]


def test_templates_write_chinese_text_and_punctuation_only_through_translations() -> None:
    root = Path(settings.BASE_DIR)
    templates = [*root.glob("xinfang/*/templates/**/*.html"), *root.glob("templates/**/*.html")]
    assert len(templates) > 50
    found = {
        str(t.relative_to(root)): lines
        for t in templates
        if (lines := untranslated_template_text(t.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_template_check_sees_through_tags_only() -> None:
    assert untranslated_template_text('{% translate "编号" %}：{{ n }}') == [
        '{% translate "编号" %}：{{ n }}'
    ]
    assert untranslated_template_text('{% translate "编号" %}{% translate "：" %}{{ n }}') == []
    assert (
        untranslated_template_text("{% blocktranslate %}\n共 {{ n }} 件\n{% endblocktranslate %}")
        == []
    )
    assert untranslated_template_text('<p>{{ d|date:"Y年n月j日" }}</p>') == [
        '<p>{{ d|date:"Y年n月j日" }}</p>'
    ]
    blocktranslate = (
        "{% blocktranslate with d=d|date:'Y年n月j日' %}\n于{{ d }}\n{% endblocktranslate %}"
    )
    assert untranslated_template_text(blocktranslate) == [blocktranslate.splitlines()[0]]
    assert untranslated_template_text('{{ d|date:"DATE_FORMAT" }}{{ n|default:_("匿名") }}') == []


def test_the_punctuation_check_knows_chinese_punctuation_from_ascii() -> None:
    assert non_ascii_punctuation("Reason：“%(r)s”，（ok）。") == list("：“”，（）。")
    assert non_ascii_punctuation('Moved "A": a → b, (ok); done! 10% - why?') == []


def test_the_compiled_catalog_matches_the_po_file() -> None:
    with (CATALOG / "django.mo").open("rb") as f:
        mo = gettext.GNUTranslations(f)
    stale = []
    for e in po_entries():
        if "msgid_plural" in e:
            pair = (e["msgstr[0]"], e["msgstr[1]"])
            if (
                mo.ngettext(e["msgid"], e["msgid_plural"], 1),
                mo.ngettext(e["msgid"], e["msgid_plural"], 2),
            ) != pair:
                stale.append(e["msgid"])
        elif mo.gettext(e["msgid"]) != e["msgstr"]:
            stale.append(e["msgid"])
    assert stale == [], "run manage.py compilemessages"


@pytest.mark.parametrize(
    "labels", [STATUS_LABELS, PUBLIC_LABELS, ACTION_LABELS], ids=["status", "public", "action"]
)
def test_every_workflow_label_has_an_english_translation(labels: Any) -> None:
    for key, label in labels.items():
        with translation.override("zh-hans"):
            chinese = str(label)
        with translation.override("en"):
            english = str(label)
        assert english != chinese, key
        assert ENGLISH_LABEL.fullmatch(english), (key, english)
