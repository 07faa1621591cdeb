"""The office's wording edited in the admin through the services (audited); the records
kept by the pages' services only shown, a conduct record by its case's number alone."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xinfang.common.models import AuditEntry
from xinfang.organization.tests.factories import UserFactory
from xinfang.outreach import labels, services
from xinfang.outreach.models import ChannelGuidance, MeritLabel
from xinfang.outreach.tests.factories import CONDUCT, event
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_merit_label_added_and_changed_in_the_admin_goes_through_the_service(
    street: Any,
) -> None:
    client = _client(street.admin)
    add = {"code": "reasonable_orderly", "label": "有理合法"}
    assert client.post(reverse("admin:outreach_meritlabel_add"), add).status_code == 302
    assert labels.merit_labels()["reasonable_orderly"] == "有理合法"
    row = MeritLabel.objects.get(code="reasonable_orderly")
    change = reverse("admin:outreach_meritlabel_change", args=[row.pk])
    assert client.post(change, {"label": "有理依法"}).status_code == 302
    assert labels.merit_labels()["reasonable_orderly"] == "有理依法"
    entries = AuditEntry.objects.filter(object_type="meritlabel", actor=street.admin)
    assert entries.count() == 2
    assert (
        client.post(
            reverse("admin:outreach_meritlabel_delete", args=[row.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_channel_guidance_written_in_the_admin_is_audited(street: Any) -> None:
    client = _client(street.admin)
    data = {"channel": "arbitration", "how_to": "向劳动人事争议仲裁委员会申请仲裁。", "page": ""}
    assert client.post(reverse("admin:outreach_channelguidance_add"), data).status_code == 302
    guidance = ChannelGuidance.objects.get(channel="arbitration")
    assert guidance.updated_by == street.admin
    assert AuditEntry.objects.filter(
        object_type="channelguidance", object_id=str(guidance.pk), actor=street.admin
    ).exists()


def test_a_staff_user_outside_the_office_is_refused_on_the_form(street: Any) -> None:
    outsider = UserFactory(
        username="staff_handler", role="handler", unit=street.lakeside, is_staff=True,
        is_superuser=True,
    )  # fmt: skip
    response = _client(outsider).post(
        reverse("admin:outreach_meritlabel_add"), {"code": "reasonable_orderly", "label": "改"}
    )
    assert response.status_code == 200
    assert "只有信访办和领导小组可以办理此项" in response.content.decode()
    assert not MeritLabel.objects.exists()
    assert not AuditEntry.objects.filter(object_type="meritlabel").exists()


def test_conduct_records_are_listed_by_case_number_and_never_opened(street: Any) -> None:
    petition = register(street.registrar, petitioners=[PetitionerData(name="赵六")])
    record = services.conduct_record(actor=street.registrar, petition_id=petition.pk, data=CONDUCT)
    event(street.registrar, street.street)
    client = _client(street.admin)
    page = client.get(reverse("admin:outreach_conductrecord_changelist"))
    assert page.status_code == 200
    assert petition.number in page.content.decode() and "赵六" not in page.content.decode()
    change = reverse("admin:outreach_conductrecord_change", args=[record.pk])
    assert client.get(change).status_code == 403
    assert client.get(reverse("admin:outreach_conductrecord_add")).status_code == 403
    assert client.get(reverse("admin:outreach_publicityevent_changelist")).status_code == 200
    assert client.get(reverse("admin:outreach_training_changelist")).status_code == 200
