"""The password backend, loading each request's user with their unit in one query: the
session's own (sessions.py), or one of its own when the session did not bring it."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from xinfang.accounts.sessions import loaded_user


class UnitModelBackend(ModelBackend):
    """Django's ModelBackend, with the user's unit joined: every request asks what it may see."""

    def get_user(self, user_id: Any) -> Any:
        user = loaded_user(user_id)
        if user is None:
            users = get_user_model()._default_manager.select_related("unit")
            user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
