"""What the early-warning pages share: one 404 for "does not exist" and "not yours"."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common.errors import NotFound

T = TypeVar("T")

PAGE_SIZE = 20


def or_404(get: Callable[[Any, int], T], request: AuthenticatedHttpRequest, pk: int) -> T:
    """Return `get(user, pk)`, answering its NotFound with a 404 carrying the same message."""
    try:
        return get(request.user, pk)
    except NotFound as e:
        raise Http404(e.message) from None
