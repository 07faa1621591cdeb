"""What the pages share: one 404 for "does not exist" and "not yours"."""

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.http import Http404

from xinfang.common.errors import NotFound

P = ParamSpec("P")
T = TypeVar("T")


def or_404(get: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Return `get(*args, **kwargs)`, answering its NotFound with a 404 of the same message."""
    try:
        return get(*args, **kwargs)
    except NotFound as e:
        raise Http404(e.message) from None
