"""Database sessions that name their user: a request reads its session and its user at once.

Django reads the session row, then the user row the session names (two statements on
every page). These sessions keep the user's id in a column of their own, and loading one
joins the user and their unit; the authentication backend (backends.py) takes that user
instead of reading it again. Django's checks stay as they are: the session's auth hash
(a changed password logs other sessions out), the user's active flag, the expiry date.
"""

import logging
from contextvars import ContextVar
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from xinfang.accounts.models import Session, User

# The user joined to the session this request loaded; one request at a time per context.
_loaded: ContextVar[User | None] = ContextVar("xinfang_session_user", default=None)


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
            session = Session.objects.select_related("user__unit").get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (Session.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logging.getLogger(f"django.security.{type(e).__name__}").warning(str(e))
            self._session_key = None
            return None
        _loaded.set(session.user)
        return session


def loaded_user(user_id: Any) -> User | None:
    """Return, once, the user the request's session was loaded with, if it is `user_id`."""
    user = _loaded.get()
    _loaded.set(None)
    return user if user is not None and str(user.pk) == str(user_id) else None
