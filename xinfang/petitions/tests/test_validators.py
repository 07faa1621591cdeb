"""Resident ID numbers (GB 11643) and mainland phone numbers."""

import pytest
from django.core.exceptions import ValidationError

from xinfang.petitions.validators import (
    id_check_digit,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

# Hangzhou Xihu district, born 12 March 1985; the sequence decides the check character.
FIRST17_X = "33010619850312001"
FIRST17_DIGIT = "33010619850312002"


def _id(first17: str) -> str:
    return first17 + id_check_digit(first17)


def _code(value: str, validator: object) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)  # type: ignore[operator]
    return str(excinfo.value.code)


def test_check_digit_can_be_x_or_a_digit() -> None:
    assert id_check_digit(FIRST17_X) == "X"
    assert id_check_digit(FIRST17_DIGIT).isdigit()


def test_published_sample_id_number_is_valid() -> None:
    validate_id_number("11010519491231002X")


@pytest.mark.parametrize("first17", [FIRST17_X, FIRST17_DIGIT])
def test_id_number_with_its_computed_check_character_is_valid(first17: str) -> None:
    validate_id_number(_id(first17))


def test_lower_case_x_and_surrounding_spaces_are_accepted() -> None:
    validate_id_number(f" {_id(FIRST17_X).lower()} ")


@pytest.mark.parametrize(
    "value",
    [
        _id(FIRST17_DIGIT)[:-1],  # 17 characters
        _id(FIRST17_DIGIT) + "1",  # 19 characters
        "33010619850312X019",  # X not at the end
        "3301061985031200A1",  # a letter other than X
        "",
    ],
)
def test_id_number_of_wrong_shape_is_refused(value: str) -> None:
    assert _code(value, validate_id_number) == "id_format"


@pytest.mark.parametrize("birth", ["19850230", "19851301", "19850000"])
def test_id_number_with_an_impossible_birth_date_is_refused(birth: str) -> None:
    # The check character is right, so only the date can be what is wrong.
    assert _code(_id(f"330106{birth}001"), validate_id_number) == "id_birth"


def test_id_number_with_a_wrong_check_character_is_refused() -> None:
    good = _id(FIRST17_DIGIT)
    wrong = "0" if good[-1] != "0" else "1"
    assert _code(good[:-1] + wrong, validate_id_number) == "id_check"
    assert _code("110105194912310021", validate_id_number) == "id_check"


@pytest.mark.parametrize(
    "value",
    [
        "13800138000",
        "19912345678",
        "0571-87654321",
        "057187654321",
        "010-1234567",
        "(0571)87654321",
        "+8613800138000",
        "+86 138 0013 8000",
    ],
)
def test_mainland_mobile_and_landline_numbers_are_accepted(value: str) -> None:
    validate_phone(value)


@pytest.mark.parametrize(
    "value",
    [
        "12345678901",  # no mobile network starts 12
        "1380013800",  # ten digits
        "138001380001",  # twelve digits
        "87654321",  # landline without area code
        "571-87654321",  # area code without the leading 0
        "0571-123456",  # local number too short
        "+1 415 555 0100",
        "电话13800138000",
    ],
)
def test_other_phone_numbers_are_refused(value: str) -> None:
    assert _code(value, validate_phone) == "phone"


def test_phone_is_normalised_without_country_code_and_spaces() -> None:
    assert normalize_phone("+86 138 0013 8000") == "13800138000"
    assert normalize_phone("(0571) 8765 4321") == "057187654321"
