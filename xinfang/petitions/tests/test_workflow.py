"""The workflow: every (status, action) pair, who may act from which side, guards, labels.

The expected edges are written out here, not read from the table under test.
"""

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

import pytest

from xinfang.petitions import actions as workflow
from xinfang.petitions.actions import ACTIONS, TRANSITIONS, TransitionNotAllowed
from xinfang.petitions.forms import ACTION_FORMS
from xinfang.petitions.limits import DEFAULT_LIMITS
from xinfang.petitions.workflow import (
    ACTION_LABELS,
    OPEN_STATUSES,
    PUBLIC_LABELS,
    STATUS_LABELS,
    TERMINAL_STATUSES,
    Action,
    Side,
    Status,
)

S, A = Status, Action
ALL_ROLES = ("registrar", "handler", "unit_leader", "leading_group", "auditor", "admin")
# The petitioner acting through the portal (actions.PETITIONER), not a staff role.
PETITIONER = workflow.PETITIONER
BOTH_SIDES = (Side.OFFICE, Side.UNIT)
TODAY = dt.date(2026, 6, 1)

# The lifecycle of the Regulations, edge by edge (supervision, on every open status, below).
EXPECTED_EDGES = (
    {
        (S.REGISTERED, A.ACCEPT): S.HANDLING,
        (S.REGISTERED, A.FORWARD): S.FORWARDED,
        (S.REGISTERED, A.NOT_ACCEPT): S.NOT_ACCEPTED,
        (S.REGISTERED, A.MERGE): S.MERGED,
        (S.HANDLING, A.OBJECT): S.OBJECTED,
        (S.OBJECTED, A.REASSIGN): S.HANDLING,
        (S.OBJECTED, A.FORWARD): S.FORWARDED,
        (S.HANDLING, A.RECORD_HANDLING): S.HANDLING,
        (S.HANDLING, A.REQUEST_EXTENSION): S.EXTENSION_REQUESTED,
        (S.EXTENSION_REQUESTED, A.APPROVE_EXTENSION): S.HANDLING,
        (S.EXTENSION_REQUESTED, A.REJECT_EXTENSION): S.HANDLING,
        (S.HANDLING, A.START_HEARING): S.HEARING,
        (S.HEARING, A.RECORD_HANDLING): S.HEARING,
        (S.HEARING, A.END_HEARING): S.HANDLING,
        (S.HANDLING, A.REPLY): S.REPLIED,
        (S.REPLIED, A.EVALUATE): S.EVALUATED,
        (S.REPLIED, A.FOLLOW_UP): S.CLOSED,
        (S.EVALUATED, A.FOLLOW_UP): S.CLOSED,
        (S.REPLIED, A.REQUEST_REVIEW): S.UNDER_REVIEW,
        (S.EVALUATED, A.REQUEST_REVIEW): S.UNDER_REVIEW,
        (S.CLOSED, A.REQUEST_REVIEW): S.UNDER_REVIEW,
        (S.UNDER_REVIEW, A.ANSWER_REVIEW): S.REVIEWED,
        (S.REVIEWED, A.EVALUATE): S.REVIEWED,
        (S.REVIEWED, A.FOLLOW_UP): S.REVIEWED,
        (S.REVIEWED, A.REQUEST_REREVIEW): S.UNDER_REREVIEW,
        (S.UNDER_REREVIEW, A.ANSWER_REREVIEW): S.FINAL,
    }
    | {
        (status, A.SUPERVISE): status
        for status in (
            S.REGISTERED,
            S.HANDLING,
            S.OBJECTED,
            S.EXTENSION_REQUESTED,
            S.HEARING,
            S.UNDER_REVIEW,
            S.UNDER_REREVIEW,
        )
    }
    | {
        # A leader takes charge of (包案) and instructs on a case still to be settled: open,
        # or replied and not yet followed up.
        (status, action): status
        for action in (A.TAKE_CHARGE, A.INSTRUCT)
        for status in (
            S.REGISTERED,
            S.HANDLING,
            S.OBJECTED,
            S.EXTENSION_REQUESTED,
            S.HEARING,
            S.REPLIED,
            S.EVALUATED,
            S.UNDER_REVIEW,
            S.UNDER_REREVIEW,
        )
    }
)


def case(status: Status, **facts: Any) -> SimpleNamespace:
    """Return a case in `status` with nothing that a guard would refuse, unless `facts` say."""
    base = {
        "status": status,
        "extension_days": 0,
        "objection_due": None,
        "is_litigation": False,
        "replied_at": None,
        "review_answered_at": None,
    }
    return SimpleNamespace(**(base | facts))


def available(status: Status, role: str, sides: Any, **facts: Any) -> list[Action]:
    return workflow.available(
        case(status, **facts), role=role, sides=sides, today=TODAY, limits=DEFAULT_LIMITS
    )


@pytest.mark.parametrize(("status", "action"), list(itertools.product(Status, Action)))
def test_next_status_follows_the_lifecycle_for_every_status_and_action(
    status: Status, action: Action
) -> None:
    if (status, action) in EXPECTED_EDGES:
        assert workflow.next_status(status, action) == EXPECTED_EDGES[(status, action)]
        assert action in workflow.actions_from(status)
    else:
        with pytest.raises(TransitionNotAllowed):
            workflow.next_status(status, action)
        assert action not in workflow.actions_from(status)


def test_the_table_has_exactly_the_expected_edges() -> None:
    assert dict(TRANSITIONS) == EXPECTED_EDGES


@pytest.mark.parametrize("action", list(Action))
def test_every_action_is_declared_whole(action: Action) -> None:
    """Moves, roles, side, typed input, effect, and a form that builds that input."""
    spec = ACTIONS[action]
    assert spec.action == action
    assert spec.moves
    assert spec.roles and set(spec.roles) <= {*ALL_ROLES, PETITIONER}
    assert spec.sides and spec.sides <= set(Side)
    assert callable(spec.effect)
    assert ACTION_FORMS[action].input_type is spec.input


# ---------------------------------------------------------------- guards


def test_a_second_extension_is_not_offered() -> None:
    handler = ("handler", {Side.UNIT})
    assert A.REQUEST_EXTENSION in available(S.HANDLING, *handler)
    assert A.REQUEST_EXTENSION not in available(S.HANDLING, *handler, extension_days=10)


def test_an_objection_is_offered_only_within_its_window() -> None:
    handler = ("handler", {Side.UNIT})
    assert A.OBJECT in available(S.HANDLING, *handler, objection_due=TODAY)
    assert A.OBJECT not in available(
        S.HANDLING, *handler, objection_due=TODAY - dt.timedelta(days=1)
    )


def test_a_litigation_type_case_is_not_offered_a_rating() -> None:
    office = ("registrar", {Side.OFFICE})
    assert A.EVALUATE in available(S.REPLIED, *office)
    assert A.EVALUATE not in available(S.REPLIED, *office, is_litigation=True)
    assert A.FOLLOW_UP in available(S.REPLIED, *office, is_litigation=True)


def test_review_and_rereview_are_offered_only_within_30_days() -> None:
    office = ("registrar", {Side.OFFICE})
    recent = dt.datetime(2026, 5, 20, 10, tzinfo=dt.UTC)
    old = dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC)
    assert A.REQUEST_REVIEW in available(S.REPLIED, *office, replied_at=recent)
    assert A.REQUEST_REVIEW not in available(S.REPLIED, *office, replied_at=old)
    assert A.REQUEST_REREVIEW in available(S.REVIEWED, *office, review_answered_at=recent)
    assert A.REQUEST_REREVIEW not in available(S.REVIEWED, *office, review_answered_at=old)


def test_routing_a_registered_case_offers_accept_forward_not_accept_merge_and_supervise() -> None:
    assert workflow.actions_from(Status.REGISTERED) == [
        Action.ACCEPT,
        Action.FORWARD,
        Action.NOT_ACCEPT,
        Action.MERGE,
        Action.SUPERVISE,
        Action.TAKE_CHARGE,
        Action.INSTRUCT,
    ]


def test_handler_on_the_unit_side_handles_and_replies_a_case_in_handling() -> None:
    actions = available(Status.HANDLING, "handler", {Side.UNIT})
    assert actions == [
        Action.OBJECT,
        Action.RECORD_HANDLING,
        Action.REQUEST_EXTENSION,
        Action.START_HEARING,
        Action.REPLY,
    ]


def test_handler_on_the_office_side_only_has_nothing_to_do_in_handling() -> None:
    assert available(Status.HANDLING, "handler", {Side.OFFICE}) == []


def test_handler_outside_both_sides_has_nothing_to_do() -> None:
    assert available(Status.HANDLING, "handler", set()) == []


def test_registrar_on_the_office_side_routes_but_cannot_reply() -> None:
    routing = available(Status.REGISTERED, "registrar", {Side.OFFICE})
    assert Action.ACCEPT in routing
    handling = available(Status.HANDLING, "registrar", BOTH_SIDES)
    # It records the leader the leading group put in charge, but instructs nobody.
    assert handling == [Action.SUPERVISE, Action.TAKE_CHARGE]


def test_only_leaders_of_the_unit_decide_an_extension() -> None:
    for role in ALL_ROLES:
        actions = available(Status.EXTENSION_REQUESTED, role, BOTH_SIDES)
        decides = Action.APPROVE_EXTENSION in actions and Action.REJECT_EXTENSION in actions
        assert decides == (role in {"unit_leader", "leading_group"}), role


def test_unit_leader_supervises_only_from_the_office_side() -> None:
    unit_side = available(Status.HANDLING, "unit_leader", {Side.UNIT})
    office_side = available(Status.HANDLING, "unit_leader", {Side.OFFICE})
    assert Action.SUPERVISE not in unit_side
    assert office_side == [Action.SUPERVISE, Action.TAKE_CHARGE, Action.INSTRUCT]


def test_leaders_take_charge_and_instruct_from_either_side_and_nobody_from_outside() -> None:
    for role in ("unit_leader", "leading_group"):
        for sides in ({Side.OFFICE}, {Side.UNIT}):
            actions = available(Status.HANDLING, role, sides)
            assert {Action.TAKE_CHARGE, Action.INSTRUCT} <= set(actions), (role, sides)
        assert available(Status.HANDLING, role, set()) == []
    assert Action.INSTRUCT not in available(Status.HANDLING, "handler", BOTH_SIDES)
    assert Action.TAKE_CHARGE not in available(Status.HANDLING, "handler", BOTH_SIDES)
    assert available(Status.CLOSED, "leading_group", BOTH_SIDES) == [Action.REQUEST_REVIEW]


@pytest.mark.parametrize("status", list(Status))
def test_auditor_has_no_action_in_any_status(status: Status) -> None:
    assert available(status, "auditor", BOTH_SIDES) == []


@pytest.mark.parametrize("status", list(Status))
def test_admin_has_every_admin_action_the_status_allows_whatever_the_side(status: Status) -> None:
    expected = [a for a in workflow.actions_from(status) if "admin" in ACTIONS[a].roles]
    assert available(status, "admin", set()) == expected
    assert available(status, "admin", BOTH_SIDES) == expected


def test_admin_routes_and_supervises_but_does_not_do_the_units_handling() -> None:
    # Handling, replying and deciding an extension belong to the handling unit and its head.
    routing = [a for a in workflow.actions_from(Status.REGISTERED) if a != Action.INSTRUCT]
    assert available(Status.REGISTERED, "admin", set()) == routing
    # The admin may record the leader in charge, as the office does; only leaders instruct.
    office_steps = [Action.SUPERVISE, Action.TAKE_CHARGE]
    assert available(Status.HANDLING, "admin", set()) == office_steps
    assert available(Status.EXTENSION_REQUESTED, "admin", set()) == office_steps


@pytest.mark.parametrize("status", list(Status))
def test_available_actions_are_a_subset_of_the_table(status: Status) -> None:
    for role in ALL_ROLES:
        actions = available(status, role, BOTH_SIDES)
        assert set(actions) <= set(workflow.actions_from(status))


@pytest.mark.parametrize("action", list(Action))
def test_every_action_has_a_label(action: Action) -> None:
    assert action.label == str(ACTION_LABELS[action])
    assert action.label


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_a_label_and_a_public_label(status: Status) -> None:
    assert status.label == str(STATUS_LABELS[status])
    assert status.label
    assert str(PUBLIC_LABELS[status])


def test_the_petitioner_may_only_rate_and_ask_for_review_whatever_the_side() -> None:
    mine = [a for a in Action if PETITIONER in ACTIONS[a].roles]
    assert mine == [Action.EVALUATE, Action.REQUEST_REVIEW]
    assert available(S.REPLIED, PETITIONER, set()) == [A.EVALUATE, A.REQUEST_REVIEW]
    assert available(S.HANDLING, PETITIONER, set()) == []
    assert available(S.REVIEWED, PETITIONER, set()) == [A.EVALUATE]


def test_the_petitioner_is_held_to_the_same_guards_as_the_office() -> None:
    late = dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC)
    assert A.REQUEST_REVIEW not in available(S.REPLIED, PETITIONER, set(), replied_at=late)
    assert A.EVALUATE not in available(S.REPLIED, PETITIONER, set(), is_litigation=True)


def test_no_role_may_take_an_action_the_auditor_could() -> None:
    assert not any("auditor" in spec.roles for spec in ACTIONS.values())


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES))
def test_terminal_status_has_no_outgoing_action(status: Status) -> None:
    assert workflow.actions_from(status) == []


def test_final_is_reached_only_by_answering_a_rereview() -> None:
    into_final = [key for key, target in TRANSITIONS.items() if target == Status.FINAL]
    assert into_final == [(Status.UNDER_REREVIEW, Action.ANSWER_REREVIEW)]


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES))
def test_supervision_leaves_an_open_case_in_its_status(status: Status) -> None:
    assert workflow.next_status(status, Action.SUPERVISE) == status
