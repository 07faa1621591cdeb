"""The irreversible steps ask first: no choice made for the officer, the notice shown before it
is issued, the case merged into and the not-accepted reason shown before either is done."""

import re
from typing import Any

import pytest
from django.test import Client

from xinfang.common.errors import ValidationFailed
from xinfang.petitions import effects, selectors
from xinfang.petitions.forms import ExtensionForm, MergeForm, NotAcceptForm
from xinfang.petitions.models import LegalChannel, Petition
from xinfang.petitions.tests.factories import REPLY, accepted, drive, register, replied
from xinfang.petitions.workflow import Action, Status

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _version(petition: Petition) -> int:
    return Petition.objects.values_list("version", flat=True).get(pk=petition.pk)


def _post(user: Any, petition: Petition, action: Action, data: dict[str, Any]) -> Any:
    url = f"/petitions/{petition.pk}/act/{action.value}/"
    return _client(user).post(url, {"version": _version(petition), **data})


def _status(petition: Petition) -> str:
    return Petition.objects.values_list("status", flat=True).get(pk=petition.pk)


def _form(page: str, action: Action) -> str:
    match = re.search(rf'<details[^>]*data-action="{action.value}".*?</details>', page, re.S)
    assert match, action
    return match.group(0)


def test_no_reply_kind_satisfaction_or_solved_is_chosen_beforehand(street: Any) -> None:
    handling = accepted(street)
    page = _client(street.handler).get(handling.get_absolute_url()).content.decode()
    reply = _form(page, Action.REPLY)
    assert 'type="radio"' in reply and "checked" not in reply and "selected" not in reply

    answered = replied(street)
    page = _client(street.registrar).get(answered.get_absolute_url()).content.decode()
    for action in (Action.EVALUATE, Action.FOLLOW_UP):
        form = _form(page, action)
        assert 'type="radio"' in form and "checked" not in form


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        (Action.REPLY, {"text": "经核查……"}, "请选择处理意见类型"),
        (Action.EVALUATE, {"satisfaction_office": "satisfied"}, "请选择信访人对承办单位的评价"),
        (Action.FOLLOW_UP, {}, "请选择问题是否实际解决"),
    ],
)
def test_a_missing_choice_is_asked_for_in_plain_words(
    street: Any, action: Action, data: dict[str, Any], message: str
) -> None:
    petition = accepted(street) if action == Action.REPLY else replied(street)
    user = street.handler if action == Action.REPLY else street.registrar
    before = _status(petition)
    response = _post(user, petition, action, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _status(petition) == before


def test_required_fields_come_before_the_optional_note() -> None:
    assert list(ExtensionForm().fields)[:3] == ["version", "days", "reason"]
    assert list(MergeForm().fields)[-1] == "note"
    assert list(NotAcceptForm().fields) == ["version", "reason", "legal_channel", "note"]


def test_the_reply_shows_the_notice_as_printed_before_it_is_issued(street: Any) -> None:
    petition = accepted(street)
    response = _post(street.handler, petition, Action.REPLY, REPLY)
    assert response.status_code == 200
    page = response.content.decode()
    # The printed notice, whole, inside the frame's srcdoc (escaped, so the page stays whole).
    srcdoc = re.search(r'id="notice-preview"[^>]*srcdoc="([^"]*)"', page)
    assert srcdoc and srcdoc.group(1).startswith("&lt;!DOCTYPE html&gt;")
    assert "处理意见书" in srcdoc.group(1) and "业委会已重新公示候选人名单" in srcdoc.group(1)
    assert 'name="confirmed" value="1"' in page
    assert _status(petition) == Status.HANDLING  # nothing issued yet

    confirmed = _post(street.handler, petition, Action.REPLY, {**REPLY, "confirmed": "1"})
    assert confirmed.status_code == 302
    assert _status(petition) == Status.REPLIED


def test_back_from_the_preview_keeps_what_was_typed_and_issues_nothing(street: Any) -> None:
    petition = accepted(street)
    response = _post(street.handler, petition, Action.REPLY, {**REPLY, "back": "1"})
    assert response.status_code == 200
    reply = _form(response.content.decode(), Action.REPLY)
    assert "open" in reply.split(">")[0] and "业委会已重新公示候选人名单" in reply
    assert _status(petition) == Status.HANDLING


def test_a_merge_shows_the_case_it_merges_into_and_asks_to_confirm(street: Any) -> None:
    original = register(street.registrar, title="雅仕苑电梯长期故障")
    duplicate = register(street.registrar, title="电梯又坏了")
    response = _post(street.registrar, duplicate, Action.MERGE, {"original": original.number})
    assert response.status_code == 200
    page = response.content.decode()
    target = re.search(r'<dl class="facts" id="merge-target">.*?</dl>', page, re.S)
    assert target and original.number in target.group(0) and "雅仕苑电梯长期故障" in target.group(0)
    assert _status(duplicate) == Status.REGISTERED

    data = {"original": original.number, "confirmed": "1"}
    assert _post(street.registrar, duplicate, Action.MERGE, data).status_code == 302
    merged = Petition.objects.get(pk=duplicate.pk)
    assert merged.status == Status.MERGED and merged.merged_into_id == original.pk


def test_a_merge_into_a_case_the_user_cannot_see_is_refused_before_confirming(
    street: Any,
) -> None:
    duplicate = register(street.registrar)
    for original in ("XF2026-9999999", str(duplicate.pk)):
        response = _post(street.registrar, duplicate, Action.MERGE, {"original": original})
        assert response.status_code == 400
    assert _status(duplicate) == Status.REGISTERED


def test_the_merge_refuses_a_case_itself_or_one_merged_already_in_one_rule(street: Any) -> None:
    original = register(street.registrar)
    duplicate = register(street.registrar)
    merged = drive(
        register(street.registrar), street, (Action.MERGE, {"original": original.pk}, "registrar")
    )
    for target in (duplicate, merged):
        with pytest.raises(ValidationFailed) as refused:
            effects.check_merge_target(duplicate, target)
        assert refused.value.field == "original"
    effects.check_merge_target(duplicate, original)
    # The confirmation page answers with that rule, before anything is confirmed.
    response = _post(street.registrar, duplicate, Action.MERGE, {"original": merged.number})
    assert response.status_code == 400
    assert "不能并入自身或已并单的事项" in response.content.decode()
    assert _status(duplicate) == Status.REGISTERED


def test_not_accepting_shows_the_reason_and_the_legal_channel_before_it_is_done(
    street: Any,
) -> None:
    petition = register(street.registrar)
    data = {"reason": "属于劳动争议，应通过仲裁解决。", "legal_channel": LegalChannel.ARBITRATION}
    response = _post(street.registrar, petition, Action.NOT_ACCEPT, data)
    assert response.status_code == 200
    page = response.content.decode()
    summary = re.search(r'id="not-accept-summary">.*?</dl>', page, re.S)
    assert summary
    assert "属于劳动争议" in summary.group(0) and "向有管辖权的仲裁机构申请仲裁" in summary.group(0)
    assert 'id="notice-preview"' in page and "不予受理告知书" in page
    assert _status(petition) == Status.REGISTERED

    assert (
        _post(street.registrar, petition, Action.NOT_ACCEPT, {**data, "confirmed": "1"}).status_code
        == 302
    )
    assert _status(petition) == Status.NOT_ACCEPTED


def test_the_days_an_extension_asks_for_are_on_the_case_page_and_in_the_approval_form(
    street: Any,
) -> None:
    petition = drive(
        accepted(street),
        street,
        (Action.REQUEST_EXTENSION, {"days": 12, "reason": "需补充现场调查"}, "handler"),
    )
    page = _client(street.community_leader).get(petition.get_absolute_url()).content.decode()
    banner = re.search(r'id="extension-request">.*?</p>', page, re.S)
    assert banner and "12" in banner.group(0) and "需补充现场调查" in banner.group(0)
    approve = _form(page, Action.APPROVE_EXTENSION)
    assert 'data-extension-days="12"' in approve and "需补充现场调查" in approve


def test_the_reason_of_an_extension_is_the_same_on_the_bench_the_case_page_and_the_notice(
    street: Any,
) -> None:
    petition = drive(
        accepted(street),
        street,
        (
            Action.REQUEST_EXTENSION,
            {"days": 12, "reason": "需补充现场调查", "note": "内部备注"},
            "handler",
        ),
    )
    leader = street.community_leader
    (queue,) = (q for q in selectors.workbench_for_user(leader).queues if q.key == "extensions")
    assert "需补充现场调查" in queue.items[0].note
    page = _client(leader).get(petition.get_absolute_url()).content.decode()
    banner = re.search(r'id="extension-request">.*?</p>', page, re.S)
    assert banner and "需补充现场调查" in banner.group(0) and "内部备注" not in banner.group(0)
