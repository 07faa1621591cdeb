"""The dashboard: who sees it, its tiles' numbers and links, its query count; the case list."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang.assessment.forms import CaseListForm
from xinfang.assessment.kpis import Period
from xinfang.assessment.selectors import breakdowns
from xinfang.assessment.services import summary
from xinfang.assessment.tests.fixture import MARCH, TODAY, Cases, build
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import travel

pytestmark = pytest.mark.django_db

MARCH_PARAMS = {"start": MARCH[0].isoformat(), "end": MARCH[1].isoformat()}


@pytest.fixture
def cases(street: Any) -> Cases:
    return build(street)


def page(user: Any, url: str, **params: Any) -> Any:
    client = Client()
    client.force_login(user)
    with travel(TODAY):
        return client.get(url, params)


def tile(html: str, key: str) -> str:
    match = re.search(rf'<div class="kpi[^"]*" data-kpi="{key}".*?</small>', html, re.S)
    assert match, key
    return match.group(0)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 200),
        ("community_leader", 200),
        ("admin", 200),
        # Auditors oversee and read statistics (DOMAIN.md), never edit: they see it too.
        ("auditor", 200),
        ("registrar", 404),
        ("handler", 404),
    ],
)
def test_the_dashboard_is_for_leaders_the_leading_group_admins_and_auditors(street, who, status):
    user = getattr(street, who)
    assert page(user, "/dashboard/").status_code == status
    # The menu links it by the page's own rule, for exactly the roles it answers.
    assert ('href="/dashboard/"' in page(user, "/").content.decode()) == (status == 200)


def test_the_tiles_show_the_figures_with_their_parts_and_rule(street, cases):
    html = page(street.leader, "/dashboard/", **MARCH_PARAMS).content.decode()
    on_time = tile(html, "on_time_rate")
    assert "60.0%" in on_time
    assert re.search(
        r'data-part="numerator">3</a> / <a [^>]*data-part="denominator">5</a>', on_time
    )
    assert "分母：办结期限" in on_time
    letters = tile(html, "letters")
    assert ">3</a>" in letters and "上年同期 1" in letters and "+200.0%" in letters
    assert "每万人 0.75" in letters


def test_a_tiles_numbers_open_the_list_of_exactly_its_cases(street, cases):
    html = page(street.leader, "/dashboard/", **MARCH_PARAMS).content.decode()
    on_time = tile(html, "on_time_rate")
    url = re.search(r'href="([^"]+)" data-part="numerator"', on_time).group(1)
    listed = page(street.leader, url.replace("&amp;", "&")).content.decode()
    assert "共 3 件" in listed
    for case in (cases.a, cases.c, cases.f):
        assert case.number in listed
    assert cases.b.number not in listed


def test_every_breakdown_row_opens_the_list_of_exactly_its_count(street, cases):
    html = page(street.leader, "/dashboard/", **MARCH_PARAMS).content.decode()
    tables = re.findall(r'<table class="list breakdown">(.*?)</table>', html, re.S)
    rows = [row for table in tables for row in re.findall(r'<a href="([^"]+)">(\d+)</a>', table)]
    assert len(tables) == 4 and rows
    for url, count in rows:
        assert url.count("unit=") == 1, url
        listed = page(street.leader, url.replace("&amp;", "&")).content.decode()
        assert f"共 {count} 件" in listed, url


def test_a_leader_picks_a_unit_within_scope_only(street, cases):
    lakeside = page(street.community_leader, "/dashboard/", unit=street.lakeside.pk, **MARCH_PARAMS)
    assert ">2</a>" in tile(lakeside.content.decode(), "letters")
    assert page(street.community_leader, "/dashboard/", unit=street.street.pk).status_code == 404


def test_the_period_picker_resolves_a_quarter(street, cases):
    html = page(street.leader, "/dashboard/", period="quarter", on="2025-02-10").content.decode()
    assert "2025-01-01 — 2025-03-31" in html


def test_the_charts_are_served_from_the_projects_own_static_files(street, cases):
    html = page(street.leader, "/dashboard/").content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert 'id="dashboard-data"' in html


def test_the_dashboard_stays_sql_bound(street, cases, django_assert_max_num_queries):
    client = Client()
    client.force_login(street.leader)
    summary.bring_up_to_date()  # counting the fixture's events is not the read
    # The three reads (figures, trend, breakdowns) ask once (one query) whether the summary is behind.
    with travel(TODAY), django_assert_max_num_queries(19):
        assert client.get("/dashboard/", MARCH_PARAMS).status_code == 200


def test_the_case_list_refuses_an_unknown_figure(street):
    assert page(street.leader, "/assessment/cases/", kpi="nonsense").status_code == 404


def test_a_custom_period_without_its_end_is_explained(street, cases):
    html = page(street.leader, "/dashboard/", period="custom", start="2025-03-01").content.decode()
    assert "自定义周期须填写起止日期" in html


def test_the_dashboard_prints_with_its_rules(street, cases):
    html = page(street.leader, "/dashboard/").content.decode()
    assert "assessment/dashboard.css" in html
    assert 'onclick="window.print()"' in html


def test_the_case_list_of_a_unit_outside_the_users_scope_is_not_found(street, cases):
    leader = street.community_leader  # of Lakeside Garden
    foreign = page(leader, "/assessment/cases/", kpi="registered", unit=street.yashiyuan.pk)
    assert foreign.status_code == 404
    above = page(leader, "/assessment/cases/", kpi="registered", unit=street.street.pk)
    assert above.status_code == 404
    # Without a unit, the leader's own: March's cases of Lakeside Garden, not the street's.
    own = page(leader, "/assessment/cases/", kpi="registered", **MARCH_PARAMS).content.decode()
    assert cases.i.number in own
    assert Petition.objects.get(pk=cases.k.pk).owner_unit_id == street.street.pk
    assert cases.k.number not in own


def test_a_list_without_its_part_is_the_numerators(street):
    form = CaseListForm({"kpi": "on_time_rate"})
    assert form.is_valid() and form.cleaned_data["part"] == "numerator"


def test_the_breakdowns_read_only_the_units_and_categories_they_name(street, cases):
    with CaptureQueriesContext(connection) as queries:
        breakdowns(street.street, Period(*MARCH), TODAY)
    lookups = [
        q["sql"]
        for q in queries.captured_queries
        # The names the segments are labelled with (the unit tree kept in memory aside).
        if re.search(r'"(organization_unit|petitions_category)"\."name"', q["sql"])
    ]
    assert lookups and all(" WHERE " in sql for sql in lookups), lookups
