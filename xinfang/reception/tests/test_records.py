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


def _unit_leaders_day(street: Any) -> tuple[Any, Any, Appointment]:
    """A day of the street's own director (单位负责人), who holds no registering role."""
    from xinfang.organization.tests.factories import UserFactory

    director = UserFactory(username="director", role="unit_leader", unit=street.street)
    day = reception_day(street, days_ahead=0, capacity=5, leader=director)
    booked = services.appointment_book(
        actor=street.registrar, slot_id=day.slots.get().pk, person=person(1)
    )
    services.appointment_mark(
        actor=street.registrar, day_id=day.pk, appointment_id=booked.pk, status="checked_in"
    )
    return director, day, booked


def test_a_unit_leaders_own_record_registers_a_leader_owned_case_at_the_street(
    street: Any,
) -> None:
    director, day, came = _unit_leaders_day(street)
    record = services.reception_record_create(
        actor=director,
        day_id=day.pk,
        appointment_id=came.pk,
        title="城中村改造补偿",
        request="补偿标准不清楚。",
        decision="改造办三日内上门解释。",
    )
    petition = Petition.objects.get()
    assert record.petition == petition and record.created_case
    assert petition.channel == Channel.RECEPTION
    assert petition.responsible_leader_id == director.pk
    assert petition.registered_unit_id == petition.owner_unit_id == street.street.pk
    assert petition.registered_by_id == director.pk
    assert petition.events.filter(action="register").exists()
    assert petition.events.filter(action="take_charge").exists()


def test_a_unit_leaders_own_record_joins_an_existing_case(street: Any) -> None:
    existing = register(street.registrar, petitioners=[PetitionerData(name="预约人1")])
    director, day, came = _unit_leaders_day(street)
    record = services.reception_record_create(
        actor=director,
        day_id=day.pk,
        appointment_id=came.pk,
        request="催办。",
        decision="督促承办单位按期答复。",
        join_petition_id=existing.pk,
    )
    existing.refresh_from_db()
    assert record.petition == existing and not record.created_case
    assert existing.responsible_leader_id == director.pk


def test_the_leaders_page_takes_a_unit_leaders_record(client: Any, street: Any) -> None:
    director, day, came = _unit_leaders_day(street)
    client.force_login(director)
    assert client.get(reverse("reception:record_create", args=[day.pk])).status_code == 200
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
    assert Petition.objects.get().responsible_leader_id == director.pk


def test_who_sees_the_day_but_is_neither_its_leader_nor_the_office_writes_no_record(
    street: Any,
) -> None:
    from xinfang.common.errors import PermissionDenied
    from xinfang.organization.tests.factories import UserFactory

    _director, day, came = _unit_leaders_day(street)
    deputy = UserFactory(username="deputy", role="unit_leader", unit=street.street)
    kwargs = {"day_id": day.pk, "appointment_id": came.pk, "request": "问", "decision": "答"}
    for user in (deputy, street.auditor):
        assert not selectors.may_record(user, day)
        with pytest.raises(PermissionDenied):
            services.reception_record_create(actor=user, title="标题", **kwargs)
    assert not Petition.objects.exists() and not ReceptionRecord.objects.exists()


def test_a_unit_leader_still_registers_no_petition_outside_a_reception(street: Any) -> None:
    from xinfang.common.errors import PermissionDenied
    from xinfang.organization.tests.factories import UserFactory

    director = UserFactory(username="director", role="unit_leader", unit=street.street)
    with pytest.raises(PermissionDenied):
        register(director)
    assert not Petition.objects.exists()


def test_registering_at_a_reception_is_only_the_days_leaders_and_only_its_case(
    street: Any,
) -> None:
    from xinfang.common.errors import PermissionDenied
    from xinfang.organization.tests.factories import UserFactory
    from xinfang.petitions.services import petition_register_at_reception
    from xinfang.petitions.tests.factories import registration

    director = UserFactory(username="director", role="unit_leader", unit=street.street)
    reception = registration(channel=Channel.RECEPTION)
    refused = [
        # another leader's day
        {"leader_id": street.leader.pk, "unit": street.street, "data": reception},
        # a case of another channel
        {"leader_id": director.pk, "unit": street.street, "data": registration()},
        # an office above the leader's own unit: a case they would not see
        {"leader_id": director.pk, "unit": street.district, "data": reception},
    ]
    for kwargs in refused:
        with pytest.raises(PermissionDenied):
            petition_register_at_reception(actor=director, **kwargs)
    assert not Petition.objects.exists()
    petition = petition_register_at_reception(
        actor=director, leader_id=director.pk, unit=street.street, data=reception
    )
    assert petition.registered_unit_id == street.street.pk


def test_a_record_joins_a_case_the_days_leader_already_holds(street: Any) -> None:
    existing = register(street.registrar, petitioners=[PetitionerData(name="预约人1")])
    existing.responsible_leader = street.leader
    existing.save(update_fields=["responsible_leader"])
    day, came = _came(street)
    record = services.reception_record_create(
        actor=street.leader,
        day_id=day.pk,
        appointment_id=came.pk,
        request="再次催办。",
        decision="继续包案督办。",
        join_petition_id=existing.pk,
    )
    assert record.petition == existing and not record.created_case
    existing.refresh_from_db()
    assert existing.responsible_leader_id == street.leader.pk
