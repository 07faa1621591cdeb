"""The forms' field rules, which the pages and the API share: text, bounds, persons, version."""

import datetime as dt
from typing import Any

import pytest

from xinfang.petitions.forms import (
    ACTION_FORMS,
    IntakeForm,
    PersonForm,
    PersonFormSet,
    SearchForm,
    SuperviseForm,
)
from xinfang.petitions.workflow import Action

NUL = "不能包含空字符（NUL），请删除后重新填写。"
SURROGATE = "含有无法识别的字符（不成对的代理码位），请删除后重新填写。"
DATES = "日期应在1900-01-01至2100-12-31之间。"


def _errors(form: Any) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: [str(m) for m in errors] for name, errors in form.errors.items()}


def _intake(street: Any, **data: Any) -> IntakeForm:
    base = {"channel": "visit", "title": "噪音扰民", "content": "夜间施工", "head_count": 1}
    return IntakeForm(data=base | data, user=street.registrar)


@pytest.mark.parametrize(("text", "message"), [("张\x00三", NUL), ("张\ud800三", SURROGATE)])
def test_a_name_with_a_nul_or_a_lone_surrogate_gets_one_chinese_message(
    text: str, message: str
) -> None:
    assert _errors(PersonForm(data={"name": text})) == {"name": [message]}


def test_every_text_of_the_intake_form_refuses_a_lone_surrogate(street: Any) -> None:
    form = _intake(street, title="\ud800", content="\udfff", address="\ud83d")
    errors = _errors(form)
    assert errors == {"title": [SURROGATE], "content": [SURROGATE], "address": [SURROGATE]}


def test_a_pair_of_surrogates_is_an_ordinary_character(street: Any) -> None:
    # "😀" is one character in Python; only a half of such a pair is refused.
    assert _intake(street, title="噪音扰民😀").is_valid()


def test_a_name_longer_than_its_column_is_refused() -> None:
    assert "50" in _errors(PersonForm(data={"name": "张" * 51}))["name"][0]


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_outside_1900_to_2100_are_refused(street: Any, day: str) -> None:
    assert _errors(_intake(street, origin_deadline=day)) == {"origin_deadline": [DATES]}
    supervise = SuperviseForm(data={"version": 1, "due": day, "note": "督办"})
    assert _errors(supervise) == {"due": [DATES]}


def test_the_edges_of_the_date_range_are_taken(street: Any) -> None:
    for day in (dt.date(1900, 1, 1), dt.date(2100, 12, 31)):
        assert _intake(street, origin_deadline=day).is_valid()


def test_accused_unit_and_community_must_lie_within_the_registrars_units(street: Any) -> None:
    errors = _errors(_intake(street, accused_unit=street.district.pk, community=street.street.pk))
    assert errors == {
        "accused_unit": ["被反映单位不存在或不在本单位管辖范围内。"],
        "community": ["社区不存在或不在本单位管辖范围内。"],
    }
    assert _intake(street, accused_unit=street.lakeside.pk, community=street.lakeside.pk).is_valid()


@pytest.mark.parametrize("value", [2**63, -1, 0, "abc"])
def test_a_unit_id_out_of_range_is_an_invalid_choice_not_a_lookup(street: Any, value: Any) -> None:
    assert list(_errors(_intake(street, accused_unit=value))) == ["accused_unit"]


def test_more_than_five_persons_are_refused_with_the_rule(street: Any) -> None:
    data = {"person-TOTAL_FORMS": 6, "person-INITIAL_FORMS": 0}
    data |= {f"person-{i}-name": f"代表{i}" for i in range(6)}
    formset = PersonFormSet(data=data, prefix="person")
    assert not formset.is_valid()
    assert formset.non_form_errors() == ["信访人不得超过5人（集体访填写推选的代表，不得超过5人）。"]


def test_the_formset_gives_the_persons_entered_and_skips_blank_rows() -> None:
    data = {"person-TOTAL_FORMS": 2, "person-INITIAL_FORMS": 0, "person-0-name": "张三"}
    formset = PersonFormSet(data=data, prefix="person")
    assert formset.is_valid()
    assert [p.name for p in formset.people()] == ["张三"]


@pytest.mark.parametrize("action", list(Action))
def test_every_action_form_requires_the_version(action: Action) -> None:
    form = ACTION_FORMS[action](data={})
    assert _errors(form)["version"] == ["请提交读取事项时得到的版本号（version）。"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("page", 10_001), ("page", 0), ("category", 2**63), ("unit", 0), ("q", "\x00")],
)
def test_search_refuses_out_of_bounds_values(field: str, value: Any) -> None:
    assert list(_errors(SearchForm(data={field: value}))) == [field]


def test_search_status_is_a_status_or_open() -> None:
    assert SearchForm(data={"status": "open"}).is_valid()
    assert SearchForm(data={"status": "handling"}).is_valid()
    assert list(_errors(SearchForm(data={"status": "lost"}))) == ["status"]


@pytest.mark.django_db
def test_each_intake_form_lists_the_categories_as_they_are_now(
    street: Any, django_assert_num_queries: Any
) -> None:
    from xinfang.petitions.models import Category

    parent = Category.objects.filter(parent__isnull=True).first()
    first = IntakeForm(user=street.registrar)
    names = [str(label) for _value, label in first.fields["category"].choices]
    Category.objects.create(name="新设的分类", parent=parent)
    # The copy of the class's field lists its own queryset: not the first form's rows.
    second = IntakeForm(user=street.registrar)
    assert "新设的分类" not in " ".join(names)
    assert "新设的分类" in " ".join(str(label) for _v, label in second.fields["category"].choices)
    # A valid POST reads none of the choice lists.
    with django_assert_num_queries(0):
        form = _intake(street)
        assert form.is_valid(), form.errors
