"""The daily briefing: its figures, its one-page PDF, kept per unit and day, for leaders."""

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from xinfang.early_warnings import services
from xinfang.early_warnings.models import Alert, Briefing
from xinfang.early_warnings.tests.conftest import ELECTION, petition_by
from xinfang.petitions.tests.factories import travel

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


def _yesterday(street: Any) -> None:
    cases = [petition_by(street, i, ELECTION[i], DAY - dt.timedelta(days=1)) for i in range(3)]
    cases.append(petition_by(street, 9, ELECTION[4], DAY - dt.timedelta(days=3)))  # not yesterday
    for petition in cases:
        services.signature_index(petition=petition)
    services.alert_raise(
        kind=Alert.Kind.COLLECTIVE,
        severity=Alert.Severity.HIGH,
        owner_unit_id=street.street.pk,
        summary="6 人在 7 天内就同一事项信访：业委会换届",
        now=dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC),
    )
    services.period_save(
        actor=street.registrar,
        data={
            "name": "业委会换届选举",
            "starts_on": DAY - dt.timedelta(days=5),
            "ends_on": DAY + dt.timedelta(days=5),
            "level": "raised",
            "note": "",
        },
    )


def test_the_briefing_counts_yesterdays_petitions_and_alerts_and_the_period(street: Any) -> None:
    _yesterday(street)
    with travel(DAY):
        row = services.briefing_generate(unit=street.street)
    f = row.figures
    assert (f["covers"], f["new_petitions"], len(f["new_alerts"])) == ("2026-03-09", 3, 1)
    assert f["forming"][0][0].startswith("6 人") and f["open_alerts"] == 1
    assert f["period"]["name"] == "业委会换届选举"
    assert f["limits"] == {"min_people": 4, "window_days": 10}
    # The week's four cases on one matter are its hot issue, named by a member's title.
    ((title, size),) = f["hot"]
    assert size == 4 and title.startswith(tuple(t[:12] for t in ELECTION))
    assert title.endswith("（湖滨花园社区）")


def test_the_briefing_pdf_is_one_a4_page_in_the_cjk_font(street: Any) -> None:
    _yesterday(street)
    with travel(DAY):
        row = services.briefing_generate(unit=street.street)
    reader = PdfReader(io.BytesIO(bytes(row.pdf)))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert "每日信访动态" in text and "新登记信访3件" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert any("CJK" in str(fonts[k].get_object()["/BaseFont"]) for k in fonts)


def test_generating_again_keeps_one_briefing_per_unit_and_day(street: Any) -> None:
    with travel(DAY):
        services.briefings_generate()
        services.briefings_generate()
    # The district and the street have leaders who read one; communities read the street's.
    assert Briefing.objects.count() == 2


def test_leaders_read_the_briefing_and_cadres_do_not(street: Any, client: Any) -> None:
    with travel(DAY):
        row = services.briefing_generate(unit=street.street)
    client.force_login(street.leader)
    assert "每日信访动态" in client.get(row.get_absolute_url()).content.decode()
    pdf = client.get(reverse("early_warnings:briefing_pdf", args=[row.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    client.force_login(street.handler)
    assert client.get(row.get_absolute_url()).status_code == 404
    # A community's leader does not read the street's briefing (it is above them).
    client.force_login(street.community_leader)
    assert client.get(row.get_absolute_url()).status_code == 404


def test_a_street_leader_generates_todays_briefing_from_the_list(street: Any, client: Any) -> None:
    client.force_login(street.leader)
    assert "生成今日动态" in client.get(reverse("early_warnings:briefing_list")).content.decode()
    done = client.post(reverse("early_warnings:briefing_generate"))
    assert done["Location"] == Briefing.objects.get(owner_unit=street.street).get_absolute_url()
