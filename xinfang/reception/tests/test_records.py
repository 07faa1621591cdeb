from typing import Any

import pytest
from django.urls import reverse

from xinfang.common.errors import NotFound, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Channel, Petition
from xinfang.petitions.tests.factories import register
from xinfang.reception import selectors, services
from xinfang.reception.models import Appointment, ReceptionRecord
from xinfang.reception.tests.factories import person, reception_day

pytestmark = pytest.mark.django_db


def _came(street: Any, **who: Any) -> tuple[Any, Appointment]:
    day = reception_day(street, days_ahead=0, capacity=5)
    booked = services.appointment_book(
        actor=street.registrar, slot_id=day.slots.get().pk, person=person(1, **who)
    )
    services.appointment_mark(
        actor=street.registrar, day_id=day.pk, appointment_id=booked.pk, status="checked_in"
    )
    return day, booked


def test_a_record_registers_a_reception_case_owned_by_the_days_leader(street: Any) -> None:
    day, came = _came(street, id_number="11010519491231002X")
    record = services.reception_record_create(
        actor=street.leader,
        day_id=day.pk,
        appointment_id=came.pk,
        title="城中村改造补偿",
        request="补偿标准不清楚。",
        decision="改造办三日内上门解释。",
    )
    petition = Petition.objects.get()
    assert record.petition == petition and record.created_case
    assert petition.channel == Channel.RECEPTION
    assert petition.responsible_leader_id == street.leader.pk
    assert petition.petitioner.name == came.name
    assert "改造办三日内上门解释" in petition.content
    assert AuditEntry.objects.filter(object_id=str(record.pk), kind="create").exists()


def test_a_record_joins_an_existing_case_and_the_leader_takes_charge_of_it(street: Any) -> None:
    existing = register(street.registrar, petitioners=[PetitionerData(name="预约人1")])
    day, came = _came(street)
    record = services.reception_record_create(
        actor=street.registrar,
        day_id=day.pk,
        appointment_id=came.pk,
        request="催办。",
        decision="督促承办单位按期答复。",
        join_petition_id=existing.pk,
    )
    existing.refresh_from_db()
    assert record.petition == existing and not record.created_case
    assert existing.responsible_leader_id == street.leader.pk
    assert Petition.objects.count() == 1


def test_a_record_cannot_join_a_case_the_user_may_not_see(street: Any) -> None:
    from xinfang.organization.models import Unit
    from xinfang.organization.tests.factories import UnitFactory, UserFactory

    other = UnitFactory(name="YY街道", kind=Unit.Kind.STREET, parent=street.district)
    foreign = register(UserFactory(role="registrar", unit=other))
    day, came = _came(street)
    with pytest.raises(ValidationFailed, match="无权查看"):
        services.reception_record_create(
            actor=street.registrar,
            day_id=day.pk,
            appointment_id=came.pk,
            request="问",
            decision="答",
            join_petition_id=foreign.pk,
        )
    assert not ReceptionRecord.objects.exists()


def test_only_the_leader_or_the_office_writes_the_record_of_people_who_came(street: Any) -> None:
    day, came = _came(street)
    kwargs = {"day_id": day.pk, "request": "问", "decision": "答", "title": "标题"}
    with pytest.raises(NotFound):  # a community leader does not see the street's days
        services.reception_record_create(
            actor=street.community_leader, appointment_id=came.pk, **kwargs
        )
    absent = services.appointment_book(
        actor=street.registrar, slot_id=day.slots.get().pk, person=person(2)
    )
    with pytest.raises(ValidationFailed, match="已签到"):
        services.reception_record_create(actor=street.leader, appointment_id=absent.pk, **kwargs)


def test_the_statistics_count_cases_created_and_solved(street: Any) -> None:
    day, came = _came(street)
    services.reception_record_create(
        actor=street.leader,
        day_id=day.pk,
        appointment_id=came.pk,
        title="标题",
        request="问",
        decision="答",
    )
    Petition.objects.update(solved=True)
    (row,) = selectors.leader_statistics(street.registrar, day.date, day.date)
    assert (row.days, row.people, row.created, row.solved) == (1, 1, 1, 1)


def test_the_leader_writes_the_record_on_its_page(client: Any, street: Any) -> None:
    day, came = _came(street)
    client.force_login(street.leader)
    response = client.post(
        reverse("reception:record_create", args=[day.pk]),
        {
            "appointment": came.pk,
            "request": "补偿标准不清楚。",
            "decision": "上门解释。",
            "outcome": "new",
            "title": "城中村改造补偿",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Petition.objects.get().responsible_leader_id == street.leader.pk
    page = client.get(day.get_absolute_url()).content.decode()
    assert Petition.objects.get().number in page
