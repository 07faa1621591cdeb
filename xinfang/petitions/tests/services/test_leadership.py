"""Leader-owned cases (领导包案): taking charge, instructions (批示), and their refusals."""

from typing import Any

import pytest
from django.core import mail

from xinfang.common.errors import PermissionDenied, ValidationFailed
from xinfang.organization.tests.factories import UserFactory
from xinfang.petitions import leaders, selectors, services
from xinfang.petitions.models import Category, Petition, PetitionEvent
from xinfang.petitions.tests.factories import REPLY, accepted, act, drive, register
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db
A = Action


def _charge(petition: Petition, street: Any, leader: Any, by: str = "leader") -> Petition:
    return act(petition, getattr(street, by), A.TAKE_CHARGE, {"leader": leader.pk})


def _queue(user: Any, key: str) -> list[str]:
    found = [q for q in selectors.workbench_for_user(user).queues if q.key == key]
    return [i.petition.number for q in found for i in q.items]


def test_a_leader_takes_charge_and_the_timeline_names_them(street: Any) -> None:
    petition = _charge(accepted(street), street, street.leader)
    assert petition.responsible_leader == street.leader
    event = PetitionEvent.objects.filter(petition=petition).last()
    assert event is not None and event.action == A.TAKE_CHARGE
    assert event.details["leader"] == str(street.leader)
    assert petition.number in _queue(street.leader, "leader_owned")


def test_the_office_records_the_leader_the_leading_group_put_in_charge(street: Any) -> None:
    petition = _charge(accepted(street), street, street.leader, by="registrar")
    assert petition.responsible_leader == street.leader
    event = PetitionEvent.objects.filter(petition=petition).last()
    assert event is not None and event.actor == street.registrar


def test_a_change_of_leader_keeps_who_held_it_before(street: Any) -> None:
    petition = _charge(accepted(street), street, street.leader)
    petition = _charge(petition, street, street.community_leader)
    event = PetitionEvent.objects.filter(petition=petition).last()
    assert event is not None
    assert (event.details["leader"], event.details["previous"]) == (
        str(street.community_leader),
        str(street.leader),
    )


@pytest.mark.parametrize(
    ("who", "why"),
    [
        ("handler", "not a leader's role"),
        ("other_leader", "a leader of another community, below neither unit of the case"),
        ("leader", "already the case's leader"),
    ],
)
def test_a_leader_who_may_not_hold_the_case_is_refused(street: Any, who: str, why: str) -> None:
    petition = accepted(street)  # registered at the street, handled by Lakeside Garden
    if who == "leader":
        petition = _charge(petition, street, street.leader)
    leader = (
        UserFactory(username="yleader", role="unit_leader", unit=street.yashiyuan)
        if who == "other_leader"
        else getattr(street, who)
    )
    before = Petition.objects.get(pk=petition.pk).responsible_leader_id
    with pytest.raises(ValidationFailed) as refused:
        _charge(petition, street, leader)
    assert refused.value.field == "leader", why
    assert Petition.objects.get(pk=petition.pk).responsible_leader_id == before


def test_the_accused_units_leader_may_not_hold_an_accusation_against_it(street: Any) -> None:
    # An accusation against the street itself, still to be routed (it will be forwarded).
    petition = register(
        street.registrar,
        category_id=Category.objects.get(name="干部作风").pk,
        accused="XX街道办事处",
        accused_unit_id=street.street.pk,
    )
    with pytest.raises(ValidationFailed, match="第四十六条"):
        _charge(petition, street, street.leader)
    assert Petition.objects.get(pk=petition.pk).responsible_leader_id is None


def test_a_handler_may_neither_take_charge_nor_instruct(street: Any) -> None:
    petition = accepted(street)
    with pytest.raises(PermissionDenied):
        act(petition, street.handler, A.TAKE_CHARGE, {"leader": street.leader.pk})
    with pytest.raises(PermissionDenied):
        act(petition, street.handler, A.INSTRUCT, {"note": "请尽快办理"})


def test_an_instruction_waits_in_the_units_queue_until_its_next_step(street: Any) -> None:
    petition = _charge(accepted(street), street, street.leader)
    assert petition.number not in _queue(street.handler, "instructions")
    petition = act(petition, street.leader, A.INSTRUCT, {"note": "请三日内上门核实并反馈。"})
    assert petition.instruction_pending_since is not None
    event = PetitionEvent.objects.filter(petition=petition).last()
    assert event is not None and event.note == "请三日内上门核实并反馈。"
    assert petition.number in _queue(street.handler, "instructions")
    assert petition.number in _queue(street.community_leader, "instructions")
    petition = act(petition, street.handler, A.RECORD_HANDLING, {"note": "已上门核实。"})
    assert petition.instruction_pending_since is None
    assert petition.number not in _queue(street.handler, "instructions")


def test_a_reply_also_answers_the_instruction(street: Any) -> None:
    petition = act(accepted(street), street.leader, A.INSTRUCT, {"note": "依法答复。"})
    petition = drive(petition, street, (A.REPLY, REPLY, "handler"))
    assert petition.instruction_pending_since is None


def test_an_empty_instruction_is_refused(street: Any) -> None:
    with pytest.raises(ValidationFailed, match="批示内容"):
        act(accepted(street), street.leader, A.INSTRUCT, {"note": "  "})


def test_the_handler_is_mailed_the_instruction_once_it_commits_without_the_petitioner(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    street.handler.email = "handler@example.org"
    street.handler.save()
    petition = act(accepted(street), street.handler, A.RECORD_HANDLING, {"note": "已接手。"})
    with django_capture_on_commit_callbacks(execute=True):
        act(petition, street.leader, A.INSTRUCT, {"note": "请三日内上门核实。"})
    [message] = mail.outbox
    assert message.to == ["handler@example.org"]
    assert petition.number in message.subject and "请三日内上门核实。" in message.body
    assert "张三" not in message.body and "13800000001" not in message.body


def test_another_app_makes_a_leader_the_cases_leader_without_a_version(street: Any) -> None:
    petition = accepted(street)
    petition = services.petition_take_charge(
        petition=petition, leader=street.leader, by=street.registrar, note="接访时包案"
    )
    assert petition.responsible_leader == street.leader
    with pytest.raises(PermissionDenied):
        services.petition_take_charge(
            petition=petition, leader=street.community_leader, by=street.handler
        )


def test_a_leaders_figures_count_their_cases_and_the_solved_among_those_concluded(
    street: Any,
) -> None:
    owned = [_charge(accepted(street), street, street.leader) for _ in range(3)]
    drive(
        owned[0], street, (A.REPLY, REPLY, "handler"), (A.FOLLOW_UP, {"solved": True}, "registrar")
    )
    drive(
        owned[1], street, (A.REPLY, REPLY, "handler"), (A.FOLLOW_UP, {"solved": False}, "registrar")
    )
    accepted(street)  # nobody's
    figures = leaders.leader_figures(street.leader, owned[0].registered_at.date())
    assert (figures.owned, figures.open, figures.concluded, figures.solved) == (3, 1, 2, 1)
    assert figures.solved_rate == 0.5
    assert leaders.leader_case_page(street.leader).first().pk == owned[2].pk  # open first
