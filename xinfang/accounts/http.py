"""The request a view behind login_required receives."""

from django.http import HttpRequest

from xinfang.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user has signed in: a User, never AnonymousUser; for annotations only."""

    user: User
