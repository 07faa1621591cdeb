"""Who edits the publicity pages, and the HTML the editor may store: a small safelist.

nh3 (the Ammonia sanitiser) parses the text as a browser would and keeps only these
tags and attributes; links may lead only to http(s) and mail addresses and open nothing
with the page's rights.
"""

from typing import Any

import nh3

from xinfang.petitions import access

TAGS = frozenset(
    {"p", "br", "h2", "h3", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote", "a"}
)
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def clean_html(text: str) -> str:
    """Return `text` with every tag, attribute and link outside the safelist removed."""
    return nh3.clean(
        text,
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )


def may_edit(user: Any) -> bool:
    """Return whether `user` edits the publicity pages: the petition office's roles."""
    return not user.is_read_only and access.may_register(user)
