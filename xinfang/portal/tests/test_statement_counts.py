"""The SQL statements of an online submission, pinned like the staff registration's.

Submitting online for a petitioner already on file, with a right code and no attachment,
runs these statements in the service (the test runs inside a transaction, so BEGIN and
COMMIT show as a savepoint and its release):

  1. BEGIN
  2. the phone's latest code, locked
  3. UPDATE the code as spent
  4. SAVEPOINT                    (the registration service's own transaction)
  5. the petitioner on file
  6. INSERT the petition
  7. INSERT its register event
  8. INSERT its audit entries
  9. RELEASE SAVEPOINT
 10. COMMIT

No look for a likely repeat: that is the registrar's question when routing, never the
public's (portal.services.online_petition_submit).

The street and the portal account are memoised with the unit tree (common/memo.py), as
are the time limits, categories and routers. The page's request adds the rate-limit
counters of the submission door (per address and per phone, in the database cache).
"""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinfang.common.memo import clear_all
from xinfang.petitions.models import Petition
from xinfang.portal import services
from xinfang.portal.tests.conftest import PHONE
from xinfang.portal.tests.test_views import _form, _send

SERVICE_STATEMENTS = 10
# The door's two counters (per address, per phone) in the database cache: their reads,
# writes and the cache's savepoints.
THROTTLE_STATEMENTS = 25


def _warm(client: Any, street: Any, outbox: Any, callbacks: Any) -> None:
    """Submit twice for the same petitioner, as a running server has its memos."""
    services.portal_account()
    clear_all()  # the account made is kept once found again, as after the memo's seconds
    # Other matters: the measured one is then a new one, not a likely repeat of them.
    for title in ("楼道堆放杂物影响通行", "公园健身器材损坏"):
        code = _send(client, outbox, callbacks)
        form = _form(otp=code, title=title, community=street.lakeside.pk)
        assert client.post(reverse("portal:submit"), form).status_code == 200


@pytest.mark.django_db
def test_an_online_submission_of_a_known_petitioner_takes_ten_statements(
    client, street, outbox, django_capture_on_commit_callbacks
):
    _warm(client, street, outbox, django_capture_on_commit_callbacks)
    code = _send(client, outbox, django_capture_on_commit_callbacks)
    data = services.OnlinePetition(
        name="李四",
        id_number=_form()["id_number"],
        phone=PHONE,
        title="小区门口道路破损",
        content="湖滨花园小区北门道路破损严重，雨天积水，请求修复。",
        community_id=street.lakeside.pk,
        address="湖滨花园北门",
    )
    with CaptureQueriesContext(connection) as ctx:
        services.online_petition_submit(data=data, otp=code)
    assert len(ctx.captured_queries) == SERVICE_STATEMENTS, "\n".join(
        q["sql"][:120] for q in ctx.captured_queries
    )
    assert Petition.objects.count() == 3


@pytest.mark.django_db
def test_the_submission_page_adds_only_its_rate_limit_counters(
    client, street, outbox, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    _warm(client, street, outbox, django_capture_on_commit_callbacks)
    code = _send(client, outbox, django_capture_on_commit_callbacks)
    form = _form(otp=code, community=street.lakeside.pk)
    with django_assert_max_num_queries(SERVICE_STATEMENTS + THROTTLE_STATEMENTS):
        response = client.post(reverse("portal:submit"), form)
    assert response.status_code == 200, response.content.decode()
    assert Petition.objects.count() == 3


@pytest.mark.django_db
def test_an_online_submission_costs_a_staff_registration_and_the_codes_two_statements(
    client, street, outbox, django_capture_on_commit_callbacks
):
    # Like for like: the same person on file, a new matter (the registrar's tick where
    # staff register it; never asked online). Online adds the code's read and its spending,
    # and the savepoint of the registration inside the code's transaction: nothing more.
    from xinfang.petitions.inputs import PetitionerData, RegistrationData
    from xinfang.petitions.services import petition_register

    _warm(client, street, outbox, django_capture_on_commit_callbacks)
    person = {"name": "李四", "id_number": _form()["id_number"], "phone": PHONE}
    staff = RegistrationData(
        channel="visit",
        title="楼道灯不亮",
        content="三单元楼道灯坏了一个月。",
        petitioners=[PetitionerData(**person, on_record="keep")],
        not_repeat=True,
    )
    with CaptureQueriesContext(connection) as at_office:
        petition_register(actor=street.registrar, data=staff)
    code = _send(client, outbox, django_capture_on_commit_callbacks)
    data = services.OnlinePetition(**person, title="小区路灯不亮", content="北门路灯坏了。")
    with CaptureQueriesContext(connection) as online:
        services.online_petition_submit(data=data, otp=code)
    assert len(online.captured_queries) == len(at_office.captured_queries) + 2 + 2


@pytest.mark.django_db
def test_a_one_time_code_takes_eight_statements_and_its_sending_two(
    street, outbox, django_capture_on_commit_callbacks
):
    # The hour's codes of the phone (one indexed range), the last one voided, the new one
    # and its SMS written, in a transaction and the notification's savepoint; on commit the
    # SMS read and marked sent (its text blanked).
    services.otp_issue(phone=PHONE)
    with (
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        services.otp_issue(phone=PHONE)
    assert len(ctx.captured_queries) == 8, "\n".join(q["sql"][:120] for q in ctx.captured_queries)
    with CaptureQueriesContext(connection) as sending:
        for callback in callbacks:
            callback()
    assert len(sending.captured_queries) == 2
