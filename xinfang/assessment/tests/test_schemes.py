"""Schemes edited on their own page: items, deductions, bonuses; copies; frozen schemes."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from xinfang.assessment import services
from xinfang.assessment.kpis import quarter_of
from xinfang.assessment.models import Assessment, Scheme, SchemeAdjustment, SchemeItem
from xinfang.assessment.tests.factories import scheme
from xinfang.common.errors import Conflict, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.petitions.tests.factories import travel

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 7, 15)


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def item(
    kpi: str, points: str, target: str = "1", rule: str = "linear", **extra: str
) -> SchemeItem:
    return SchemeItem(
        kpi=kpi,
        points=Decimal(points),
        target=Decimal(target),
        rule=rule,
        **{k: Decimal(v) for k, v in extra.items()},
    )


def freeze(street: Any, made: Scheme) -> Assessment:
    with travel(TODAY):
        assessment = services.assessment_run(
            actor=street.leader,
            scheme_id=made.pk,
            period=quarter_of(dt.date(2025, 1, 1)),
            today=TODAY,
        )
        return services.assessment_freeze(actor=street.leader, assessment_id=assessment.pk)


def post_data(made: Scheme | None, **header: Any) -> dict[str, Any]:
    """Return the page's form as a browser sends it: the header and every row, as shown."""
    data: dict[str, Any] = {
        "name": "2025年社区信访工作考核办法",
        "year": 2025,
        "level": "community",
        "total": "15",
        "basis": "",
        **header,
    }
    items = list(made.items.all()) if made else []
    adjustments = list(made.adjustments.all()) if made else []
    data |= {"items-TOTAL_FORMS": len(items) + 2, "items-INITIAL_FORMS": len(items)}
    for n, i in enumerate(items):
        data |= {
            f"items-{n}-id": i.pk,
            f"items-{n}-scheme": made.pk if made else "",
            f"items-{n}-kpi": i.kpi,
            f"items-{n}-points": i.points,
            f"items-{n}-target": i.target,
            f"items-{n}-rule": i.rule,
            f"items-{n}-floor": i.floor or "",
            f"items-{n}-step": i.step or "",
            f"items-{n}-step_points": i.step_points or "",
        }
    data |= {
        "adjustments-TOTAL_FORMS": len(adjustments) + 2,
        "adjustments-INITIAL_FORMS": len(adjustments),
    }
    for n, a in enumerate(adjustments):
        data |= {
            f"adjustments-{n}-id": a.pk,
            f"adjustments-{n}-scheme": made.pk if made else "",
            f"adjustments-{n}-source": a.source,
            f"adjustments-{n}-points_each": a.points_each,
            f"adjustments-{n}-cap": a.cap or "",
        }
    return data


def test_the_leading_group_creates_a_scheme_with_items_deductions_and_bonuses(street):
    made = services.scheme_edit(
        actor=street.leader,
        scheme=Scheme(name="社区考核", year=2030, level="community", total=Decimal(20)),
        items=[
            item("timely_acceptance_rate", "5"),
            item("on_time_rate", "10", "0.95", "stepped", step="0.01", step_points="1"),
            item("leader_case_rate", "5", "0.85", floor="0.85"),
        ],
        adjustments=[
            SchemeAdjustment(source="repeat", points_each=Decimal(-1)),
            SchemeAdjustment(source="commendation", points_each=Decimal(2), cap=Decimal(4)),
        ],
    )
    assert [(i.kpi, i.sort) for i in made.items.all()] == [
        ("timely_acceptance_rate", 0),
        ("on_time_rate", 1),
        ("leader_case_rate", 2),
    ]
    assert {a.source: a.points_each for a in made.adjustments.all()} == {
        "repeat": Decimal(-1),
        "commendation": Decimal(2),
    }
    assert AuditEntry.objects.filter(object_type="scheme", object_id=str(made.pk)).exists()


def test_points_that_miss_the_total_are_refused_by_the_scoring_rules(street):
    with pytest.raises(ValidationFailed, match="合计 15 分，与指标总分 20 分不符"):
        services.scheme_edit(
            actor=street.leader,
            scheme=Scheme(name="社区考核", year=2030, level="community", total=Decimal(20)),
            items=[item("timely_acceptance_rate", "5"), item("on_time_rate", "10")],
            adjustments=[],
        )
    assert not Scheme.objects.filter(year=2030).exists()


def test_a_stepped_item_without_its_steps_is_refused(street):
    with pytest.raises(ValidationFailed, match="须填写档距和每档扣分"):
        services.scheme_edit(
            actor=street.leader,
            scheme=Scheme(name="社区考核", year=2030, level="community", total=Decimal(10)),
            items=[item("on_time_rate", "10", "0.95", "stepped")],
            adjustments=[],
        )


def test_only_the_leading_group_and_admins_edit_schemes(street):
    with pytest.raises(PermissionDenied):
        services.scheme_edit(
            actor=street.auditor,
            scheme=Scheme(name="社区考核", year=2030, level="community", total=Decimal(5)),
            items=[item("on_time_rate", "5")],
            adjustments=[],
        )


def test_a_scheme_a_frozen_assessment_was_scored_with_cannot_change(street):
    made = scheme()
    freeze(street, made)
    made.total = Decimal(30)
    with pytest.raises(Conflict, match="已用于 2025-07-15 定稿的考核"):
        services.scheme_edit(
            actor=street.leader,
            scheme=made,
            items=[item("on_time_rate", "30")],
            adjustments=[],
        )
    made.refresh_from_db()
    assert made.total == Decimal(25) and made.items.count() == 3
    with pytest.raises(Conflict):
        services.scheme_save(actor=street.admin, scheme=made, changed=["name"])


def test_a_copy_to_a_new_year_has_the_same_rules_and_can_be_edited(street):
    made = scheme(2025)
    freeze(street, made)
    copy = services.scheme_copy(actor=street.leader, scheme_id=made.pk, year=2026)
    assert (copy.year, copy.level, copy.total) == (2026, "community", made.total)
    rules = ("kpi", "points", "target", "rule", "floor", "step", "step_points", "sort")
    assert list(copy.items.values_list(*rules)) == list(made.items.values_list(*rules))
    assert list(copy.adjustments.values_list("source", "points_each", "cap")) == list(
        made.adjustments.values_list("source", "points_each", "cap")
    )
    services.scheme_edit(
        actor=street.leader,
        scheme=copy,
        items=[item("on_time_rate", "25")],
        adjustments=[],
    )
    assert made.items.count() == 3 and copy.items.count() == 1


def test_a_copy_to_a_year_that_has_a_scheme_of_the_level_is_refused(street):
    made = scheme(2025)
    scheme(2026)
    with pytest.raises(Conflict, match="2026 年已有针对社区的考核办法"):
        services.scheme_copy(actor=street.leader, scheme_id=made.pk, year=2026)


def test_the_page_edits_an_item_deletes_one_and_adds_a_bonus(street):
    made = scheme()
    data = post_data(made, total="25")
    data["items-1-points"] = "5"  # 按期办结率 10 → 5 …
    data["items-0-DELETE"] = "on"  # … 及时受理率 (5) removed …
    data |= {  # … and 参评率 of 10 added
        "items-3-kpi": "rating_rate",
        "items-3-points": "10",
        "items-3-target": "0.8",
        "items-3-rule": "linear",
        "adjustments-3-source": "commendation",
        "adjustments-3-points_each": "1",
    }
    response = client_of(street.leader).post(f"/assessment/schemes/{made.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    assert dict(made.items.values_list("kpi", "points")) == {
        "on_time_rate": Decimal(5),
        "satisfaction_rate": Decimal(10),
        "rating_rate": Decimal(10),
    }
    assert made.adjustments.filter(source="commendation").exists()


def test_the_page_shows_why_the_points_do_not_add_up_and_saves_nothing(street):
    made = scheme()
    data = post_data(made, total="30")
    response = client_of(street.leader).post(f"/assessment/schemes/{made.pk}/edit/", data)
    assert response.status_code == 400
    assert "与指标总分 30 分不符" in response.content.decode()
    made.refresh_from_db()
    assert made.total == Decimal(25)


def test_the_page_creates_a_scheme_from_blank_rows(street):
    data = post_data(None, total="5", year=2031)
    data |= {
        "items-0-kpi": "on_time_rate",
        "items-0-points": "5",
        "items-0-target": "0.95",
        "items-0-rule": "linear",
    }
    response = client_of(street.admin).post("/assessment/schemes/new/", data)
    assert response.status_code == 302, response.content.decode()
    assert Scheme.objects.get(year=2031).items.get().points == Decimal(5)


def test_the_page_of_a_frozen_scheme_says_so_and_offers_no_save(street):
    made = scheme()
    freeze(street, made)
    html = client_of(street.leader).get(f"/assessment/schemes/{made.pk}/edit/").content.decode()
    assert "不能再修改" in html and "复制为新年度" in html
    assert ">保存</button>" not in html


def test_copying_from_the_list_opens_the_copy(street):
    made = scheme(2025)
    client = client_of(street.leader)
    assert "复制到年度" in client.get("/assessment/schemes/").content.decode()
    response = client.post(f"/assessment/schemes/{made.pk}/copy/", {"year": 2027})
    copy = Scheme.objects.get(year=2027)
    assert response["Location"] == f"/assessment/schemes/{copy.pk}/edit/"


def test_the_auditor_reads_schemes_but_gets_no_editing_page(street):
    made = scheme()
    client = client_of(street.auditor)
    assert "复制到年度" not in client.get("/assessment/schemes/").content.decode()
    assert client.get(f"/assessment/schemes/{made.pk}/edit/").status_code == 404
    assert client.post(f"/assessment/schemes/{made.pk}/copy/", {"year": 2027}).status_code == 404
