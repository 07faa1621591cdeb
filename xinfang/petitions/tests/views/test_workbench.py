"""Each role's work queues on the workbench: a case joins the right queue at its step and leaves it after."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from xinfang.common import clock
from xinfang.petitions import selectors
from xinfang.petitions.models import TimeLimitRule
from xinfang.petitions.tests.factories import REPLY, accepted, drive, register, replied, travel
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db

A = Action
DAY = dt.date(2026, 3, 2)


def _keys(user: Any) -> list[str]:
    return [q.key for q in selectors.workbench_for_user(user).queues]


def _in(user: Any, key: str, petition: Any) -> bool:
    queue = selectors.workbench_for_user(user).queue(key)
    assert queue is not None, f"{user.role} has no queue {key}"
    return petition.pk in {i.petition.pk for i in queue.items}


def _item(user: Any, key: str, petition: Any) -> selectors.QueueItem:
    queue = selectors.workbench_for_user(user).queue(key)
    assert queue is not None
    return next(i for i in queue.items if i.petition.pk == petition.pk)


def test_each_role_gets_the_queues_of_the_actions_it_takes(street: Any) -> None:
    assert _keys(street.registrar) == [
        "to_route",
        "objections",
        "to_evaluate",
        "to_follow_up",
        "due_week",
        "supervisions_opened",
    ]
    assert _keys(street.handler) == ["mine", "mine_due_week", "mine_overdue"]
    assert _keys(street.community_leader)[:3] == ["mine", "mine_due_week", "mine_overdue"]
    assert "extensions" in _keys(street.community_leader)
    assert "extensions" in _keys(street.leader) and "to_route" in _keys(street.leader)
    assert _keys(street.auditor) == []


def test_a_new_case_waits_for_routing_with_its_15_day_deadline_and_leaves_once_accepted(
    street: Any,
) -> None:
    with travel(DAY):
        petition = register(street.registrar)
        assert _item(street.registrar, "to_route", petition).due == DAY + dt.timedelta(days=15)
        assert not _in(street.handler, "mine", petition)
        drive(petition, street, (A.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar"))
        assert not _in(street.registrar, "to_route", petition)
        assert _in(street.handler, "mine", petition)


def test_the_queues_name_the_time_limits_in_force(street: Any) -> None:
    TimeLimitRule.objects.update_or_create(
        key=TimeLimitRule.Key.FOLLOW_UP_WINDOW, defaults={"days": 60}
    )
    with travel(DAY):
        petition = replied(street)
        queue = selectors.workbench_for_user(street.registrar).queue("to_follow_up")
    assert queue is not None and "60" in queue.title
    assert queue.items[0].petition == petition
    assert queue.items[0].due == DAY + dt.timedelta(days=60)


def test_an_objection_waits_for_the_registrar_until_reassigned(street: Any) -> None:
    petition = accepted(street)
    drive(petition, street, (A.OBJECT, {"reason": "不属本社区"}, "handler"))
    assert _in(street.registrar, "objections", petition)
    assert not _in(street.handler, "mine", petition)
    drive(petition, street, (A.REASSIGN, {"handling_unit": street.yashiyuan.pk}, "registrar"))
    assert not _in(street.registrar, "objections", petition)
    assert _in(street.other_handler, "mine", petition)


def test_a_replied_case_waits_for_rating_and_follow_up_until_each_is_done(street: Any) -> None:
    with travel(DAY):
        petition = replied(street)
        assert not _in(street.handler, "mine", petition)
        assert _in(street.registrar, "to_evaluate", petition)
        window_end = _item(street.registrar, "to_follow_up", petition).due
        assert window_end == DAY + dt.timedelta(days=90)
        rating = {"satisfaction_unit": "satisfied", "satisfaction_office": "satisfied"}
        drive(petition, street, (A.EVALUATE, rating, "registrar"))
        assert not _in(street.registrar, "to_evaluate", petition)
        assert _in(street.registrar, "to_follow_up", petition)
        drive(petition, street, (A.FOLLOW_UP, {"solved": True}, "registrar"))
        assert not _in(street.registrar, "to_follow_up", petition)


def test_a_litigation_type_case_is_never_waiting_for_a_rating(street: Any) -> None:
    petition = replied(street, is_litigation=True)
    assert not _in(street.registrar, "to_evaluate", petition)
    assert _in(street.registrar, "to_follow_up", petition)


def test_an_extension_waits_for_the_leaders_with_the_days_and_reason_until_approved(
    street: Any,
) -> None:
    petition = accepted(street)
    ask = {"days": 20, "reason": "需等待不动产登记中心出具材料"}
    drive(petition, street, (A.REQUEST_EXTENSION, ask, "handler"))
    for leader in (street.community_leader, street.leader):
        note = _item(leader, "extensions", petition).note
        assert "20" in note and "需等待不动产登记中心出具材料" in note
    assert not _in(street.other_handler, "mine", petition)
    drive(petition, street, (A.APPROVE_EXTENSION, {}, "community_leader"))
    assert not _in(street.community_leader, "extensions", petition)
    assert not _in(street.leader, "extensions", petition)


def test_a_supervision_shows_for_who_opened_it_and_the_chased_unit_until_the_case_closes(
    street: Any,
) -> None:
    petition = accepted(street)
    due = (clock.today() + dt.timedelta(days=5)).isoformat()
    drive(petition, street, (A.SUPERVISE, {"due": due, "note": "请加快办理"}, "registrar"))
    assert _item(street.registrar, "supervisions_opened", petition).note == "请加快办理"
    assert _in(street.community_leader, "supervisions_due", petition)
    drive(petition, street, (A.REPLY, REPLY, "handler"))
    assert not _in(street.registrar, "supervisions_opened", petition)
    assert not _in(street.community_leader, "supervisions_due", petition)


def test_a_case_a_leader_took_on_is_in_their_queue_until_replied(street: Any) -> None:
    assert selectors.workbench_for_user(street.leader).queue("leader_owned") is None
    petition = drive(
        accepted(street), street, (A.TAKE_CHARGE, {"leader": street.leader.pk}, "leader")
    )
    assert _in(street.leader, "leader_owned", petition)
    drive(petition, street, (A.REPLY, REPLY, "handler"))
    assert selectors.workbench_for_user(street.leader).queue("leader_owned") is None


def test_a_handlers_case_is_due_this_week_then_overdue(street: Any) -> None:
    with travel(DAY):
        petition = accepted(street)
    due = petition.handling_due
    with travel(due - dt.timedelta(days=3)):
        assert _in(street.handler, "mine_due_week", petition)
        assert _in(street.registrar, "due_week", petition)
        assert not _in(street.handler, "mine_overdue", petition)
    with travel(due + dt.timedelta(days=1)):
        assert not _in(street.handler, "mine_due_week", petition)
        assert _in(street.handler, "mine_overdue", petition)
        assert selectors.workbench_for_user(street.leader).overdue_by_unit == [
            (street.lakeside.pk, street.lakeside.name, 1)
        ]


def test_the_auditor_sees_an_overview_rather_than_queues(street: Any, client: Client) -> None:
    with travel(DAY):
        petition = accepted(street)
        drive(
            register(street.registrar),
            street,
            (A.FORWARD, {"forwarded_to": "市场监管局"}, "registrar"),
        )
    with travel(petition.handling_due + dt.timedelta(days=1)):
        bench = selectors.workbench_for_user(street.auditor)
        assert bench.status_counts == {"handling": 1, "forwarded": 1}
        assert bench.overdue_by_unit == [(street.lakeside.pk, street.lakeside.name, 1)]
        client.force_login(street.auditor)
        page = client.get("/").content.decode()
    assert 'id="overdue-by-unit"' in page and "data-queue" not in page


def test_a_queue_longer_than_its_list_counts_every_case(street: Any) -> None:
    for _ in range(3):
        register(street.registrar)
    queue = selectors.workbench_for_user(street.registrar, limit=2).queue("to_route")
    assert queue is not None and len(queue.items) == 2 and queue.count == 3


@pytest.mark.parametrize(
    "who", ["registrar", "handler", "community_leader", "leader", "auditor", "admin"]
)
def test_the_workbench_page_takes_a_bounded_number_of_queries(
    who: str, street: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    petition = accepted(street)
    drive(petition, street, (A.REQUEST_EXTENSION, {"days": 10, "reason": "材料"}, "handler"))
    due = (clock.today() + dt.timedelta(days=5)).isoformat()
    drive(petition, street, (A.SUPERVISE, {"due": due, "note": "督办"}, "registrar"))
    for _ in range(3):
        replied(street)
        register(street.registrar)
    client.force_login(getattr(street, who))
    # The session with its user, the subtree, counts by status, the overdue tile and one query a queue
    # (the leading group has ten, its own 包案 included; a queue cut at its limit adds its
    # count), the header's open alerts (its unit tree, its count) and the sensitive-period
    # banner: never one a case.
    with django_assert_max_num_queries(16):
        response = client.get("/")
    assert response.status_code == 200
    assert petition.number in response.content.decode() or who in {"auditor", "admin"}
