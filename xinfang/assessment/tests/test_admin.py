"""Major incidents are recorded in the admin through the service, and audited."""

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
