"""The SQL statements of the write paths, pinned: registration by form and API, the case page.

The API's registration runs the same eight, the bearer token's row read in place of the
session's (statement 1), and its answer reads nothing back (api.v1._registered).

A registration through the intake form of a petitioner already on file, one letter and
no attachment, runs these eight statements (the test runs inside a transaction, so 2 and
8 are a savepoint and its release; in production they are BEGIN and COMMIT):

  1. the session row with its user and the user's unit (accounts/sessions.py)
  2. BEGIN
  3. the petitioner on file: the ID number, or the phone with the name, in one query
  4. their cases of the last 30 days (a likely repeat, petitions/repeats.py)
  5. INSERT the petition          (SQLite's FTS5 row follows by trigger, no statement)
  6. INSERT its register event
  7. INSERT its audit entries     (the case, and a new or changed petitioner: one INSERT)
  8. COMMIT

A new petitioner has no cases to look at: its INSERT takes the place of statement 4.

The time limits, the category ids, the unit tree (which the form's category, community
and accused-unit choices are checked against) and the routers in use are memoised
(common/memo.py);
the query code is random and unique by constraint, with no look-up first. What reacts to
the registration after the commit (routing's record of its suggestion) is not counted:
it is not part of the registration's transaction.
"""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang.accounts.models import ApiToken
from xinfang.common.models import AuditEntry
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.tests.factories import register
from xinfang.petitions.validators import id_check_digit

ID_NUMBER = "33010619850312002" + id_check_digit("33010619850312002")
# The API's registration is the form's eight, the token's row (one SELECT of the token,
# its user and the user's unit) in place of the session's; its answer reads nothing back
# (the case, event and people are the service's, the names kept in memory) and masks the
# people, so no view_personal row is written for it.
API_STATEMENTS = 8
# PostgreSQL also shows the DECLARE of a server-side cursor, a read.
NOT_READS = {"INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}


def _category() -> int:
    return Category.objects.filter(parent__isnull=False).values_list("pk", flat=True)[0]


def _form(street: Any, title: str = "夜间施工噪声扰民", **person: str) -> dict[str, Any]:
    return {
        "channel": "letter",
        "title": title,
        "content": "湖滨花园东侧工地连续多日夜间施工，噪声影响居民休息，请求处理。",
        "category": _category(),
        "head_count": 1,
        "community": street.lakeside.pk,
        "person-TOTAL_FORMS": 1,
        "person-INITIAL_FORMS": 0,
        "person-MAX_NUM_FORMS": 5,
        "person-0-name": "张三",
        "person-0-id_number": ID_NUMBER,
        "person-0-phone": "13800000001",
    } | {f"person-0-{k}": v for k, v in person.items()}


def _warm(street: Any, **person: str) -> None:
    """Register through the form once, warming the memos as a running server has them."""
    client = Client()
    client.force_login(street.registrar)
    # Another matter: the form's own is then a new one, not a likely repeat of it.
    form = _form(street, title="楼道堆放杂物影响通行", **person)
    assert client.post("/petitions/new/", form).status_code == 302


def _known(street: Any) -> None:
    """Put the form's petitioner on file, through the form."""
    _warm(street)


def _form_statements(street: Any) -> int:
    client, form = Client(), _form(street)
    client.force_login(street.registrar)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/petitions/new/", form)
    assert response.status_code == 302
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_form_registration_of_a_known_petitioner_takes_at_most_eight_statements(
    street: Any, django_assert_max_num_queries: Any
) -> None:
    _known(street)
    client, form = Client(), _form(street)
    client.force_login(street.registrar)
    with django_assert_max_num_queries(8):
        response = client.post("/petitions/new/", form)
    assert response.status_code == 302
    assert Petition.objects.count() == 2


@pytest.mark.django_db
def test_a_new_petitioner_costs_the_form_registration_one_insert_more(
    street: Any, django_assert_max_num_queries: Any
) -> None:
    # Someone else first: the memos are warm, as in a running server.
    _warm(street, name="李四", id_number="", phone="13900000009")
    client, form = Client(), _form(street)
    client.force_login(street.registrar)
    with django_assert_max_num_queries(8):
        response = client.post("/petitions/new/", form)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(kind="create", object_type="petitioner").count() == 2


@pytest.mark.django_db
def test_api_registration_takes_the_forms_statements_and_reads_nothing_back(
    street: Any,
) -> None:
    _known(street)
    form = _form_statements(street)
    body = {
        "channel": "letter",
        "title": "小区门口占道经营",
        "content": "湖滨花园东侧工地连续多日夜间施工，噪声影响居民休息，请求处理。",
        "category": _category(),
        "community": street.lakeside.pk,
        "petitioners": [{"name": "张三", "id_number": ID_NUMBER, "phone": "13800000001"}],
    }
    token = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(street.registrar)}"}
    client = Client()
    client.post("/api/v1/petitions", body, content_type="application/json", **token)
    body["title"] = "公园健身器材损坏"  # another matter again: not a likely repeat
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/api/v1/petitions", body, content_type="application/json", **token)
    assert response.status_code == 201, response.content.decode()
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) <= min(form, API_STATEMENTS), "\n".join(q[:120] for q in sqls)
    # The token was written when first used; the second call within the minute reads it.
    assert not [q for q in sqls if q.startswith("UPDATE")]
    # Nothing is read after the writes: the answer is built from what was written.
    last_write = max(i for i, q in enumerate(sqls) if q.startswith("INSERT"))
    assert not [q for q in sqls[last_write:] if q.split()[0] not in NOT_READS]
    assert not AuditEntry.objects.filter(kind="view_personal").exists()


@pytest.mark.django_db(transaction=True)
def test_a_registrar_opening_a_case_writes_its_audit_row_with_one_statement(
    street: Any, django_assert_max_num_queries: Any
) -> None:
    # Transactional, as in production: a transaction of its own would show as BEGIN/COMMIT.
    petition = register(street.registrar)
    client = Client()
    client.force_login(street.registrar)
    client.get(petition.get_absolute_url())
    with django_assert_max_num_queries(15) as ctx:
        response = client.get(petition.get_absolute_url())
    assert response.status_code == 200
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].split()[0] in NOT_READS]
    assert len(writes) == 1 and writes[0].startswith('INSERT INTO "common_auditentry"')
    assert AuditEntry.objects.filter(kind="view_personal").count() == 2


@pytest.mark.django_db
def test_a_token_is_written_at_most_once_a_minute(street: Any) -> None:
    token = ApiToken.issue(street.registrar)
    header = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()
    client.get("/api/v1/units", **header)
    row = ApiToken.objects.get(digest=ApiToken.hash(token))
    first_use = row.last_used_at
    assert first_use is not None
    client.get("/api/v1/units", **header)
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first_use
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first_use - dt.timedelta(minutes=2))
    client.get("/api/v1/units", **header)
    assert ApiToken.objects.get(pk=row.pk).last_used_at >= first_use
