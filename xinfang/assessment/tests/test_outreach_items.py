"""The scheme's bonus for publicity events and trainings, read from outreach's counts."""

import datetime as dt
from decimal import Decimal

import pytest

from xinfang.assessment import services
from xinfang.assessment.kpis import quarter_of
from xinfang.assessment.tests.factories import scheme
from xinfang.assessment.tests.fixture import TODAY
from xinfang.outreach.tests.factories import event, training
from xinfang.petitions.tests.factories import travel

pytestmark = pytest.mark.django_db


def test_publicity_events_and_trainings_of_the_period_earn_the_schemes_bonus_capped(street):
    in_q1, in_q2 = dt.date(2025, 2, 10), dt.date(2025, 4, 10)
    with travel(TODAY):
        for day in (in_q1, in_q1, in_q1, in_q2):
            event(street.handler, street.lakeside, held_on=day)
        training(street.registrar, street.yashiyuan, {street.other_handler.pk: True},
                 held_on=in_q1)  # fmt: skip
        training(street.registrar, street.street, {}, held_on=in_q1)  # the street's own
        made = scheme(adjustments=[("publicity", "0.5", "1"), ("training", "1", None)])
        assessment = services.assessment_run(
            actor=street.leader, scheme_id=made.pk, period=quarter_of(in_q1), today=TODAY
        )
    rows = {r.unit_id: r for r in assessment.results.all()}
    lakeside = {a["source"]: a for a in rows[street.lakeside.pk].breakdown["adjustments"]}
    yashiyuan = {a["source"]: a for a in rows[street.yashiyuan.pk].breakdown["adjustments"]}
    assert lakeside["publicity"]["count"] == 3  # April's is not of the first quarter
    assert Decimal(lakeside["publicity"]["points"]) == Decimal(1)  # capped
    assert lakeside["publicity"]["label"] == "宣传活动（每场）"
    assert (lakeside["training"]["count"], yashiyuan["training"]["count"]) == (0, 1)
    assert rows[street.yashiyuan.pk].score == Decimal(26)
