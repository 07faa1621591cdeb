"""The admin: major incidents and schemes saved through the services, audited; checked."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xinfang.assessment.models import MajorIncident
from xinfang.common.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_major_incident_recorded_edited_and_deleted_in_the_admin_is_audited(street: Any):
    client = Client()
    client.force_login(street.admin)
    form = {
        "unit": street.lakeside.pk,
        "occurred_on": "2025-03-20",
        "kind": "gathering",
        "head_count": "30",
        "description": "业主聚集",
    }
    assert client.post(reverse("admin:assessment_majorincident_add"), form).status_code == 302
    incident = MajorIncident.objects.get()
    assert incident.recorded_by == street.admin
    change = reverse("admin:assessment_majorincident_change", args=[incident.pk])
    assert client.post(change, form | {"head_count": "40"}).status_code == 302
    delete = reverse("admin:assessment_majorincident_delete", args=[incident.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not MajorIncident.objects.exists()
    rows = AuditEntry.objects.filter(object_type="majorincident").order_by("id")
    assert [(r.kind, r.fields) for r in rows] == [
        (AuditEntry.Kind.CREATE, ["unit", "occurred_on", "kind", "head_count", "description"]),
        (AuditEntry.Kind.CHANGE, ["head_count"]),
        (AuditEntry.Kind.CHANGE, []),
    ]
    assert rows[2].summary.startswith("删除重大事件：2025-03-20")


def _scheme_form(total: str, points: list[str]) -> dict[str, str]:
    form = {
        "name": "街道考核办法",
        "year": "2030",
        "level": "street",
        "total": total,
        "basis": "",
        "items-TOTAL_FORMS": str(len(points)),
        "items-INITIAL_FORMS": "0",
        "adjustments-TOTAL_FORMS": "0",
        "adjustments-INITIAL_FORMS": "0",
    }
    for n, (kpi, p) in enumerate(zip(("on_time_rate", "rating_rate"), points, strict=False)):
        form |= {
            f"items-{n}-kpi": kpi,
            f"items-{n}-points": p,
            f"items-{n}-target": "1",
            f"items-{n}-rule": "linear",
            f"items-{n}-sort": str(n),
        }
    return form


def test_a_scheme_whose_items_miss_its_total_is_refused_in_the_admin_with_the_sums(street: Any):
    client = Client()
    client.force_login(street.admin)
    add = reverse("admin:assessment_scheme_add")
    response = client.post(add, _scheme_form("30", ["10", "5"]))
    assert response.status_code == 200
    assert "各项指标分值合计 15 分，与指标总分 30 分不符。" in response.content.decode()
    assert client.post(add, _scheme_form("15", ["10", "5"])).status_code == 302
    assert AuditEntry.objects.filter(object_type="scheme").count() == 1
