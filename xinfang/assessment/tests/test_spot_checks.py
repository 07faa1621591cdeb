"""Spot checks: the stratified draw, its refusal, scoring, and the assessment's deduction."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from xinfang.assessment import services
from xinfang.assessment.kpis import Period, quarter_of
from xinfang.assessment.models import SpotCheck, SpotCheckCase
from xinfang.assessment.tests.factories import scheme
from xinfang.assessment.tests.fixture import TODAY, Cases, build
from xinfang.common.errors import PermissionDenied, ValidationFailed
from xinfang.petitions.tests.factories import travel

pytestmark = pytest.mark.django_db

Q1 = quarter_of(dt.date(2025, 1, 1))
H1 = Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30))


@pytest.fixture
def cases(street: Any) -> Cases:
    return build(street)


def draw(street: Any, size: int = 2, seed: int | None = 7, level: str = "community") -> SpotCheck:
    with travel(TODAY):
        return services.spot_check_draw(
            actor=street.leader, level=level, period=H1, size=size, seed=seed
        )


def drawn(spot_check: SpotCheck) -> list[int]:
    return sorted(spot_check.cases.values_list("petition_id", flat=True))


def test_a_draw_takes_size_concluded_cases_from_each_unit_reproducibly(street, cases):
    first = draw(street, size=3, level="street")
    again = draw(street, size=3, level="street")
    assert len(drawn(first)) == 3 and drawn(first) == drawn(again)
    concluded = {cases.a.pk, cases.b.pk, cases.c.pk, cases.d.pk, cases.f.pk}
    assert set(drawn(first)) <= concluded
    assert {c.unit_id for c in first.cases.all()} == {street.street.pk}
    assert first.seed == 7


def test_a_sample_larger_than_a_units_population_is_refused_naming_it(street, cases):
    with pytest.raises(ValidationFailed, match=r"雅仕苑社区（0 件）"):
        draw(street, size=1)
    with pytest.raises(ValidationFailed, match=r"XX街道（5 件）"):
        draw(street, size=6, level="street")
    assert not SpotCheck.objects.exists()


def test_without_a_seed_one_is_chosen_and_stored(street, cases):
    spot_check = draw(street, size=1, seed=None, level="street")
    assert spot_check.seed >= 0
    assert drawn(draw(street, size=1, seed=spot_check.seed, level="street")) == drawn(spot_check)


def test_each_sampled_case_carries_its_replys_precheck(street, cases):
    spot_check = draw(street, size=5, level="street")
    row = spot_check.cases.get(petition=cases.b)
    by_key = {i["key"]: i["passed"] for i in row.precheck}
    assert by_key["timeliness"] is False  # b was replied on 15 March, due 11 March
    assert spot_check.cases.get(petition=cases.a).precheck[-1]["passed"] is True


def test_a_sampled_case_is_scored_against_the_checklist(street, cases):
    spot_check = draw(street, size=1, level="street")
    case = spot_check.cases.get()
    with travel(TODAY):
        services.spot_check_score(
            actor=street.leader,
            spot_check_id=spot_check.pk,
            case_id=case.pk,
            checks={"routed_on_time": True, "notices_served": True},
            comment="答复未回应全部诉求",
        )
    case.refresh_from_db()
    assert case.score == Decimal(40) and case.scored_by == street.leader
    assert case.checks["reply_addresses_points"] is False
    with pytest.raises(PermissionDenied):
        services.spot_check_score(
            actor=street.auditor,
            spot_check_id=spot_check.pk,
            case_id=case.pk,
            checks={},
            comment="",
        )


def test_failed_spot_checked_cases_are_deducted_in_the_assessment(street, cases):
    with travel(TODAY):
        spot_check = services.spot_check_draw(
            actor=street.leader, level="street", period=Q1, size=2, seed=3
        )
        failed, passed = spot_check.cases.all()
        for case, checks in (
            (failed, {}),
            (passed, {k: True for k, _l in SpotCheckCase.CHECKLIST}),
        ):
            services.spot_check_score(
                actor=street.leader,
                spot_check_id=spot_check.pk,
                case_id=case.pk,
                checks=checks,
                comment="",
            )
        made = scheme(level="street", adjustments=[("spot_check", "-2", None)])
        assessment = services.assessment_run(
            actor=street.leader, scheme_id=made.pk, period=H1, today=TODAY
        )
    (row,) = assessment.results.all()
    assert row.breakdown["adjustments"] == [
        {
            "source": "spot_check",
            "label": "抽查不合格（每件）",
            "count": 1,
            "each": "-2.00",
            "points": "-2.00",
        }
    ]


def test_the_draw_and_score_pages(street, cases):
    client = Client()
    client.force_login(street.leader)
    with travel(TODAY):
        response = client.post(
            "/assessment/spot-checks/new/",
            {
                "level": "street",
                "start": "2025-01-01",
                "end": "2025-06-30",
                "size": "2",
                "seed": "11",
            },
        )
        assert response.status_code == 302
        spot_check = SpotCheck.objects.get()
        case = spot_check.cases.first()
        assert case is not None
        html = client.get(f"/assessment/spot-checks/{spot_check.pk}/").content.decode()
        assert "自动预审" in html and f'data-case="{case.petition_id}"' in html
        client.post(
            f"/assessment/spot-checks/{spot_check.pk}/score/",
            {
                "case": case.pk,
                "routed_on_time": "on",
                "evidence_attached": "on",
                "notices_served": "on",
                "comment": "基本规范",
            },
        )
        refused = client.post(
            "/assessment/spot-checks/new/",
            {"level": "community", "start": "2025-01-01", "end": "2025-06-30", "size": "1"},
        )
    assert SpotCheckCase.objects.get(pk=case.pk).score == Decimal(60)
    assert refused.status_code == 400 and "雅仕苑社区（0 件）" in refused.content.decode()
    assert Client().get("/assessment/spot-checks/").status_code == 302
    handler = Client()
    handler.force_login(street.handler)
    assert handler.get(f"/assessment/spot-checks/{spot_check.pk}/").status_code == 404
