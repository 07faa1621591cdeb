"""Full-text search of petitions' titles and contents, indexed on both databases.

Chinese has no spaces, so each petition carries `search_text`: the words of its content
as jieba segments them for search (long words also as their shorter parts), plus every
two-character window of its title, so that a two-character query like 拆迁 or 噪声 finds
titles whatever the segmenter made of them. The database indexes that column — an FTS5
table on SQLite, a GIN index over `to_tsvector('simple', …)` on PostgreSQL — and a query
is the same analysis of the user's words, all of which must occur.
"""

import re

from xinfang.common.text import jieba

_WORD = re.compile(r"[\w]+", re.UNICODE)
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
# Quotes and operators would change the meaning of an FTS5 or tsquery expression.
_UNSAFE = re.compile(r"[\"'&|!():*<>\\^-]")


def _bigrams(text: str) -> set[str]:
    return {run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}


def _words(text: str) -> set[str]:
    words = set()
    # Each token once, and none of one character: cleaning only ever shortens a token.
    for token in set(jieba().cut_for_search(text)):
        if len(token) < 2:
            continue
        word = _UNSAFE.sub("", token.strip().lower())
        if len(word) >= 2 and _WORD.fullmatch(word):
            words.add(word)
    return words


def document(title: str, content: str) -> str:
    """Return the indexed words of a petition, space-separated."""
    return " ".join(sorted(_words(f"{title}。{content}") | _bigrams(title)))


def query_groups(q: str) -> list[list[str]]:
    """Return alternative sets of words; a petition matches when it has all of one set.

    One set is the query's words as segmented for search, the other its two-character
    windows, which find it in titles however the segmenter cut them. Empty when the
    query has nothing indexable (a single character): the caller then scans.
    """
    q = _UNSAFE.sub(" ", q.strip().lower())
    groups = [sorted(_words(q)), sorted(_bigrams(q))]
    return [g for i, g in enumerate(groups) if g and g not in groups[:i]]
