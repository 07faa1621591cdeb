"""The early-warning writes: the index, its rebuild, the thresholds."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from xinfang.common.errors import ValidationFailed
from xinfang.early_warnings import rules, selectors, services
from xinfang.early_warnings.models import TextBand, TextSignature
from xinfang.early_warnings.tests.conftest import ELECTION, START, petition_by
from xinfang.organization.tests.factories import UserFactory
from xinfang.petitions.tests.factories import act
from xinfang.petitions.workflow import Action

KEYS = rules.FULL_BANDS + rules.TITLE_BANDS  # band rows a case has
pytestmark = pytest.mark.django_db


def test_a_threshold_of_one_person_is_refused_with_its_reason() -> None:
    with pytest.raises(ValidationFailed, match="至少需要 2 人") as refused:
        services.thresholds_update(min_people=1, window_days=7)
    assert refused.value.field == "min_people"
    assert selectors.thresholds().min_people == 5


def test_a_window_of_zero_days_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="至少为 1 天"):
        services.thresholds_update(min_people=5, window_days=0)


def test_the_thresholds_are_one_row_the_office_updates() -> None:
    services.thresholds_update(min_people=8, window_days=10)
    services.thresholds_update(min_people=6, window_days=3)
    limits = selectors.thresholds()
    assert (limits.min_people, limits.window_days) == (6, 3)


def test_a_one_character_text_is_not_indexed(street: Any) -> None:
    petition = petition_by(street, 1, "访", START)
    petition.title = "。"
    assert services.signature_index(petition=petition) is None
    assert not TextSignature.objects.exists()


def test_indexing_a_case_twice_leaves_one_row_and_its_bands(street: Any) -> None:
    petition = petition_by(street, 1, ELECTION[0], START)
    services.signature_index(petition=petition)
    services.signature_index(petition=petition)
    assert TextSignature.objects.count() == 1
    assert TextBand.objects.count() == KEYS


def test_the_rebuild_command_indexes_every_existing_case_in_chunks(street: Any) -> None:
    cases = [petition_by(street, i, ELECTION[i], START) for i in range(5)]
    TextBand.objects.all().delete()
    TextSignature.objects.all().delete()
    call_command("rebuild_similarity_index", chunk=2)
    assert set(TextSignature.objects.values_list("petition_id", flat=True)) == {p.pk for p in cases}
    assert TextBand.objects.count() == 5 * KEYS
    call_command("rebuild_similarity_index")
    assert TextSignature.objects.count() == 5


def test_the_rebuild_of_the_missing_indexes_only_the_cases_the_index_lacks(street: Any) -> None:
    cases = [petition_by(street, i, ELECTION[i], START) for i in range(3)]
    for petition in cases[1:]:
        services.signature_index(petition=petition)
    kept = TextSignature.objects.get(petition=cases[1]).pk
    out = StringIO()
    call_command("rebuild_similarity_index", missing=True, stdout=out)
    assert out.getvalue().strip() == "indexed 1 cases"
    assert TextSignature.objects.count() == 3
    assert TextSignature.objects.filter(petition=cases[0]).exists()
    assert TextSignature.objects.get(petition=cases[1]).pk == kept  # left as it was


def test_a_similar_lookup_takes_four_queries_however_many_cases_it_finds(
    street: Any, django_assert_num_queries: Any
) -> None:
    cases = [petition_by(street, i, ELECTION[i], START) for i in range(6)]
    for petition in cases:
        services.signature_index(petition=petition)
    # Its signature, the unit tree, the candidates with their signatures (scoped to the
    # visible cases), the cases.
    with django_assert_num_queries(4):
        found = selectors.similar_petitions(street.registrar, cases[0], limit=10)
    assert {s.petition.pk for s in found} == {p.pk for p in cases[1:]}


def test_each_band_offers_only_its_newest_cases(street: Any, monkeypatch: Any) -> None:
    cases = [petition_by(street, i, ELECTION[0], START) for i in range(6)]
    for petition in cases:
        services.signature_index(petition=petition)
    monkeypatch.setattr(selectors, "BAND_CAP", 2)
    found = selectors.similar_petitions(street.registrar, cases[0], limit=10)
    assert [s.petition.pk for s in found] == [cases[5].pk, cases[4].pk]
    # The newest case's newest others are the two before it, not itself.
    found = selectors.similar_petitions(street.registrar, cases[5], limit=10)
    assert [s.petition.pk for s in found] == [cases[4].pk, cases[3].pk]


def test_the_cap_counts_only_the_cases_the_user_may_see(street: Any, monkeypatch: Any) -> None:
    target, mine, theirs = (petition_by(street, i, ELECTION[0], START) for i in range(3))
    for petition, unit in (
        (target, street.lakeside),
        (mine, street.lakeside),
        (theirs, street.yashiyuan),
    ):
        act(petition, street.registrar, Action.ACCEPT, {"handling_unit": unit.pk})
        petition.refresh_from_db()
        services.signature_index(petition=petition)
    monkeypatch.setattr(selectors, "BAND_CAP", 1)
    # The newest case of every band is hidden from the handler: the older one they may see
    # takes its place.
    found = selectors.similar_petitions(street.handler, target, limit=10)
    assert [s.petition.pk for s in found] == [mine.pk]
    found = selectors.similar_petitions(street.registrar, target, limit=10)
    assert [s.petition.pk for s in found] == [theirs.pk]


def test_a_user_who_sees_every_case_finds_them_all(street: Any) -> None:
    cases = [petition_by(street, i, ELECTION[0], START) for i in range(3)]
    for petition in cases:
        services.signature_index(petition=petition)
    found = selectors.similar_petitions(street.auditor, cases[0], limit=10)
    assert {s.petition.pk for s in found} == {cases[1].pk, cases[2].pk}


def test_a_user_who_sees_no_case_finds_none(street: Any) -> None:
    cases = [petition_by(street, i, ELECTION[i], START) for i in range(3)]
    for petition in cases:
        services.signature_index(petition=petition)
    nobody = UserFactory(username="unitless", role="registrar", unit=None)
    assert selectors.similar_petitions(nobody, cases[0], limit=10) == []
