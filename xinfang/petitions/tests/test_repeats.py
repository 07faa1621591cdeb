import datetime as dt
from typing import Any

import pytest

from xinfang.common.errors import ValidationFailed
from xinfang.petitions.forms import CaseNumberField
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.repeats import similar_titles
from xinfang.petitions.tests.factories import register, travel

pytestmark = pytest.mark.django_db

PERSON = PetitionerData(name="王五", phone="13700000007")


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("小区噪声扰民", "小区噪声扰民", True),
        ("小区噪声扰民", "小区夜间噪声扰民", True),
        ("湖滨花园业委会换届不规范", "湖滨花园业委会换届选举不规范", True),
        ("小区噪声扰民", "楼道堆放杂物", False),
        ("事项", "事项反映", False),
        ("", "小区噪声扰民", False),
    ],
)
def test_titles_are_alike_when_they_share_half_their_two_character_windows(
    a: str, b: str, alike: bool
) -> None:
    assert similar_titles(a, b) is alike


def _again(street: Any, **overrides: Any) -> Any:
    return register(street.registrar, **{"petitioners": [PERSON], "not_repeat": False, **overrides})


def test_the_same_person_with_a_similar_title_within_30_days_is_refused_as_first_time(
    street: Any,
) -> None:
    first = _again(street, title="小区夜间噪声扰民")
    with pytest.raises(ValidationFailed) as refused:
        _again(street, title="小区噪声扰民")
    assert refused.value.field == "repeat_of"
    assert first.number in refused.value.message


def test_linked_as_a_repeat_or_confirmed_as_new_it_is_registered(street: Any) -> None:
    first = _again(street, title="小区噪声扰民")
    repeat = _again(street, title="小区噪声扰民", repeat_of_id=first.pk)
    assert repeat.repeat_of == first and not repeat.is_first_time
    new = _again(street, title="小区噪声扰民", not_repeat=True)
    assert new.is_first_time


def test_another_matter_or_a_month_later_is_not_a_likely_repeat(street: Any) -> None:
    day = dt.date(2026, 11, 2)
    with travel(day):
        _again(street, title="小区噪声扰民")
        assert _again(street, title="楼道堆放杂物影响通行").is_first_time
    with travel(day + dt.timedelta(days=31)):
        assert _again(street, title="小区噪声扰民").is_first_time


def test_a_new_person_is_never_a_likely_repeat(street: Any) -> None:
    _again(street, title="小区噪声扰民")
    other = PetitionerData(name="赵六", phone="13600000006")
    assert register(
        street.registrar, petitioners=[other], title="小区噪声扰民", not_repeat=False
    ).is_first_time


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [("XF2026-0000302", 302), ("xf2026-0000302 ", 302), ("0000302", 302), (302, 302), ("", None)],
)
def test_the_repeat_field_takes_the_case_number_as_people_know_it(typed: Any, cleaned: Any) -> None:
    assert CaseNumberField(required=False).clean(typed) == cleaned


@pytest.mark.parametrize("typed", ["XF26-302", "XF2026-", "abc", "XF2026-0000302-1", "0"])
def test_a_malformed_case_number_is_refused_in_words(typed: str) -> None:
    with pytest.raises(Exception, match=r"XF2026-0000302|1"):
        CaseNumberField(required=False).clean(typed)
