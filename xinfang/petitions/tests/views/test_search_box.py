"""The search box finds a case by its number, its query code and — for the roles that see
people — by the petitioner's name, ID number or phone, scoped and audited."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from xinfang.accounts.models import ApiToken
from xinfang.common.models import AuditEntry
from xinfang.organization.models import Unit
from xinfang.organization.tests.factories import UnitFactory, UserFactory
from xinfang.petitions import notices, selectors
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.selectors import PetitionFilters
from xinfang.petitions.tests.factories import accepted
from xinfang.petitions.validators import id_check_digit

pytestmark = pytest.mark.django_db

ID_NUMBER = "33010619850505123" + id_check_digit("33010619850505123")
OTHER_ID = "33010619900101002" + id_check_digit("33010619900101002")
NAME, PHONE = "朱根保", "13911112222"


def _person(name: str = NAME, id_number: str = ID_NUMBER, phone: str = PHONE) -> PetitionerData:
    return PetitionerData(name=name, id_number=id_number, phone=phone, address="湖滨花园1幢")


def _found(user: Any, q: str, **filters: Any) -> list[int]:
    found = selectors.petition_search(user, PetitionFilters(q=q, **filters))
    return list(found.values_list("pk", flat=True))


def _page(user: Any, **params: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/petitions/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_case_is_found_by_its_number_written_in_full_or_in_part(street: Any) -> None:
    petition = accepted(street)
    other = accepted(street)
    number = petition.number  # XF2026-0000001
    for q in (number, number.lower(), number[2:], f" {number} "):
        # Written as a case number (with its prefix or year): that case and nothing else.
        assert _found(street.registrar, q) == [petition.pk], q
    for q in (number[-7:], str(petition.pk)):
        assert petition.pk in _found(street.registrar, q), q
        assert other.pk not in _found(street.registrar, q), q


def test_a_case_is_found_by_its_query_code_as_printed_spaced_or_in_one_run(street: Any) -> None:
    petition = accepted(street)
    other = accepted(street)
    code = petition.query_code
    printed = notices.format_query_code(code)
    for q in (code, printed, printed.replace("-", " "), code.lower(), f"{code[:6]}-{code[6:]}"):
        assert _found(street.registrar, q) == [petition.pk], q
    assert other.pk not in _found(street.registrar, printed)


def test_the_query_code_does_not_find_the_case_for_the_accused_unit(street: Any) -> None:
    category = Category.objects.filter(is_accusation=False, parent__isnull=False).first()
    assert category is not None
    complaint = accepted(
        street, category_id=category.pk, accused_unit_id=street.lakeside.pk, accused="居委会"
    )
    assert _found(street.registrar, complaint.query_code) == [complaint.pk]
    assert _found(street.handler, complaint.query_code) == []
    assert _found(street.community_leader, complaint.query_code) == []


def test_the_registrar_finds_a_petitioner_by_name_id_number_or_phone(street: Any) -> None:
    mine = accepted(street, petitioners=[_person()])
    accepted(street, petitioners=[_person(name="李四", id_number=OTHER_ID, phone="13800009999")])
    for q in (NAME, ID_NUMBER, ID_NUMBER.lower(), PHONE, "139 1111 2222", f"+86{PHONE}"):
        assert _found(street.registrar, q) == [mine.pk], q


def test_a_representative_of_a_collective_visit_is_found_as_well(street: Any) -> None:
    visit = accepted(
        street,
        channel="collective_visit",
        head_count=12,
        petitioners=[_person(name="王五", id_number="", phone="13700000005"), _person()],
    )
    assert _found(street.registrar, ID_NUMBER) == [visit.pk]


def test_a_handler_does_not_search_by_a_persons_identifiers(street: Any) -> None:
    accepted(street, petitioners=[_person()])
    assert _found(street.handler, PHONE) == []
    assert _found(street.handler, ID_NUMBER) == []
    _page(street.handler, q=PHONE)
    assert not AuditEntry.objects.filter(kind="view_personal").exists()


def test_searching_by_id_or_phone_finds_nothing_out_of_scope_and_is_audited(street: Any) -> None:
    other_street = UnitFactory(name="YY街道", kind=Unit.Kind.STREET, parent=street.district)
    other_registrar = UserFactory(username="yy", role="registrar", unit=other_street)
    category = Category.objects.filter(is_accusation=False, parent__isnull=False).first()
    assert category is not None
    # The same person: a case of the next community, and a complaint about 湖滨花园社区.
    elsewhere = accepted(street, unit="yashiyuan", petitioners=[_person()])
    complaint = accepted(
        street,
        petitioners=[_person()],
        category_id=category.pk,
        accused_unit_id=street.lakeside.pk,
        accused="居委会",
    )
    for q in (ID_NUMBER, PHONE):
        page = _page(other_registrar, q=q)
        assert elsewhere.number not in page and complaint.number not in page
        # The community's leader sees people, but not this one: out of scope, or accused.
        page = _page(street.community_leader, q=q)
        assert elsewhere.number not in page and complaint.number not in page
    assert _found(street.registrar, ID_NUMBER) == [complaint.pk, elsewhere.pk]

    entries = AuditEntry.objects.filter(kind="view_personal")
    by_other = entries.filter(actor=other_registrar)
    assert by_other.count() == 2
    assert all(e.object_type == "user" and "未找到" in e.summary for e in by_other)
    # The ID number itself is not written to the log in full.
    assert not entries.filter(summary__contains=ID_NUMBER).exists()
    assert entries.filter(actor=street.community_leader).count() == 2


def test_a_search_that_finds_the_person_audits_a_read_of_that_person(street: Any) -> None:
    petition = accepted(street, petitioners=[_person()])
    page = _page(street.registrar, q=ID_NUMBER)
    assert petition.number in page
    entry = AuditEntry.objects.get(kind="view_personal", actor=street.registrar)
    assert (entry.object_type, entry.object_id) == ("petitioner", str(petition.petitioner_id))
    assert entry.fields == ["id_number"] and "330***********" in entry.summary


def test_a_keyword_search_writes_no_audit_entry(street: Any) -> None:
    accepted(street, petitioners=[_person()])
    _page(street.registrar, q="业委会")
    assert not AuditEntry.objects.filter(kind="view_personal").exists()


def test_a_keyword_that_is_no_name_reads_no_persons_record(
    street: Any, django_assert_num_queries: Any
) -> None:
    accepted(street, petitioners=[_person()])
    # A case's words (longer than a name, or with digits or spaces): no people query at all.
    for q in ("小区业委会换届", "3幢漏水", "night noise", "业委会 换届"):
        with django_assert_num_queries(0):
            assert selectors.person_search(street.registrar, q) == selectors.PersonSearch()


def test_a_name_with_a_middle_dot_is_searched_as_a_name(street: Any) -> None:
    name = "阿依古丽·买买提"
    mine = accepted(street, petitioners=[_person(name=name)])
    assert selectors.person_search(street.registrar, name).by == "name"
    assert _found(street.registrar, name) == [mine.pk]


def test_a_role_that_sees_no_identifiers_runs_no_people_query(
    street: Any, django_assert_num_queries: Any
) -> None:
    accepted(street, petitioners=[_person()])
    for user in (street.handler, street.auditor):
        with django_assert_num_queries(0):
            assert selectors.person_search(user, NAME) == selectors.PersonSearch()


def test_results_sort_and_filter_by_deadline(street: Any) -> None:
    first, second, third = (accepted(street) for _ in range(3))
    Petition.objects.filter(pk=first.pk).update(due_date=dt.date(2030, 3, 1))
    Petition.objects.filter(pk=second.pk).update(due_date=dt.date(2030, 1, 1))
    Petition.objects.filter(pk=third.pk).update(due_date=dt.date(2030, 2, 1))
    mine = [first.pk, second.pk, third.pk]

    def ids(**f: Any) -> list[int]:
        qs = selectors.petition_search(street.registrar, PetitionFilters(**f))
        return [pk for pk in qs.values_list("pk", flat=True) if pk in mine]

    assert ids(sort="due") == [second.pk, third.pk, first.pk]
    assert ids(sort="-due") == [first.pk, third.pk, second.pk]
    window = {"due_after": dt.date(2030, 1, 15), "due_before": dt.date(2030, 2, 28)}
    assert ids(**window) == [third.pk]
    page = _page(street.registrar, sort="due", due_after="2030-01-15", due_before="2030-02-28")
    assert third.number in page and first.number not in page and second.number not in page


def test_the_api_search_by_phone_is_scoped_and_audited_alike(street: Any) -> None:
    petition = accepted(street, unit="yashiyuan", petitioners=[_person()])
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(street.community_leader)}"}
    response = client.get("/api/v1/petitions", {"q": PHONE}, **auth)
    assert response.status_code == 200 and response.json()["count"] == 0
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(street.registrar)}"}
    response = client.get("/api/v1/petitions", {"q": PHONE}, **auth)
    assert [r["id"] for r in response.json()["results"]] == [petition.pk]
    assert AuditEntry.objects.filter(kind="view_personal").count() == 2
