"""Database sessions that name their user: a request reads its session and its user at once.

Django reads the session row, then the user row the session names (two statements on
every page). These sessions keep the user's id in a column of their own, and loading one
joins the user and their unit; the authentication backend (backends.py) takes that user
instead of reading it again. Django's checks stay as they are: the session's auth hash
(a changed password logs other sessions out), the user's active flag, the expiry date.
Every request runs that read: its SQL is compiled once per connection (common/compiled.py).
"""

import datetime as dt
import logging
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.exceptions import SuspiciousOperation
from django.db import router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.utils import timezone

from xinfang.accounts.models import Session, User
from xinfang.common.compiled import Compiled

# The user joined to the session this request loaded; one request at a time per context.
_loaded: ContextVar[User | None] = ContextVar("xinfang_session_user", default=None)


def _live_session(key: str, now: dt.datetime) -> QuerySet[Session]:
    return Session.objects.select_related("user__unit").filter(session_key=key, expire_date__gt=now)


def _live_session_params(
    connection: BaseDatabaseWrapper, key: str, now: dt.datetime
) -> Sequence[Any]:
    # In the order the ORM binds them (its filter() sorts the keywords).
    expire_date = Session._meta.get_field("expire_date")
    return [expire_date.get_db_prep_value(now, connection, prepared=False), key]


_READ = Compiled(
    _live_session, _live_session_params, ("sample-key", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
)


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        session = cast(Session, super().create_model_instance(data))
        try:
            session.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            session.user_id = None
        return session

    def _get_session_from_db(self) -> Session | None:
        _loaded.set(None)
        try:
            # The session key is the primary key: one row or none.
            session = _READ.first(
                self.session_key, timezone.now(), using=router.db_for_read(Session)
            )
        except SuspiciousOperation as e:
            logging.getLogger(f"django.security.{type(e).__name__}").warning(str(e))
            session = None
        if session is None:
            self._session_key = None
            return None
        _loaded.set(session.user)
        return session


def loaded_user(user_id: Any) -> User | None:
    """Return, once, the user the request's session was loaded with, if it is `user_id`."""
    user = _loaded.get()
    _loaded.set(None)
    return user if user is not None and str(user.pk) == str(user_id) else None
