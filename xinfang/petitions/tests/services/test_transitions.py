"""petition_transition: the whole path, each action's rules, and refusals that write nothing."""

import datetime as dt
from typing import Any

import pytest

from xinfang.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.organization.tests.factories import UnitFactory
from xinfang.petitions import access, services
from xinfang.petitions.models import (
    Category,
    Channel,
    LegalChannel,
    Petition,
    PetitionEvent,
    ReplyKind,
    Satisfaction,
    Supervision,
)
from xinfang.petitions.tests.factories import (
    REPLY,
    accepted,
    act,
    action_input,
    drive,
    register,
    replied,
    travel,
)
from xinfang.petitions.workflow import Action, Status

D = dt.date
# Monday before National Day 2025: five working days later is 13 October.
BEFORE_NATIONAL_DAY = D(2025, 9, 29)
# An ordinary Monday: 60 days later is 2 January 2026.
ORDINARY_MONDAY = D(2025, 11, 3)
RATING = {
    "satisfaction_unit": Satisfaction.SATISFIED,
    "satisfaction_office": Satisfaction.BASICALLY,
}
ANSWER = {"reply_kind": ReplyKind.EXPLAINED, "text": "经复查，原处理意见认定事实清楚，予以维持。"}


def _act(
    petition: Petition,
    actor: Any,
    action: Action,
    data: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Petition:
    if "expected_version" not in kwargs:
        return act(petition, actor, action, data)
    return services.petition_transition(
        actor=actor,
        petition_id=petition.pk,
        action=action,
        data=action_input(action, data),
        **kwargs,
    )


def _state(petition: Petition) -> tuple[str, int, int, int]:
    """Return what a refused action must leave as it was: status, version, events, audit rows."""
    fresh = Petition.objects.get(pk=petition.pk)
    return (
        fresh.status,
        fresh.version,
        PetitionEvent.objects.filter(petition=petition).count(),
        AuditEntry.objects.count(),
    )


def _accusation(street: Any) -> Petition:
    return register(
        street.registrar,
        category_id=Category.objects.get(name="干部作风").pk,
        accused="湖滨花园社区居委会",
        accused_unit_id=street.lakeside.pk,
    )


# ---------------------------------------------------------------- the whole path


def test_a_visit_goes_from_registration_to_closed_on_the_happy_path(street: Any) -> None:
    with travel(ORDINARY_MONDAY):
        petition = register(street.registrar)
        petition = _act(
            petition, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk}
        )
        petition = _act(petition, street.handler, Action.RECORD_HANDLING, {"note": "约谈业委会"})
    with travel(D(2025, 11, 20)):
        petition = _act(petition, street.handler, Action.REPLY, REPLY)
        petition = _act(petition, street.registrar, Action.EVALUATE, RATING)
        petition = _act(petition, street.registrar, Action.FOLLOW_UP, {"solved": True})
    petition.refresh_from_db()
    assert petition.status == Status.CLOSED
    assert petition.handling_unit == street.lakeside
    assert petition.handler == street.handler
    assert petition.handling_due == D(2026, 1, 2)
    assert petition.reply_overdue is False
    assert petition.solved is True
    assert petition.satisfaction_unit == Satisfaction.SATISFIED
    assert petition.closed_at is not None and petition.due_date is None
    assert petition.version == 6
    events = list(PetitionEvent.objects.filter(petition=petition).order_by("id"))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("register", "", "registered"),
        ("accept", "registered", "handling"),
        ("record_handling", "handling", "handling"),
        ("reply", "handling", "replied"),
        ("evaluate", "replied", "evaluated"),
        ("follow_up", "evaluated", "closed"),
    ]
    assert events[2].note == "约谈业委会"
    assert events[1].details["handling_unit"] == street.lakeside.name


def test_each_transition_writes_an_audit_entry(street: Any) -> None:
    petition = register(street.registrar)
    before = AuditEntry.objects.filter(object_type="petition", kind="change").count()
    _act(petition, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk})
    after = AuditEntry.objects.filter(object_type="petition", kind="change").count()
    assert after == before + 1


# ---------------------------------------------------------------- routing


def test_accept_sets_the_handling_and_objection_deadlines(street: Any) -> None:
    with travel(BEFORE_NATIONAL_DAY):
        petition = accepted(street)
    assert petition.status == Status.HANDLING
    assert petition.accepted_at is not None and petition.routed_at == petition.accepted_at
    assert petition.handling_due == D(2025, 11, 28)
    assert petition.objection_due == D(2025, 10, 13)
    assert petition.due_date == petition.handling_due


def test_an_earlier_deadline_of_the_higher_office_binds(street: Any) -> None:
    with travel(ORDINARY_MONDAY):
        petition = accepted(
            street,
            channel=Channel.ASSIGNED,
            origin_authority="西湖区信访局",
            origin_deadline=D(2025, 11, 30),
        )
    assert petition.handling_due == D(2025, 11, 30)


def test_accept_needs_a_handling_unit_within_the_office(street: Any) -> None:
    petition = register(street.registrar)
    elsewhere = UnitFactory(name="另一街道", parent=street.district)
    with pytest.raises(ValidationFailed) as excinfo:
        _act(petition, street.registrar, Action.ACCEPT, {"handling_unit": elsewhere.pk})
    assert excinfo.value.field == "handling_unit"
    with pytest.raises(ValidationFailed):
        _act(petition, street.registrar, Action.ACCEPT, {})
    assert Petition.objects.get(pk=petition.pk).status == Status.REGISTERED


def test_forward_ends_the_case_with_the_competent_authority(street: Any) -> None:
    petition = register(street.registrar)
    with pytest.raises(ValidationFailed):
        _act(petition, street.registrar, Action.FORWARD, {})
    petition = _act(petition, street.registrar, Action.FORWARD, {"forwarded_to": "区市场监管局"})
    assert petition.status == Status.FORWARDED
    assert petition.forwarded_to == "区市场监管局"
    assert petition.closed_at is not None and petition.due_date is None


def test_not_accepting_a_matter_for_the_courts_marks_it_litigation(street: Any) -> None:
    petition = register(street.registrar)
    petition = _act(
        petition,
        street.registrar,
        Action.NOT_ACCEPT,
        {"reason": "属于民事纠纷，应向人民法院起诉", "legal_channel": LegalChannel.LITIGATION},
    )
    assert petition.status == Status.NOT_ACCEPTED
    assert petition.is_litigation is True
    assert petition.not_accept_reason
    assert access.allowed_actions(street.admin, petition) == []


def test_repeat_submission_is_merged_into_the_original(street: Any) -> None:
    original = register(street.registrar)
    repeat = register(street.registrar)
    repeat = _act(repeat, street.registrar, Action.MERGE, {"original": original.pk})
    assert repeat.status == Status.MERGED
    assert repeat.merged_into == original
    assert repeat.repeat_of == original
    assert repeat.is_first_time is False
    assert repeat.closed_at is not None
    assert PetitionEvent.objects.get(petition=repeat, action="merge").details == {
        "original": original.number
    }


def test_a_case_cannot_be_merged_into_itself_or_into_a_merged_case(street: Any) -> None:
    original = register(street.registrar)
    merged = drive(
        register(street.registrar), street, (Action.MERGE, {"original": original.pk}, "registrar")
    )
    third = register(street.registrar)
    for target in (third.pk, merged.pk, 999_999):
        with pytest.raises(ValidationFailed) as excinfo:
            _act(third, street.registrar, Action.MERGE, {"original": target})
        assert excinfo.value.field == "original"
    assert Petition.objects.get(pk=third.pk).status == Status.REGISTERED


# ---------------------------------------------------------------- objection and re-routing


def test_unit_objects_on_the_fifth_working_day_after_national_day(street: Any) -> None:
    with travel(BEFORE_NATIONAL_DAY):
        petition = accepted(street)
    with travel(D(2025, 10, 13)):
        petition = _act(petition, street.handler, Action.OBJECT, {"reason": "不属于本社区管辖"})
    assert petition.status == Status.OBJECTED


def test_objection_after_five_working_days_is_refused(street: Any) -> None:
    with travel(BEFORE_NATIONAL_DAY):
        petition = accepted(street)
    before = _state(petition)
    with travel(D(2025, 10, 14)), pytest.raises(ValidationFailed):
        _act(petition, street.handler, Action.OBJECT, {"reason": "不属于本社区管辖"})
    assert _state(petition) == before


def test_objection_needs_a_reason(street: Any) -> None:
    petition = accepted(street)
    with pytest.raises(ValidationFailed) as excinfo:
        _act(petition, street.handler, Action.OBJECT, {})
    assert excinfo.value.field == "reason"


def test_office_reassigns_a_case_the_unit_objected_to(street: Any) -> None:
    with travel(BEFORE_NATIONAL_DAY):
        petition = accepted(street)
        petition = _act(petition, street.handler, Action.RECORD_HANDLING, {"note": "初步核查"})
        petition = _act(petition, street.handler, Action.OBJECT, {"reason": "属雅仕苑社区"})
    with travel(D(2025, 10, 9)):
        petition = _act(
            petition, street.registrar, Action.REASSIGN, {"handling_unit": street.yashiyuan.pk}
        )
    assert petition.status == Status.HANDLING
    assert petition.handling_unit == street.yashiyuan
    assert petition.handler is None
    assert petition.objection_due == D(2025, 10, 15)  # the Saturday 10/11 is worked
    with pytest.raises(NotFound):
        _act(petition, street.handler, Action.RECORD_HANDLING, {"note": "继续办理"})
    _act(petition, street.other_handler, Action.RECORD_HANDLING, {"note": "接手办理"})


# ---------------------------------------------------------------- handling


def test_handler_recording_the_handling_becomes_the_cases_handler(street: Any) -> None:
    petition = accepted(street)
    with pytest.raises(ValidationFailed):
        _act(petition, street.handler, Action.RECORD_HANDLING, {})
    petition = _act(petition, street.handler, Action.RECORD_HANDLING, {"note": "走访当事人"})
    assert petition.handler == street.handler


def test_approved_extension_moves_the_handling_deadline(street: Any) -> None:
    with travel(ORDINARY_MONDAY):
        petition = accepted(street)
        petition = _act(
            petition,
            street.handler,
            Action.REQUEST_EXTENSION,
            {"days": 20, "reason": "需等待房屋安全鉴定结果"},
        )
        assert petition.status == Status.EXTENSION_REQUESTED
        assert petition.due_date == D(2026, 1, 2)
        petition = _act(petition, street.community_leader, Action.APPROVE_EXTENSION)
    assert petition.status == Status.HANDLING
    assert petition.extension_days == 20
    assert petition.extension_requested_days == 0
    assert petition.handling_due == petition.due_date == D(2026, 1, 22)


def test_a_case_is_extended_only_once(street: Any) -> None:
    petition = accepted(street)
    extend = {"days": 10, "reason": "需补充调查"}
    petition = _act(petition, street.handler, Action.REQUEST_EXTENSION, extend)
    petition = _act(petition, street.community_leader, Action.APPROVE_EXTENSION)
    before = _state(petition)
    with pytest.raises(ValidationFailed):
        _act(petition, street.handler, Action.REQUEST_EXTENSION, extend)
    assert _state(petition) == before


def test_extension_of_more_than_thirty_days_is_refused(street: Any) -> None:
    petition = accepted(street)
    for days in (31, 0):
        with pytest.raises(ValidationFailed) as excinfo:
            _act(petition, street.handler, Action.REQUEST_EXTENSION, {"days": days, "reason": "x"})
        assert excinfo.value.field == "days"
    petition = _act(
        petition, street.handler, Action.REQUEST_EXTENSION, {"days": 30, "reason": "需等待鉴定"}
    )
    assert petition.extension_requested_days == 30


def test_rejected_extension_leaves_the_deadline_as_it_was(street: Any) -> None:
    petition = accepted(street)
    due = petition.handling_due
    petition = _act(
        petition, street.handler, Action.REQUEST_EXTENSION, {"days": 15, "reason": "需补充调查"}
    )
    petition = _act(petition, street.leader, Action.REJECT_EXTENSION)
    assert petition.status == Status.HANDLING
    assert petition.handling_due == due
    assert (petition.extension_days, petition.extension_requested_days) == (0, 0)


def test_hearing_pauses_the_handling_clock(street: Any) -> None:
    with travel(ORDINARY_MONDAY):
        petition = accepted(street)
    with travel(D(2025, 11, 10)):
        petition = _act(petition, street.handler, Action.START_HEARING)
    assert petition.status == Status.HEARING
    assert petition.paused_since == D(2025, 11, 10)
    with travel(D(2025, 11, 20)):
        petition = _act(petition, street.handler, Action.RECORD_HANDLING, {"note": "召开听证会"})
        petition = _act(petition, street.handler, Action.END_HEARING)
    assert petition.status == Status.HANDLING
    assert petition.paused_days == 10
    assert petition.paused_since is None
    assert petition.handling_due == petition.due_date == D(2026, 1, 12)


def test_reply_on_the_last_day_is_on_time(street: Any) -> None:
    with travel(BEFORE_NATIONAL_DAY):
        petition = accepted(street)
    with travel(D(2025, 11, 28), hour=17):
        petition = _act(petition, street.handler, Action.REPLY, REPLY)
    assert petition.reply_overdue is False


def test_reply_after_the_deadline_is_marked_overdue(street: Any) -> None:
    with travel(BEFORE_NATIONAL_DAY):
        petition = accepted(street)
    with travel(D(2025, 11, 29)):
        petition = _act(petition, street.handler, Action.REPLY, REPLY)
    assert petition.status == Status.REPLIED
    assert petition.reply_overdue is True
    assert PetitionEvent.objects.get(petition=petition, action="reply").details["overdue"] is True


def test_reply_needs_a_kind_and_a_text(street: Any) -> None:
    petition = accepted(street)
    with pytest.raises(ValidationFailed) as excinfo:
        _act(petition, street.handler, Action.REPLY, {"reply_kind": ReplyKind.SUPPORTED})
    assert excinfo.value.field == "text"


# ---------------------------------------------------------------- after the reply


def test_litigation_case_is_not_rated(street: Any) -> None:
    petition = replied(street, is_litigation=True)
    before = _state(petition)
    with pytest.raises(ValidationFailed):
        _act(petition, street.registrar, Action.EVALUATE, RATING)
    assert _state(petition) == before
    petition = _act(petition, street.registrar, Action.FOLLOW_UP, {"solved": False})
    assert petition.status == Status.CLOSED


@pytest.mark.parametrize("solved", [True, False])
def test_follow_up_records_whether_solved_apart_from_closing(street: Any, solved: bool) -> None:
    petition = replied(street)
    petition = _act(petition, street.registrar, Action.FOLLOW_UP, {"solved": solved})
    assert petition.status == Status.CLOSED
    assert petition.closed_at is not None
    assert petition.solved is solved


def test_the_service_refuses_an_input_of_another_action(street: Any) -> None:
    petition = replied(street)
    with pytest.raises(TypeError):
        services.petition_transition(
            actor=street.registrar,
            petition_id=petition.pk,
            action=Action.FOLLOW_UP,
            data=action_input(Action.EVALUATE),
            expected_version=petition.version,
        )
    assert Petition.objects.get(pk=petition.pk).solved is None


def test_review_may_be_requested_on_the_thirtieth_day_after_the_reply(street: Any) -> None:
    with travel(ORDINARY_MONDAY):
        petition = replied(street)
    with travel(D(2025, 12, 3)):
        petition = _act(petition, street.registrar, Action.REQUEST_REVIEW)
    assert petition.status == Status.UNDER_REVIEW
    assert petition.due_date == D(2026, 1, 2)


def test_review_requested_more_than_thirty_days_after_the_reply_is_refused(street: Any) -> None:
    with travel(ORDINARY_MONDAY):
        petition = replied(street)
    before = _state(petition)
    with travel(D(2025, 12, 4)), pytest.raises(ValidationFailed):
        _act(petition, street.registrar, Action.REQUEST_REVIEW)
    assert _state(petition) == before


def test_review_then_rereview_makes_the_matter_final(street: Any) -> None:
    with travel(ORDINARY_MONDAY):
        petition = replied(street)
        petition = _act(petition, street.registrar, Action.FOLLOW_UP, {"solved": False})
    with travel(D(2025, 11, 20)):
        petition = _act(petition, street.registrar, Action.REQUEST_REVIEW)
    with travel(D(2025, 12, 10)):
        petition = _act(petition, street.leader, Action.ANSWER_REVIEW, ANSWER)
    assert petition.status == Status.REVIEWED
    assert petition.due_date is None
    with travel(D(2025, 12, 20)):
        petition = _act(petition, street.registrar, Action.REQUEST_REREVIEW)
    assert petition.due_date == D(2026, 1, 19)
    with travel(D(2026, 1, 5)):
        petition = _act(petition, street.leader, Action.ANSWER_REREVIEW, ANSWER)
    assert petition.status == Status.FINAL
    assert petition.rereview_answered_at is not None
    for who in (street.admin, street.leader, street.registrar):
        assert access.allowed_actions(who, petition) == []
    with pytest.raises(ValidationFailed):
        _act(petition, street.admin, Action.REQUEST_REVIEW)


def test_rereview_requested_more_than_thirty_days_after_the_review_is_refused(
    street: Any,
) -> None:
    with travel(ORDINARY_MONDAY):
        petition = replied(street)
        petition = _act(petition, street.registrar, Action.REQUEST_REVIEW)
        petition = _act(petition, street.leader, Action.ANSWER_REVIEW, ANSWER)
    with travel(D(2025, 12, 4)), pytest.raises(ValidationFailed):
        _act(petition, street.registrar, Action.REQUEST_REREVIEW)
    assert Petition.objects.get(pk=petition.pk).status == Status.REVIEWED


# ---------------------------------------------------------------- supervision


def test_supervision_opens_with_its_own_deadline_and_keeps_the_status(street: Any) -> None:
    with travel(ORDINARY_MONDAY):
        petition = accepted(street)
        petition = _act(
            petition, street.leader, Action.SUPERVISE, {"due": "2025-11-20", "note": "请加快办理"}
        )
    assert petition.status == Status.HANDLING
    supervision = Supervision.objects.get(petition=petition)
    assert supervision.due == D(2025, 11, 20)
    assert supervision.opened_by == street.leader


def test_supervision_due_in_the_past_is_refused(street: Any) -> None:
    with travel(ORDINARY_MONDAY):
        petition = accepted(street)
        before = _state(petition)
        with pytest.raises(ValidationFailed) as excinfo:
            _act(
                petition,
                street.leader,
                Action.SUPERVISE,
                {"due": D(2025, 11, 2), "note": "请加快办理"},
            )
    assert excinfo.value.field == "due"
    assert _state(petition) == before
    assert not Supervision.objects.exists()


def test_a_replied_case_is_no_longer_supervised(street: Any) -> None:
    petition = replied(street)
    with pytest.raises(ValidationFailed):
        _act(petition, street.leader, Action.SUPERVISE, {"due": D(2099, 1, 1), "note": "督办"})


# ---------------------------------------------------------------- refusals


def test_action_out_of_order_is_refused_and_changes_nothing(street: Any) -> None:
    petition = register(street.registrar)
    before = _state(petition)
    with pytest.raises(ValidationFailed):
        _act(petition, street.admin, Action.REPLY, REPLY)
    assert _state(petition) == before


def test_unknown_action_is_refused(street: Any) -> None:
    petition = register(street.registrar)
    with pytest.raises(ValidationFailed):
        services.petition_transition(
            actor=street.registrar,
            petition_id=petition.pk,
            action="approve_everything",
            data=None,
            expected_version=petition.version,
        )


@pytest.mark.parametrize(
    ("who", "action", "data"),
    [
        ("registrar", Action.REPLY, REPLY),  # the office does not answer for the unit
        ("handler", Action.SUPERVISE, {"due": D(2099, 1, 1), "note": "督办"}),
        ("community_leader", Action.SUPERVISE, {"due": D(2099, 1, 1), "note": "督办"}),
        ("handler", Action.REQUEST_REVIEW, {}),
        ("auditor", Action.RECORD_HANDLING, {"note": "查阅"}),
    ],
)
def test_wrong_role_or_side_is_refused_and_changes_nothing(
    street: Any, who: str, action: Action, data: dict[str, Any]
) -> None:
    petition = accepted(street)
    if action == Action.REQUEST_REVIEW:
        petition = drive(petition, street, (Action.REPLY, REPLY, "handler"))
    before = _state(petition)
    with pytest.raises(PermissionDenied):
        _act(petition, getattr(street, who), action, data)
    assert _state(petition) == before


def test_handler_cannot_approve_their_own_extension(street: Any) -> None:
    petition = accepted(street)
    petition = _act(
        petition, street.handler, Action.REQUEST_EXTENSION, {"days": 10, "reason": "需补充调查"}
    )
    with pytest.raises(PermissionDenied):
        _act(petition, street.handler, Action.APPROVE_EXTENSION)


def test_a_case_of_another_community_is_not_found_for_its_handler(street: Any) -> None:
    petition = accepted(street, unit="yashiyuan")
    with pytest.raises(NotFound):
        _act(petition, street.handler, Action.RECORD_HANDLING, {"note": "越权"})


def test_stale_version_is_a_conflict_and_writes_nothing(street: Any) -> None:
    petition = register(street.registrar)
    assert petition.version == 1
    petition = _act(
        petition,
        street.registrar,
        Action.ACCEPT,
        {"handling_unit": street.lakeside.pk},
        expected_version=1,
    )
    before = _state(petition)
    with pytest.raises(Conflict):
        _act(
            petition, street.handler, Action.RECORD_HANDLING, {"note": "旧页面"}, expected_version=1
        )
    assert _state(petition) == before
    petition = _act(
        petition, street.handler, Action.RECORD_HANDLING, {"note": "新页面"}, expected_version=2
    )
    assert petition.version == 3


# ---------------------------------------------------------------- Art. 46


def test_accusation_is_not_assigned_to_the_accused_unit(street: Any) -> None:
    petition = _accusation(street)
    before = _state(petition)
    with pytest.raises(ValidationFailed) as excinfo:
        _act(petition, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk})
    assert excinfo.value.field == "handling_unit"
    assert "第四十六条" in excinfo.value.message
    assert _state(petition) == before
    petition = _act(
        petition, street.registrar, Action.ACCEPT, {"handling_unit": street.yashiyuan.pk}
    )
    assert petition.handling_unit == street.yashiyuan


def test_accusation_is_not_reassigned_to_the_accused_unit_either(street: Any) -> None:
    petition = _accusation(street)
    petition = _act(
        petition, street.registrar, Action.ACCEPT, {"handling_unit": street.yashiyuan.pk}
    )
    petition = _act(petition, street.other_handler, Action.OBJECT, {"reason": "应由街道办理"})
    with pytest.raises(ValidationFailed):
        _act(petition, street.registrar, Action.REASSIGN, {"handling_unit": street.lakeside.pk})


def test_an_ordinary_complaint_about_a_unit_may_be_assigned_to_it(street: Any) -> None:
    petition = register(street.registrar, accused_unit_id=street.lakeside.pk)
    petition = _act(
        petition, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk}
    )
    assert petition.status == Status.HANDLING


# ---------------------------------------------------------------- the current deadline


def test_due_date_follows_the_status(street: Any) -> None:
    with travel(ORDINARY_MONDAY):
        petition = register(street.registrar)
        assert petition.due_date == petition.route_due == D(2025, 11, 18)
        petition = _act(
            petition, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk}
        )
        assert petition.due_date == petition.handling_due == D(2026, 1, 2)
    with travel(D(2025, 11, 10)):
        petition = _act(petition, street.handler, Action.REPLY, REPLY)
        assert petition.due_date is None
    with travel(D(2025, 11, 17)):
        petition = _act(petition, street.registrar, Action.REQUEST_REVIEW)
        assert petition.due_date == D(2025, 12, 17)
    assert Petition.objects.get(pk=petition.pk).due_date == D(2025, 12, 17)


def test_a_case_is_not_assigned_outside_the_registering_offices_jurisdiction(street: Any) -> None:
    """The district's admin reaches every unit, but a street's case stays in that street."""
    other_street = UnitFactory(name="另一街道", kind="street", parent=street.district)
    other_community = UnitFactory(name="另一社区", kind="community", parent=other_street)
    petition = register(street.registrar)
    with pytest.raises(ValidationFailed) as excinfo:
        _act(petition, street.admin, Action.ACCEPT, {"handling_unit": other_community.pk})
    assert excinfo.value.field == "handling_unit"
    assert Petition.objects.get(pk=petition.pk).status == Status.REGISTERED
    accepted_here = _act(
        petition, street.admin, Action.ACCEPT, {"handling_unit": street.lakeside.pk}
    )
    assert accepted_here.handling_unit == street.lakeside
