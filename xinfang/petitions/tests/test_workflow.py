"""The workflow tables: every (status, action) pair, who may act from which side, labels."""

import itertools

import pytest

from xinfang.petitions import workflow
from xinfang.petitions.workflow import (
    ACTION_LABELS,
    ACTION_ROLES,
    ACTION_SIDE,
    PUBLIC_LABELS,
    STATUS_LABELS,
    TERMINAL_STATUSES,
    TRANSITIONS,
    Action,
    Side,
    Status,
    TransitionNotAllowed,
)

ALL_ROLES = ("registrar", "handler", "unit_leader", "leading_group", "auditor", "admin")
BOTH_SIDES = (Side.OFFICE, Side.UNIT)


@pytest.mark.parametrize(("status", "action"), list(itertools.product(Status, Action)))
def test_next_status_follows_the_table_for_every_status_and_action(
    status: Status, action: Action
) -> None:
    if (status, action) in TRANSITIONS:
        assert workflow.next_status(status, action) == TRANSITIONS[(status, action)]
        assert action in workflow.actions_from(status)
    else:
        with pytest.raises(TransitionNotAllowed):
            workflow.next_status(status, action)
        assert action not in workflow.actions_from(status)


def test_every_target_of_the_table_is_a_status() -> None:
    assert all(isinstance(target, Status) for target in TRANSITIONS.values())


def test_routing_a_registered_case_offers_accept_forward_not_accept_merge_and_supervise() -> None:
    assert workflow.actions_from(Status.REGISTERED) == [
        Action.ACCEPT,
        Action.FORWARD,
        Action.NOT_ACCEPT,
        Action.MERGE,
        Action.SUPERVISE,
    ]


def test_handler_on_the_unit_side_handles_and_replies_a_case_in_handling() -> None:
    actions = workflow.available_actions(Status.HANDLING, "handler", {Side.UNIT})
    assert actions == [
        Action.OBJECT,
        Action.RECORD_HANDLING,
        Action.REQUEST_EXTENSION,
        Action.START_HEARING,
        Action.REPLY,
    ]


def test_handler_on_the_office_side_only_has_nothing_to_do_in_handling() -> None:
    assert workflow.available_actions(Status.HANDLING, "handler", {Side.OFFICE}) == []


def test_handler_outside_both_sides_has_nothing_to_do() -> None:
    assert workflow.available_actions(Status.HANDLING, "handler", set()) == []


def test_registrar_on_the_office_side_routes_but_cannot_reply() -> None:
    routing = workflow.available_actions(Status.REGISTERED, "registrar", {Side.OFFICE})
    assert Action.ACCEPT in routing
    handling = workflow.available_actions(Status.HANDLING, "registrar", BOTH_SIDES)
    assert handling == [Action.SUPERVISE]


def test_only_leaders_of_the_unit_decide_an_extension() -> None:
    for role in ALL_ROLES:
        actions = workflow.available_actions(Status.EXTENSION_REQUESTED, role, BOTH_SIDES)
        decides = Action.APPROVE_EXTENSION in actions and Action.REJECT_EXTENSION in actions
        assert decides == (role in {"unit_leader", "leading_group"}), role


def test_unit_leader_supervises_only_from_the_office_side() -> None:
    unit_side = workflow.available_actions(Status.HANDLING, "unit_leader", {Side.UNIT})
    office_side = workflow.available_actions(Status.HANDLING, "unit_leader", {Side.OFFICE})
    assert Action.SUPERVISE not in unit_side
    assert office_side == [Action.SUPERVISE]


@pytest.mark.parametrize("status", list(Status))
def test_auditor_has_no_action_in_any_status(status: Status) -> None:
    assert workflow.available_actions(status, "auditor", BOTH_SIDES) == []


@pytest.mark.parametrize("status", list(Status))
def test_admin_has_every_admin_action_the_status_allows_whatever_the_side(status: Status) -> None:
    expected = [a for a in workflow.actions_from(status) if "admin" in ACTION_ROLES[a]]
    assert workflow.available_actions(status, "admin", set()) == expected
    assert workflow.available_actions(status, "admin", BOTH_SIDES) == expected


def test_admin_routes_and_supervises_but_does_not_do_the_units_handling() -> None:
    # Handling, replying and deciding an extension belong to the handling unit and its head.
    assert workflow.available_actions(Status.REGISTERED, "admin", set()) == (
        workflow.actions_from(Status.REGISTERED)
    )
    assert workflow.available_actions(Status.HANDLING, "admin", set()) == [Action.SUPERVISE]
    assert workflow.available_actions(Status.EXTENSION_REQUESTED, "admin", set()) == [
        Action.SUPERVISE
    ]


@pytest.mark.parametrize("status", list(Status))
def test_available_actions_are_a_subset_of_the_table(status: Status) -> None:
    for role in ALL_ROLES:
        actions = workflow.available_actions(status, role, BOTH_SIDES)
        assert set(actions) <= set(workflow.actions_from(status))


@pytest.mark.parametrize("action", list(Action))
def test_every_action_has_a_label_roles_and_a_side(action: Action) -> None:
    assert str(ACTION_LABELS[action])
    assert action.label == str(ACTION_LABELS[action])
    assert ACTION_ROLES[action]
    assert set(ACTION_ROLES[action]) <= set(ALL_ROLES)
    assert ACTION_SIDE[action] in set(Side)


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_a_label_and_a_public_label(status: Status) -> None:
    assert status.label == str(STATUS_LABELS[status])
    assert status.label
    assert str(PUBLIC_LABELS[status])


def test_no_role_may_take_an_action_the_auditor_could() -> None:
    assert not any("auditor" in roles for roles in ACTION_ROLES.values())


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES))
def test_terminal_status_has_no_outgoing_action(status: Status) -> None:
    assert workflow.actions_from(status) == []


def test_final_is_reached_only_by_answering_a_rereview() -> None:
    into_final = [key for key, target in TRANSITIONS.items() if target == Status.FINAL]
    assert into_final == [(Status.UNDER_REREVIEW, Action.ANSWER_REREVIEW)]


@pytest.mark.parametrize("status", sorted(workflow.OPEN_STATUSES))
def test_supervision_leaves_an_open_case_in_its_status(status: Status) -> None:
    assert workflow.next_status(status, Action.SUPERVISE) == status
