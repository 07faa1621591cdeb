"""Who sees which case: selectors' scoping, identical NotFound, Art. 46, query counts."""

from typing import Any

import pytest

from xinfang.common.errors import NotFound, PermissionDenied
from xinfang.petitions import access, selectors, services
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.selectors import PetitionFilters
from xinfang.petitions.tests.factories import accepted, act, register
from xinfang.petitions.workflow import Action, Status

MISSING_PK = 999_999


@pytest.fixture
def cases(street: Any) -> dict[str, Petition]:
    """Return a case assigned to each community and one still waiting to be routed."""
    return {
        "lakeside": accepted(street, title="湖滨花园业委会换届"),
        "yashiyuan": accepted(
            street,
            unit="yashiyuan",
            title="雅仕苑业主与开发商纠纷",
            petitioners=[PetitionerData(name="赵六", phone="13700000006")],
        ),
        "registered": register(street.registrar, title="城中村改造补偿"),
    }


def _not_found_message(call: Any) -> str:
    with pytest.raises(NotFound) as excinfo:
        call()
    return excinfo.value.message


# ---------------------------------------------------------------- a community handler


def test_community_handler_lists_only_the_cases_of_their_community(
    street: Any, cases: dict[str, Petition]
) -> None:
    visible = set(selectors.petitions_for_user(street.handler))
    assert visible == {cases["lakeside"]}


def test_a_case_of_another_community_is_not_found_just_like_a_missing_one(
    street: Any, cases: dict[str, Petition]
) -> None:
    other = _not_found_message(
        lambda: access.access_petition(street.handler, cases["yashiyuan"].pk)
    )
    missing = _not_found_message(lambda: access.access_petition(street.handler, MISSING_PK))
    assert other == missing
    assert access.access_petition(street.handler, cases["lakeside"].pk) == cases["lakeside"]


def test_search_does_not_find_a_case_of_another_community(
    street: Any, cases: dict[str, Petition]
) -> None:
    hidden = cases["yashiyuan"]
    assert list(selectors.petition_search(street.handler, PetitionFilters())) == [cases["lakeside"]]
    for q in ("雅仕苑", hidden.number):
        assert not selectors.petition_search(street.handler, PetitionFilters(q=q)).exists()
    assert list(selectors.petition_search(street.other_handler, PetitionFilters(q=hidden.number)))


def test_workbench_counts_only_the_handlers_own_community(
    street: Any, cases: dict[str, Petition]
) -> None:
    bench = selectors.workbench_for_user(street.handler)
    assert bench.status_counts == {Status.HANDLING: 1}
    shown = [i.petition for q in bench.queues for i in q.items]
    assert shown and set(shown) == {cases["lakeside"]}


def test_petitioner_of_another_community_is_not_found(
    street: Any, cases: dict[str, Petition]
) -> None:
    person = cases["yashiyuan"].petitioner
    assert person is not None
    other = _not_found_message(lambda: access.access_petitioner(street.handler, person.pk))
    missing = _not_found_message(lambda: access.access_petitioner(street.handler, MISSING_PK))
    assert other == missing
    assert access.access_petitioner(street.other_handler, person.pk) == person
    assert not selectors.petitioner_history(street.handler, person).exists()


def test_handler_cannot_act_on_or_attach_to_a_case_of_another_community(
    street: Any, cases: dict[str, Petition]
) -> None:
    with pytest.raises(NotFound):
        act(cases["yashiyuan"], street.handler, Action.RECORD_HANDLING, {"note": "越权"})
    with pytest.raises(NotFound):
        services.petition_attach(actor=street.handler, petition_id=cases["yashiyuan"].pk, files=[])


def test_department_handler_sees_nothing_not_assigned_to_the_department(
    street: Any, cases: dict[str, Petition]
) -> None:
    assert not selectors.petitions_for_user(street.renovation_handler).exists()


# ---------------------------------------------------------------- the office and above


def test_street_registrar_sees_every_case_of_the_street(
    street: Any, cases: dict[str, Petition]
) -> None:
    assert set(selectors.petitions_for_user(street.registrar)) == set(cases.values())
    bench = selectors.workbench_for_user(street.registrar)
    assert bench.status_counts == {Status.HANDLING: 2, Status.REGISTERED: 1}
    to_route = bench.queue("to_route")
    assert to_route is not None and [i.petition for i in to_route.items] == [cases["registered"]]


def test_auditor_sees_every_case_but_may_do_nothing(
    street: Any, cases: dict[str, Petition]
) -> None:
    assert set(selectors.petitions_for_user(street.auditor)) == set(cases.values())
    for petition in cases.values():
        assert access.allowed_actions(street.auditor, petition) == []
    with pytest.raises(PermissionDenied):
        act(cases["registered"], street.auditor, Action.NOT_ACCEPT, {"reason": "审计不能操作"})
    with pytest.raises(PermissionDenied):
        services.petition_attach(actor=street.auditor, petition_id=cases["lakeside"].pk, files=[])


def test_allowed_actions_reflect_the_users_side_of_the_case(
    street: Any, cases: dict[str, Petition]
) -> None:
    lakeside = cases["lakeside"]
    assert Action.REPLY in access.allowed_actions(street.handler, lakeside)
    # The office routes no more; it may supervise and record the leader who takes charge.
    assert access.allowed_actions(street.registrar, lakeside) == [
        Action.SUPERVISE,
        Action.TAKE_CHARGE,
    ]
    assert Action.SUPERVISE not in access.allowed_actions(street.community_leader, lakeside)


# ---------------------------------------------------------------- Art. 46 and personal data


@pytest.fixture
def accusation(street: Any) -> Petition:
    """Return an accusation against the Lakeside Garden committee, handled by Yashiyuan."""
    return accepted(
        street,
        unit="yashiyuan",
        category_id=Category.objects.get(name="干部作风").pk,
        accused="湖滨花园社区居委会",
        accused_unit_id=street.lakeside.pk,
    )


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("handler", False),
        ("community_leader", False),
        ("other_handler", True),
        ("registrar", True),
        ("leader", True),
    ],
)
def test_nobody_inside_the_accused_unit_sees_the_accusers_identity(
    street: Any, accusation: Petition, who: str, sees: bool
) -> None:
    assert access.can_see_identity(getattr(street, who), accusation) is sees


def test_identity_is_visible_when_no_unit_is_accused(
    street: Any, cases: dict[str, Petition]
) -> None:
    assert access.can_see_identity(street.handler, cases["lakeside"]) is True


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("registrar", True),
        ("handler", False),
        ("community_leader", True),
        ("leader", True),
        ("auditor", False),
        ("admin", True),
    ],
)
def test_personal_data_is_shown_in_full_to_some_roles_only(
    street: Any, who: str, sees: bool
) -> None:
    assert access.sees_personal_data(getattr(street, who)) is sees


def test_a_leader_inside_the_accused_unit_does_not_see_personal_data(
    street: Any, accusation: Petition
) -> None:
    assert access.sees_personal_data(street.community_leader) is True
    assert access.disclosure(street.community_leader, accusation).personal is False
    assert access.disclosure(street.registrar, accusation).personal is True


# ---------------------------------------------------------------- query counts


@pytest.fixture
def many_cases(street: Any) -> None:
    """Register 25 cases, assigning every other one to Lakeside Garden."""
    for i in range(25):
        if i % 2:
            accepted(street, title=f"事项{i}")
        else:
            register(street.registrar, title=f"事项{i}")


def test_a_search_page_of_twenty_takes_one_query(
    street: Any, many_cases: None, django_assert_num_queries: Any
) -> None:
    # The page with its unit: the user's subtree comes from the unit tree kept in memory.
    with django_assert_num_queries(1):
        page = list(selectors.petition_search(street.registrar, PetitionFilters())[:20])
        shown = [(p.number, p.title, p.status, p.handling_unit, p.due_date) for p in page]
    assert len(shown) == 20


def test_the_workbench_takes_a_query_a_queue_and_a_count_a_full_one(
    street: Any, many_cases: None, django_assert_num_queries: Any
) -> None:
    for user, n in ((street.registrar, 10), (street.handler, 8)):
        # (The subtree from the unit tree kept in memory.) Counts by status, the overdue
        # tile, then each queue (the user's 包案 among them; the handler's leaders'
        # instructions) and, when the queue is cut at its limit, its count.
        with django_assert_num_queries(n):
            bench = selectors.workbench_for_user(user)
            shown = [
                (i.petition.number, i.petition.title, i.petition.handling_unit, i.due)
                for q in bench.queues
                for i in q.items
            ]
        assert shown
