"""Responsibility letters: drafted from the scheme, targets edited, signed once, the PDF."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from xinfang.assessment import selectors, services
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import ResponsibilityLetter
from xinfang.assessment.tests.factories import scheme
from xinfang.assessment.tests.fixture import TODAY, Cases, build
from xinfang.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xinfang.petitions.tests.factories import travel

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(street: Any) -> Cases:
    return build(street)


def draft(street: Any, unit: Any = None, year: int = 2025) -> ResponsibilityLetter:
    with travel(TODAY):
        return services.letter_create(
            actor=street.leader,
            unit_id=(unit or street.lakeside).pk,
            year=year,
            signatory="王社区",
        )


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_letter_takes_its_targets_from_the_years_scheme_and_the_two_zeros(street):
    scheme()
    letter = draft(street)
    assert letter.issuer == street.street
    targets = {t.kpi: t.target for t in letter.targets.all()}
    assert targets == {
        "timely_acceptance_rate": Decimal("1"),
        "on_time_rate": Decimal("1"),
        "satisfaction_rate": Decimal("0.9"),
        "skip_level_collective": Decimal("0"),
        "major_incidents": Decimal("0"),
    }


def test_without_a_scheme_a_letter_takes_the_kpis_default_targets(street):
    targets = {t.kpi: t.target for t in draft(street).targets.all()}
    assert targets["on_time_rate"] == Decimal("0.95")
    assert targets["leader_case_rate"] == Decimal("0.85")


def test_one_letter_per_unit_and_year_and_only_for_units_below(street):
    draft(street)
    with pytest.raises(Conflict):
        draft(street)
    with pytest.raises(NotFound):
        draft(street, unit=street.street)  # the leader's own unit signs with the unit above
    with pytest.raises(PermissionDenied):
        services.letter_create(
            actor=street.handler, unit_id=street.lakeside.pk, year=2025, signatory=""
        )


def test_targets_are_edited_per_unit_until_the_letter_is_signed(street):
    letter = draft(street)
    services.letter_targets_set(
        actor=street.leader, letter_id=letter.pk, targets={"on_time_rate": Decimal("0.98")}
    )
    assert letter.targets.get(kpi="on_time_rate").target == Decimal("0.98")
    with pytest.raises(ValidationFailed, match="不合理"):
        services.letter_targets_set(
            actor=street.leader, letter_id=letter.pk, targets={"on_time_rate": Decimal("1.5")}
        )
    with travel(TODAY):
        services.letter_sign(
            actor=street.leader,
            letter_id=letter.pk,
            signed_on=dt.date(2025, 2, 1),
            issuer_signatory="李书记",
            signatory="王社区",
        )
    letter.refresh_from_db()
    assert letter.signed_on == dt.date(2025, 2, 1) and letter.signed_recorded_by == street.leader
    with pytest.raises(Conflict, match="已于 2025-02-01 签订"):
        services.letter_targets_set(
            actor=street.leader, letter_id=letter.pk, targets={"on_time_rate": Decimal("0.9")}
        )
    with pytest.raises(Conflict):
        services.letter_sign(
            actor=street.leader,
            letter_id=letter.pk,
            signed_on=dt.date(2025, 2, 2),
            issuer_signatory="李书记",
            signatory="王社区",
        )


def test_the_targets_stand_against_the_units_live_figures_of_the_year(street, cases):
    letter = draft(street)
    rows = {r.target.kpi: r for r in selectors.letter_progress(letter, TODAY)}
    live = selectors.kpi_figures(street.lakeside, Period(dt.date(2025, 1, 1), TODAY), TODAY)
    assert rows["on_time_rate"].figure == live["on_time_rate"]
    assert rows["major_incidents"].figure.value == 1
    assert rows["major_incidents"].meets is False
    with travel(TODAY):
        html = client_of(street.community_leader).get(f"/assessment/letters/{letter.pk}/")
    text = html.content.decode()
    assert 'data-kpi="major_incidents"' in text and "未达标" in text
    assert "修改责任目标" not in text  # the community reads its letter, the street edits it


def test_the_pdf_has_the_red_header_the_parties_targets_and_signatures(street):
    scheme()
    letter = draft(street)
    with travel(TODAY):
        services.letter_sign(
            actor=street.leader,
            letter_id=letter.pk,
            signed_on=dt.date(2025, 2, 1),
            issuer_signatory="李书记",
            signatory="王社区",
        )
        response = client_of(street.community_leader).get(f"/assessment/letters/{letter.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = text.replace(" ", "").replace("\n", "")
    for expected in (
        "XX街道",
        "2025年度信访工作目标责任书",
        "乙方（责任单位）：湖滨花园社区",
        "按期办结率",
        "不低于100%",
        "当事人满意率",
        "不低于90%",
        "重大群体性事件",
        "代表（签字）：李书记",
        "代表（签字）：王社区",
        "2025年2月1日",
    ):
        assert expected in flat, expected


def test_letters_are_seen_within_scope_only(street):
    letter = draft(street, unit=street.yashiyuan)
    assert client_of(street.handler).get(f"/assessment/letters/{letter.pk}/").status_code == 404
    assert (
        client_of(street.other_handler).get(f"/assessment/letters/{letter.pk}/").status_code == 200
    )
    response = client_of(street.other_handler).post(
        f"/assessment/letters/{letter.pk}/targets/", {"on_time_rate": "90"}
    )
    assert response.status_code == 403
    assert letter.targets.get(kpi="on_time_rate").target == Decimal("0.95")


def test_the_street_edits_targets_and_records_signing_from_the_page(street):
    letter = draft(street)
    client = client_of(street.leader)
    fields = {
        t.kpi: f"{t.target * 100:.2f}" for t in letter.targets.all() if t.kpi.endswith("rate")
    }
    fields |= {"skip_level_collective": "0", "major_incidents": "0", "on_time_rate": "97.5"}
    with travel(TODAY):
        client.post(f"/assessment/letters/{letter.pk}/targets/", fields)
        client.post(
            f"/assessment/letters/{letter.pk}/sign/",
            {"signed_on": "2025-02-01", "issuer_signatory": "李书记", "signatory": "王社区"},
        )
    assert letter.targets.get(kpi="on_time_rate").target == Decimal("0.975")
    letter.refresh_from_db()
    assert letter.is_signed


def test_the_dashboard_measures_a_unit_against_its_own_letters_targets(street, cases):
    letter = draft(street)
    services.letter_targets_set(
        actor=street.leader, letter_id=letter.pk, targets={"on_time_rate": Decimal("0.1")}
    )
    with travel(TODAY):
        html = (
            client_of(street.community_leader)
            .get("/dashboard/", {"start": "2025-03-01", "end": "2025-03-31"})
            .content.decode()
        )
    tile = html[html.index('data-kpi="on_time_rate"') :][:1500]
    assert "责任书目标 ≥ 10.0%" in tile
    other = html[html.index('data-kpi="rating_rate"') :][:1500]
    assert "责任书目标 ≥ 80.0%" in other  # the default, written into the letter when drafted
    before = html[: html.index('data-kpi="on_time_rate"')]
    assert before.rstrip().endswith('<div class="kpi"')  # met: the letter asks only 10 %
