"""Assessments: the grouped figures, running, refusing, ranking, freezing; accountability."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang.assessment import selectors, services
from xinfang.assessment.kpis import Period, quarter_of
from xinfang.assessment.models import AccountabilityRecord, Assessment, Commendation, Scheme
from xinfang.assessment.services import summary
from xinfang.assessment.tests.factories import scheme
from xinfang.assessment.tests.fixture import MARCH, TODAY, Cases, build
from xinfang.common.errors import Conflict, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.organization.models import Unit
from xinfang.petitions.tests.factories import act, travel
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db

Q1 = quarter_of(dt.date(2025, 1, 1))


@pytest.fixture
def cases(street: Any) -> Cases:
    return build(street)


def run(street: Any, made: Scheme, period: Period = Q1, actor: Any = None) -> Assessment:
    with travel(TODAY):
        return services.assessment_run(
            actor=actor or street.leader, scheme_id=made.pk, period=period, today=TODAY
        )


def scores(assessment: Assessment) -> dict[str, Decimal]:
    return {r.unit.name: r.score for r in assessment.results.select_related("unit")}


def test_the_grouped_figures_of_many_units_equal_each_units_own(street, cases):
    units = [street.street, street.lakeside, street.yashiyuan, street.renovation]
    for period in (Period(*MARCH), Q1, Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30))):
        grouped = selectors.kpi_figures_of_units(street.district, units, period, TODAY)
        for unit in units:
            alone = selectors.kpi_figures(unit, period, TODAY)
            assert grouped[unit.pk].figures == alone.figures, (unit, period)
            assert grouped[unit.pk].lists == alone.lists


def test_the_grouped_figures_read_as_many_queries_for_ten_units_as_for_one(
    street, cases, django_assert_max_num_queries
):
    for n in range(8):
        Unit.objects.create(name=f"社区{n}", kind=Unit.Kind.COMMUNITY, parent=street.street)
    units = list(Unit.objects.filter(kind=Unit.Kind.COMMUNITY))
    assert len(units) == 10
    summary.bring_up_to_date()  # counting the fixture's events is not the read
    with django_assert_max_num_queries(8):
        selectors.kpi_figures_of_units(street.street, units, Q1, TODAY)


def test_an_assessment_scores_every_unit_of_the_level_from_its_figures(street, cases):
    assessment = run(street, scheme())
    lakeside = selectors.kpi_figures(street.lakeside, Q1, TODAY)
    rows = {r.unit_id: r for r in assessment.results.all()}
    assert set(rows) == {street.lakeside.pk, street.yashiyuan.pk}
    items = {i["kpi"]: i for i in rows[street.lakeside.pk].breakdown["items"]}
    on_time = lakeside["on_time_rate"]
    assert items["on_time_rate"]["numerator"] == on_time.numerator
    assert items["on_time_rate"]["denominator"] == on_time.denominator
    assert Decimal(items["on_time_rate"]["points"]) == (
        Decimal(10) * Decimal(on_time.numerator) / Decimal(on_time.denominator)
    ).quantize(Decimal("0.01"))
    adjustments = {a["source"]: a for a in rows[street.lakeside.pk].breakdown["adjustments"]}
    assert adjustments["repeat"]["count"] == lakeside["repeat_rate"].numerator
    assert adjustments["major_incident"]["count"] == 1  # the gathering of 20 March
    assert Decimal(adjustments["major_incident"]["points"]) == Decimal(-5)
    # Yashiyuan owns no case: every rate scores full points, nothing is deducted.
    assert rows[street.yashiyuan.pk].score == Decimal(25)
    assert rows[street.yashiyuan.pk].rank == 1
    assert rows[street.lakeside.pk].rank == 2
    total = sum(Decimal(i["points"]) for i in items.values()) + sum(
        Decimal(a["points"]) for a in adjustments.values()
    )
    assert rows[street.lakeside.pk].score == total


def test_accountability_records_and_commendations_count_in_their_units_deductions(street, cases):
    made = scheme(adjustments=[("accountability", "-2", "3"), ("commendation", "1", None)])
    for day in (dt.date(2025, 2, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 2)):
        AccountabilityRecord.objects.create(
            petition=cases.b,
            unit=street.lakeside,
            person="张三",
            finding="答复超期",
            measure="talk",
            decided_on=day,
            decided_by="街道纪工委",
        )
    Commendation.objects.create(
        unit=street.yashiyuan, awarded_on=dt.date(2025, 1, 9), title="经验推广", awarded_by="区委"
    )
    rows = {r.unit_id: r for r in run(street, made).results.all()}
    lakeside = {a["source"]: a for a in rows[street.lakeside.pk].breakdown["adjustments"]}
    assert lakeside["accountability"]["count"] == 2  # April's is not of the first quarter
    assert Decimal(lakeside["accountability"]["points"]) == Decimal(-3)  # capped
    yashiyuan = {a["source"]: a for a in rows[street.yashiyuan.pk].breakdown["adjustments"]}
    assert yashiyuan["commendation"]["count"] == 1
    assert rows[street.yashiyuan.pk].score == Decimal(26)


def test_an_assessment_of_a_period_not_finished_is_refused(street, cases):
    made = scheme()
    with pytest.raises(ValidationFailed, match="尚未结束"):
        run(street, made, Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    with pytest.raises(ValidationFailed, match="尚未结束"):
        run(street, made, Period(dt.date(2025, 7, 1), TODAY))
    assert not Assessment.objects.exists()


def test_a_scheme_whose_points_miss_its_total_cannot_assess(street, cases):
    with pytest.raises(ValidationFailed, match=r"合计 25\.00 分，与指标总分 30\.00 分不符"):
        run(street, scheme(total="30"))


def test_a_period_outside_the_schemes_year_is_refused(street, cases):
    with pytest.raises(ValidationFailed, match="2024 年"):
        run(street, scheme(year=2024))


def test_the_same_period_is_assessed_once_and_recomputed_after(street, cases):
    made = scheme()
    run(street, made)
    with pytest.raises(Conflict):
        run(street, made)


def test_only_the_leading_group_and_admins_run_assessments(street, cases):
    with pytest.raises(PermissionDenied):
        run(street, scheme(), actor=street.auditor)


def test_recomputing_follows_the_cases_and_a_frozen_assessment_does_not(street, cases):
    assessment = run(street, scheme())
    before = scores(assessment)
    # A late reply of o (due 9 March) in the first quarter's cases does not change it,
    # but a new accountability finding does.
    AccountabilityRecord.objects.create(
        petition=cases.o,
        unit=street.lakeside,
        person="李四",
        finding="逾期未答复",
        measure="criticism",
        decided_on=dt.date(2025, 3, 30),
        decided_by="街道党工委",
    )
    with travel(TODAY):
        services.assessment_recompute(actor=street.leader, assessment_id=assessment.pk, today=TODAY)
    after = scores(assessment)
    assert after["湖滨花园社区"] == before["湖滨花园社区"] - 2
    with travel(TODAY):
        services.assessment_freeze(actor=street.leader, assessment_id=assessment.pk)
    with travel(TODAY):
        act(cases.o, street.handler, Action.REPLY, {"reply_kind": "supported", "text": "已答复"})
    AccountabilityRecord.objects.create(
        petition=cases.o,
        unit=street.lakeside,
        person="王五",
        finding="再次逾期",
        measure="criticism",
        decided_on=dt.date(2025, 3, 31),
        decided_by="街道党工委",
    )
    assert scores(assessment) == after
    with pytest.raises(Conflict, match="定稿，不能再改动"):
        services.assessment_recompute(actor=street.leader, assessment_id=assessment.pk, today=TODAY)
    assessment.refresh_from_db()
    assert assessment.frozen_by == street.leader
    assert assessment.frozen_at is not None


def test_freezing_twice_is_refused_with_when_and_by_whom(street, cases):
    assessment = run(street, scheme())
    with travel(TODAY):
        services.assessment_freeze(actor=street.admin, assessment_id=assessment.pk)
    with pytest.raises(Conflict, match=f"已于 2025-07-15 10:00 由 {street.admin} 定稿"):
        services.assessment_freeze(actor=street.leader, assessment_id=assessment.pk)


def test_runs_recomputes_and_freezes_are_audited(street, cases):
    assessment = run(street, scheme())
    services.assessment_recompute(actor=street.leader, assessment_id=assessment.pk, today=TODAY)
    services.assessment_freeze(actor=street.leader, assessment_id=assessment.pk)
    summaries = list(
        AuditEntry.objects.filter(object_type="assessment", object_id=str(assessment.pk))
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert [s.split("：")[0] for s in summaries] == ["组织考核", "重新计算考核", "考核定稿"]


def test_the_seeded_county_scheme_scores_the_streets_of_a_district(street, cases):
    county = Scheme.objects.get(year=2026, level="street")
    assert selectors.scheme_problems(county) == []
    assert [i.kpi for i in county.items.all()][:4] == [
        "timely_acceptance_rate",
        "on_time_rate",
        "satisfaction_rate",
        "rating_rate",
    ]
    street.leader.unit = street.district
    street.leader.save()
    with travel(dt.date(2027, 1, 5)):
        assessment = services.assessment_run(
            actor=street.leader,
            scheme_id=county.pk,
            period=Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
            today=dt.date(2027, 1, 5),
        )
    assert {r.unit.name for r in assessment.results.all()} == {"XX街道", "另一街道"}


# ---------------------------------------------------------------- pages


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_ranking_table_shows_points_per_item_and_links_the_figures(street, cases):
    assessment = run(street, scheme())
    with travel(TODAY):
        html = client_of(street.leader).get(f"/assessment/runs/{assessment.pk}/").content.decode()
    rows = re.findall(r'<tr data-unit="(\d+)"><td>(\d+)</td><td>([^<]+)</td>', html)
    assert [(int(u), int(r), n) for u, r, n in rows] == [
        (street.yashiyuan.pk, 1, "雅仕苑社区"),
        (street.lakeside.pk, 2, "湖滨花园社区"),
    ]
    assert "按期办结率" in html and "重大群体性事件（每起）" in html
    assert (
        f"/assessment/cases/?kpi=on_time_rate&amp;part=denominator&amp;unit={street.lakeside.pk}"
        f"&amp;start=2025-01-01&amp;end=2025-03-31"
    ) in html
    assert f"/dashboard/?unit={street.lakeside.pk}&amp;start=2025-01-01&amp;end=2025-03-31" in html
    assert "定稿</button>" in html


def test_a_community_sees_only_its_own_row_and_cannot_freeze(street, cases):
    assessment = run(street, scheme())
    client = client_of(street.community_leader)
    with travel(TODAY):
        html = client.get(f"/assessment/runs/{assessment.pk}/").content.decode()
        assert client.post(f"/assessment/runs/{assessment.pk}/freeze/").status_code == 403
    assert "湖滨花园社区" in html and "雅仕苑社区" not in html
    assert "定稿</button>" not in html
    assert client_of(street.registrar).get(f"/assessment/runs/{assessment.pk}/").status_code == 404


def test_the_run_form_explains_a_refusal(street, cases):
    made = scheme()
    with travel(TODAY):
        response = client_of(street.leader).post(
            "/assessment/runs/new/", {"scheme": made.pk, "period": "q3"}
        )
    assert response.status_code == 400
    assert "尚未结束" in response.content.decode()
    with travel(TODAY):
        response = client_of(street.leader).post(
            "/assessment/runs/new/", {"scheme": made.pk, "period": "q1"}
        )
    assert response.status_code == 302
    assert Assessment.objects.get().start == dt.date(2025, 1, 1)


def test_freezing_from_the_page_then_again_says_why_not(street, cases):
    assessment = run(street, scheme())
    client = client_of(street.leader)
    with travel(TODAY):
        client.post(f"/assessment/runs/{assessment.pk}/freeze/")
        response = client.post(f"/assessment/runs/{assessment.pk}/freeze/", follow=True)
    html = response.content.decode()
    assert "不能再改动" in html and "data-frozen" in html


def test_an_accountability_finding_is_recorded_on_its_page_and_shown_on_the_case(street, cases):
    client = client_of(street.leader)
    data = {
        "petition": cases.b.pk,
        "unit": street.lakeside.pk,
        "person": "赵六",
        "position": "社区主任",
        "finding": "答复超期，群众重复上访",
        "measure": "talk",
        "decided_on": "2025-03-20",
        "decided_by": "街道纪工委",
    }
    with travel(TODAY):
        assert client.post("/assessment/accountability/new/", data).status_code == 302
    record = AccountabilityRecord.objects.get()
    assert record.recorded_by == street.leader and record.petition_id == cases.b.pk
    assert AuditEntry.objects.filter(object_type="accountabilityrecord").count() == 1
    listing = client_of(street.community_leader).get("/assessment/accountability/")
    assert "赵六" in listing.content.decode()
    panel = client_of(street.handler).get(f"/assessment/cases/{cases.b.pk}/accountability/")
    assert "赵六" in panel.content.decode() and "约谈" in panel.content.decode()
    assert (
        "赵六"
        not in client_of(street.other_handler).get("/assessment/accountability/").content.decode()
    )


def test_an_accountability_finding_needs_a_case_the_recorder_sees(street, cases):
    data = {
        "petition": 999_999,
        "unit": street.lakeside.pk,
        "person": "赵六",
        "finding": "x",
        "measure": "talk",
        "decided_on": "2025-03-20",
        "decided_by": "街道纪工委",
    }
    response = client_of(street.leader).post("/assessment/accountability/new/", data)
    assert response.status_code == 400
    assert not AccountabilityRecord.objects.exists()
    assert client_of(street.handler).get("/assessment/accountability/new/").status_code == 404


def test_the_scheme_page_shows_why_a_scheme_cannot_score(street):
    scheme(total="30")
    html = client_of(street.auditor).get("/assessment/schemes/").content.decode()
    assert "与指标总分 30.00 分不符" in html
    assert client_of(street.handler).get("/assessment/schemes/").status_code == 404


def test_the_units_dashboard_lists_the_accountability_records_of_the_period(street, cases):
    for person, day in (("孙七", dt.date(2025, 3, 5)), ("周八", dt.date(2025, 4, 5))):
        AccountabilityRecord.objects.create(
            petition=cases.b,
            unit=street.lakeside,
            person=person,
            finding="答复超期",
            measure="talk",
            decided_on=day,
            decided_by="街道纪工委",
        )
    with travel(TODAY):
        html = (
            client_of(street.community_leader)
            .get("/dashboard/", {"start": "2025-03-01", "end": "2025-03-31"})
            .content.decode()
        )
    section = html[html.index('id="accountability"') :]
    assert "孙七" in section and "周八" not in section


def test_scoring_reads_the_unit_tree_once_besides_the_assessed_units(street, cases):
    made = scheme()
    selectors.assessment_scores(made, street.street, Q1, TODAY)  # the unit tree's memo is warm
    with CaptureQueriesContext(connection) as queries:
        selectors.assessment_scores(made, street.street, Q1, TODAY)
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "organization_unit"' in q["sql"]]
    # The assessed units, and the tree with its populations for the figures; the counts
    # of findings, awards and spot checks take the paths from the tree kept in memory.
    assert len(reads) == 2, reads
