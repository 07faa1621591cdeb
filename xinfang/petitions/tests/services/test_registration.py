"""petition_register and petitioner_resolve: channels, people, collective visits, codes."""

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from xinfang.common.errors import PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.petitions import selectors, services
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import (
    QUERY_CODE_ALPHABET,
    QUERY_CODE_LENGTH,
    Channel,
    Petition,
    Petitioner,
    PetitionEvent,
)
from xinfang.petitions.services import petitioner_resolve
from xinfang.petitions.tests.factories import REPLY, drive, register, registration, travel
from xinfang.petitions.validators import id_check_digit
from xinfang.petitions.workflow import Action, Status

ID_NUMBER = "33010619850312002" + id_check_digit("33010619850312002")
ORIGIN = {"origin_authority": "西湖区信访局", "origin_reference": "西信转〔2025〕18号"}


def _people(n: int) -> list[PetitionerData]:
    return [PetitionerData(name=f"代表{i}", phone=f"1390000000{i}") for i in range(n)]


def _counts() -> tuple[int, int]:
    return Petition.objects.count(), Petitioner.objects.count()


@pytest.mark.parametrize("channel", sorted(set(Channel) - {Channel.COLLECTIVE_VISIT}))
def test_registrar_registers_a_petition_of_each_single_person_channel(
    street: Any, channel: Channel
) -> None:
    petition = register(street.registrar, channel=channel, **ORIGIN)
    assert petition.channel == channel
    assert petition.status == Status.REGISTERED
    assert petition.registered_unit == street.street
    assert petition.registered_by == street.registrar
    assert petition.petitioner is not None and petition.petitioner.name == "张三"
    assert petition.version == 1


def test_collective_visit_keeps_its_head_count_and_representatives(street: Any) -> None:
    petition = register(
        street.registrar, channel=Channel.COLLECTIVE_VISIT, head_count=30, petitioners=_people(5)
    )
    assert petition.is_collective
    assert petition.head_count == 30
    assert petition.representatives.count() == 5
    assert petition.petitioner is not None and petition.petitioner.name == "代表0"


def test_the_registration_returns_what_it_wrote_as_the_database_has_it(street: Any) -> None:
    people = [*_people(2), _people(1)[0]]  # the first again: one representative, once
    done = services.petition_registration(
        actor=street.registrar,
        data=registration(channel=Channel.COLLECTIVE_VISIT, head_count=9, petitioners=people),
    )
    single = services.petition_registration(actor=street.registrar, data=registration())

    assert done.event == PetitionEvent.objects.get(petition=done.petition)
    assert done.event.action == "register" and done.event.to_status == Status.REGISTERED
    assert done.representatives == list(done.petition.representatives.order_by("pk"))
    assert [p.name for p in done.representatives] == ["代表0", "代表1"]
    assert single.representatives == [] and not single.petition.representatives.exists()


def test_collective_visit_of_fewer_than_five_people_is_refused(street: Any) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        register(street.registrar, channel=Channel.COLLECTIVE_VISIT, head_count=4)
    assert excinfo.value.field == "head_count"


def test_collective_visit_with_six_representatives_is_refused_and_nothing_is_saved(
    street: Any,
) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as excinfo:
        register(
            street.registrar,
            channel=Channel.COLLECTIVE_VISIT,
            head_count=40,
            petitioners=_people(6),
        )
    assert excinfo.value.field == "petitioners"
    assert _counts() == before


def test_anonymous_letter_is_registered_without_a_petitioner(street: Any) -> None:
    petition = register(street.registrar, channel=Channel.LETTER, is_anonymous=True, petitioners=[])
    assert petition.is_anonymous
    assert petition.petitioner is None


def test_a_petition_needs_a_petitioner_unless_anonymous(street: Any) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        register(street.registrar, petitioners=[])
    assert excinfo.value.field == "petitioners"


@pytest.mark.parametrize("channel", [Channel.ASSIGNED, Channel.FORWARDED])
def test_assigned_or_forwarded_case_needs_the_authority_it_came_from(
    street: Any, channel: Channel
) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        register(street.registrar, channel=channel)
    assert excinfo.value.field == "origin_authority"
    assert not Petition.objects.exists()


def test_unknown_channel_and_empty_content_are_refused(street: Any) -> None:
    with pytest.raises(ValidationFailed):
        register(street.registrar, channel="telegram")
    with pytest.raises(ValidationFailed):
        register(street.registrar, content="   ")


@pytest.mark.parametrize("who", ["handler", "community_leader", "auditor"])
def test_only_the_office_registers_petitions(street: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        register(getattr(street, who))
    assert not Petition.objects.exists()


def test_first_petition_is_first_time_and_a_repeat_is_not(street: Any) -> None:
    original = register(street.registrar)
    repeat = register(street.registrar, repeat_of_id=original.pk)
    assert original.is_first_time is True
    assert repeat.is_first_time is False
    assert repeat.repeat_of == original


def test_repeat_of_a_case_the_registrar_cannot_see_is_refused(street: Any) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        register(street.registrar, repeat_of_id=999_999)
    assert excinfo.value.field == "repeat_of"


def test_query_code_is_twelve_characters_of_the_readable_alphabet(street: Any) -> None:
    codes = [register(street.registrar).query_code for _ in range(10)]
    for code in codes:
        assert len(code) == QUERY_CODE_LENGTH == 12
        assert set(code) <= set(QUERY_CODE_ALPHABET)
        assert not set(code) & set("01OI")
    assert len(set(codes)) == len(codes)


def test_the_database_refuses_a_duplicate_query_code(street: Any) -> None:
    from django.db import IntegrityError, transaction

    first = register(street.registrar)
    second = register(street.registrar)
    second.query_code = first.query_code
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_route_due_is_fifteen_days_after_registration(street: Any) -> None:
    with travel(dt.date(2025, 9, 30)):
        petition = register(street.registrar)
    assert petition.route_due == dt.date(2025, 10, 15)
    assert petition.due_date == petition.route_due


def test_route_due_counts_from_the_office_date_early_in_the_morning(street: Any) -> None:
    # 07:30 in Hangzhou is still the previous day in UTC.
    with travel(dt.date(2025, 10, 9), hour=7):
        petition = register(street.registrar)
    assert petition.route_due == dt.date(2025, 10, 24)


def test_number_carries_the_office_year_of_registration(street: Any) -> None:
    # 07:00 on New Year's Day in Hangzhou is still the old year in UTC.
    with travel(dt.date(2026, 1, 1), hour=7):
        petition = register(street.registrar)
    assert petition.number == f"XF2026-{petition.pk:07d}"


def test_registration_writes_a_register_event_and_an_audit_entry(street: Any) -> None:
    petition = register(street.registrar, channel=Channel.PHONE)
    event = PetitionEvent.objects.get(petition=petition)
    assert (event.action, event.from_status, event.to_status) == ("register", "", "registered")
    assert event.actor == street.registrar
    assert event.unit == street.street
    assert event.details == {"channel": "phone"}
    assert AuditEntry.objects.filter(
        kind="create", object_type="petition", object_id=str(petition.pk), actor=street.registrar
    ).exists()


# ---------------------------------------------------------------- petitioners


def test_same_id_number_is_the_same_petitioner_whatever_the_name_and_phone(street: Any) -> None:
    first = register(
        street.registrar, petitioners=[PetitionerData(name="张三", id_number=ID_NUMBER)]
    )
    again = register(
        street.registrar,
        petitioners=[
            PetitionerData(
                name="张叁", id_number=ID_NUMBER.lower(), phone="13900000009", on_record="keep"
            )
        ],
    )
    assert again.petitioner == first.petitioner
    assert Petitioner.objects.count() == 1


def test_another_name_for_a_known_id_number_is_refused_until_the_registrar_chooses(
    street: Any,
) -> None:
    register(
        street.registrar,
        petitioners=[PetitionerData(name="朱根保", id_number=ID_NUMBER, phone="13800000001")],
    )
    typed = PetitionerData(name="朱根宝", id_number=ID_NUMBER, phone="13900000009")
    with pytest.raises(ValidationFailed) as refused:
        register(street.registrar, petitioners=[typed])
    assert refused.value.field == "on_record"
    assert "朱根保" in refused.value.message and "朱根宝" in refused.value.message
    assert "138****0001" in refused.value.message and "139****0009" in refused.value.message
    assert Petition.objects.count() == 1  # nothing half-saved

    kept = register(street.registrar, petitioners=[replace(typed, on_record="keep")])
    person = Petitioner.objects.get()
    assert kept.petitioner == person
    assert (person.name, person.phone) == ("朱根保", "13800000001")

    updated = register(street.registrar, petitioners=[replace(typed, on_record="update")])
    person.refresh_from_db()
    assert updated.petitioner == person
    assert (person.name, person.phone) == ("朱根宝", "13900000009")
    change = AuditEntry.objects.get(kind="change", object_type="petitioner")
    assert set(change.fields) == {"name", "phone"}
    assert "朱根保" in change.summary and "朱根宝" in change.summary


def test_same_phone_and_name_is_the_same_petitioner(street: Any) -> None:
    first = register(street.registrar)
    again = register(
        street.registrar, petitioners=[PetitionerData(name="张三", phone="+86 138 0000 0001")]
    )
    assert again.petitioner == first.petitioner


def test_same_phone_with_another_name_is_another_petitioner(street: Any) -> None:
    first = register(street.registrar)
    other = register(
        street.registrar, petitioners=[PetitionerData(name="李四", phone="13800000001")]
    )
    assert other.petitioner != first.petitioner
    assert Petitioner.objects.count() == 2


def test_identifiers_learnt_later_are_added_to_the_known_petitioner(street: Any) -> None:
    first = register(street.registrar)
    assert first.petitioner is not None and first.petitioner.id_number == ""
    register(
        street.registrar,
        petitioners=[PetitionerData(name="张三", phone="13800000001", id_number=ID_NUMBER)],
    )
    person = Petitioner.objects.get(pk=first.petitioner.pk)
    assert person.id_number == ID_NUMBER
    assert person.address == "湖滨花园1幢"  # what was known is kept
    assert AuditEntry.objects.filter(
        kind="change", object_type="petitioner", object_id=str(person.pk), fields=["id_number"]
    ).exists()


def test_a_different_id_number_is_a_different_person_despite_phone_and_name(street: Any) -> None:
    other_id = "33010619850312003" + id_check_digit("33010619850312003")
    first = register(
        street.registrar,
        petitioners=[PetitionerData(name="张三", phone="13800000001", id_number=ID_NUMBER)],
    )
    second = register(
        street.registrar,
        petitioners=[PetitionerData(name="张三", phone="13800000001", id_number=other_id)],
    )
    assert second.petitioner != first.petitioner


def test_an_id_number_match_outranks_an_older_record_with_the_same_phone_and_name(
    street: Any,
) -> None:
    older = register(street.registrar).petitioner  # 张三, 13800000001, no ID number
    holder = register(
        street.registrar,
        petitioners=[PetitionerData(name="张三丰", phone="13900000009", id_number=ID_NUMBER)],
    ).petitioner
    again = register(
        street.registrar,
        petitioners=[
            PetitionerData(name="张三", phone="13800000001", id_number=ID_NUMBER, on_record="keep")
        ],
    )
    assert again.petitioner == holder != older


def test_a_person_known_by_phone_is_found_with_one_query_when_an_id_number_is_given(
    street: Any, django_assert_num_queries: Any
) -> None:
    register(street.registrar)  # 张三, 13800000001, no ID number
    person = PetitionerData(name="张三", phone="13800000001", id_number=ID_NUMBER)
    with django_assert_num_queries(3):  # the lookup; the ID number learnt now, its audit entry
        found = petitioner_resolve(actor=street.registrar, data=person)
    assert found.id_number == ID_NUMBER


def test_known_identifiers_are_not_overwritten(street: Any) -> None:
    first = register(street.registrar)
    register(
        street.registrar,
        petitioners=[PetitionerData(name="张三", phone="13800000001", address="雅仕苑2幢")],
    )
    assert first.petitioner is not None
    assert Petitioner.objects.get(pk=first.petitioner.pk).address == "湖滨花园1幢"


def test_invalid_id_number_of_a_petitioner_is_refused_with_its_field(street: Any) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        register(street.registrar, petitioners=[PetitionerData(name="张三", id_number="123")])
    assert excinfo.value.field == "id_number"
    assert _counts() == (0, 0)


def test_petitioner_matches_counts_total_and_open_petitions(street: Any) -> None:
    first = register(street.registrar)
    register(street.registrar)
    closed = register(street.registrar)
    drive(closed, street, (Action.NOT_ACCEPT, {"reason": "已在诉讼程序中"}, "registrar"))
    (match,) = selectors.petitioner_matches(street.registrar, phone="13800000001")
    assert match.petitioner == first.petitioner
    assert (match.total, match.open) == (3, 2)
    assert match.reasons == ["电话"]


def test_petitioner_matches_by_name_and_address_and_by_id_number(street: Any) -> None:
    register(
        street.registrar,
        petitioners=[PetitionerData(name="王五", id_number=ID_NUMBER, address="雅仕苑3幢")],
    )
    by_id = selectors.petitioner_matches(street.registrar, id_number=ID_NUMBER)
    by_address = selectors.petitioner_matches(street.registrar, name="王五", address="雅仕苑3幢")
    assert [m.reasons for m in by_id] == [["身份证号"]]
    assert [m.reasons for m in by_address] == [["姓名+住址"]]
    assert by_id[0].petitioner == by_address[0].petitioner
    assert (by_id[0].total, by_id[0].open) == (1, 1)


def test_petitioner_matches_nothing_without_a_key(street: Any) -> None:
    register(street.registrar)
    assert selectors.petitioner_matches(street.registrar, name="张三") == []


def test_a_concluded_case_no_longer_counts_as_open(street: Any) -> None:
    petition = register(street.registrar)
    drive(
        petition,
        street,
        (Action.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar"),
        (Action.REPLY, REPLY, "handler"),
    )
    (match,) = selectors.petitioner_matches(street.registrar, phone="13800000001")
    assert (match.total, match.open) == (1, 0)


def test_a_person_named_twice_among_the_representatives_represents_once(street: Any) -> None:
    same = PetitionerData(name="代表0", phone="13900000000")
    petition = register(
        street.registrar,
        channel=Channel.COLLECTIVE_VISIT,
        head_count=8,
        petitioners=[*_people(2), same],
    )
    assert petition.representatives.count() == 2


def test_a_representative_of_a_collective_visit_is_a_known_petitioner(street: Any) -> None:
    register(
        street.registrar, channel=Channel.COLLECTIVE_VISIT, head_count=12, petitioners=_people(3)
    )
    (match,) = selectors.petitioner_matches(street.registrar, phone="13900000002")
    assert (match.total, match.open) == (1, 1)
