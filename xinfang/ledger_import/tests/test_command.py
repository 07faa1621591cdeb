import contextlib
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from xinfang.ledger_import.tests.helpers import mapping, row, write_csv, write_mapping
from xinfang.organization.models import Unit
from xinfang.organization.tests.factories import UnitFactory, UserFactory
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import accepted, act, register, replied
from xinfang.petitions.workflow import CONCLUDED_STATUSES, Action

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"
# The project root's sibling; a worktree (…/wt/<name>) looks one level further up.
_FOUND = [
    p
    for base in (ROOT.parent, ROOT.parent.parent)
    if (p := base / "shared" / "data" / "shangluo_mayor_mailbox.csv").exists()
]
SHANGLUO = _FOUND[0] if _FOUND else ROOT / "absent.csv"


def command(*args: str) -> tuple[dict[str, Any], str]:
    """Run import_petitions; return its last line, parsed, and what it wrote to stderr."""
    out, err = StringIO(), StringIO()
    with contextlib.suppress(CommandError):  # the last line is printed before it is raised
        call_command("import_petitions", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue().strip().splitlines()[-1]), err.getvalue()


def test_the_command_imports_and_prints_its_counts_as_the_last_line(
    street: Any, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2")])
    m = write_mapping(tmp_path / "m.json", mapping())
    assert command(str(path), "--mapping", str(m))[0] == {"created": 2, "skipped": 0, "errors": []}
    assert command(str(path), "--mapping", str(m))[0] == {"created": 0, "skipped": 2, "errors": []}
    imported = Petition.objects.get(external_ref="A1")
    assert imported.registered_by == street.registrar
    # Its words are indexed once the import is in: the text search finds it.
    assert "噪声" in imported.search_text.split()


def test_a_dry_run_of_the_command_writes_nothing(street: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2", 日期="2025-02-30")])
    m = write_mapping(tmp_path / "m.json", mapping())
    last, err = command(str(path), "--mapping", str(m), "--dry-run")
    assert last == {"created": 0, "skipped": 0, "errors": ["第3行“日期”：日期“2025-02-30”不存在。"]}
    assert "第3行" in err and not Petition.objects.exists()


def test_a_real_run_with_an_error_writes_nothing_and_with_skip_invalid_the_rest(
    street: Any, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1"), row("A2", 日期="")])
    m = write_mapping(tmp_path / "m.json", mapping())
    assert command(str(path), "--mapping", str(m))[0]["created"] == 0
    assert not Petition.objects.exists()
    last, _err = command(str(path), "--mapping", str(m), "--skip-invalid")
    assert last == {"created": 1, "skipped": 0, "errors": ["第3行“日期”：不能为空。"]}
    assert (tmp_path / "l.rejected.csv").exists()


def test_a_mapping_with_an_unknown_field_is_refused(street: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [row("A1")])
    m = write_mapping(tmp_path / "m.json", mapping(colour="颜色"))
    (error,) = command(str(path), "--mapping", str(m))[0]["errors"]
    assert error.startswith("文件：不认识的目标字段“colour”")


# ---------------------------------------------------------------- the round trip of an export


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_into_an_empty_street_gives_the_same_cases(
    street: Any, tmp_path: Path, fmt: str
) -> None:
    register(street.registrar, title='=HYPERLINK("http://x")')
    accepted(street, unit="renovation", channel="letter", head_count=2)
    replied(street, title="路灯不亮")
    done = replied(street, title="楼道堆物")
    act(done, street.registrar, Action.FOLLOW_UP, {"solved": True, "note": "已解决"})
    client = Client()
    client.force_login(street.registrar)
    response = client.get("/petitions/", {"export": fmt})
    assert response.status_code == 200
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]

    other = UnitFactory(name="YY街道", kind=Unit.Kind.STREET, parent=street.district)
    for unit in (street.lakeside, street.yashiyuan, street.renovation):
        UnitFactory(name=unit.name, kind=unit.kind, parent=other)
    UserFactory(username="yy", role="registrar", unit=other)
    spec = json.loads((EXAMPLES / "xinfang-export.json").read_text(encoding="utf-8"))
    spec["registered_unit"] = "YY街道"
    m = write_mapping(tmp_path / "m.json", spec)
    last, _err = command(str(path), "--mapping", str(m))
    assert last == {"created": 4, "skipped": 0, "errors": []}

    def cases(unit: Unit) -> list[tuple[Any, ...]]:
        return sorted(
            (
                p.title,
                timezone.localdate(p.registered_at),
                p.channel,
                p.category_id,
                p.community.name if p.community else "",
                p.handling_unit.name if p.handling_unit else "",
                p.petitioner.name if p.petitioner else "",
                p.petitioner.phone if p.petitioner else "",
                p.head_count,
                timezone.localdate(p.replied_at) if p.replied_at else None,
                p.reply_kind,
                p.is_first_time,
                p.solved,
                p.status in CONCLUDED_STATUSES,
                p.due_date if p.handling_unit_id and not p.replied_at else None,
            )
            for p in Petition.objects.filter(registered_unit=unit)
        )

    assert cases(other) == cases(street.street)
    # The import names the original case it came from.
    originals = {p.number for p in Petition.objects.filter(registered_unit=street.street)}
    assert (
        set(Petition.objects.filter(registered_unit=other).values_list("external_ref", flat=True))
        == originals
    )


# ---------------------------------------------------------------- real data: the Shangluo mailbox


@pytest.mark.skipif(not SHANGLUO.exists(), reason="../shared/data is not on this machine")
def test_the_shangluo_mailbox_imports_with_its_agencies_as_units_and_its_bad_dates_reported(
    tmp_path: Path,
) -> None:
    city = UnitFactory(name="商洛市", kind=Unit.Kind.DISTRICT)
    mailbox = UnitFactory(name="商洛市市长信箱", kind=Unit.Kind.STREET, parent=city)
    UserFactory(username="sl", role="registrar", unit=mailbox)
    m = str(EXAMPLES / "shangluo.json")
    last, _err = command(str(SHANGLUO), "--mapping", m, "--dry-run")
    errors = last["errors"]
    # Missing and inverted dates are reported, never guessed; so are the repeated letters.
    assert any("答复日期2020-07-30早于登记日期2021-07-29" in e for e in errors)
    assert any("答复日期2017-03-09早于登记日期2017-03-16" in e for e in errors)
    assert any("“query_date”：不能为空" in e for e in errors)
    assert any("有此项但没有答复日期" in e for e in errors)
    assert any("重复" in e for e in errors)
    assert not Petition.objects.exists()

    last, _err = command(str(SHANGLUO), "--mapping", m, "--skip-invalid")
    created = last["created"]
    assert created > 1100 and created + len({e.split("行")[0] for e in errors}) >= 1170
    agencies = set(Unit.objects.filter(parent=mailbox).values_list("name", flat=True))
    # Spellings of one agency are one unit; a person's name is no unit.
    assert {"商洛市信息中心", "商州区人民政府办公室", "商洛市公安局交通警察支队"} <= agencies
    assert not {"市信息办", "信息办", "商州区政府办", "市交警支队", "彭珊"} & agencies
    assert Petition.objects.filter(handling_unit__name="商洛市信息中心").count() > 350
    assert (
        not Petition.objects.exclude(status__in=CONCLUDED_STATUSES)
        .filter(replied_at__isnull=False)
        .exists()
    )
    assert command(str(SHANGLUO), "--mapping", m, "--skip-invalid")[0]["created"] == 0


def test_the_shipped_mappings_are_valid() -> None:
    from xinfang.ledger_import.mapping import parse_mapping

    for path in EXAMPLES.glob("*.json"):
        parse_mapping(path.read_bytes())
