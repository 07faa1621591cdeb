"""The similar lookup's one read of the band table: the candidates and their signatures.

For each band key of the case looked up, only the `cap` newest cases the user may see
are read (a band of one hash can hold a good share of the register: a frequent shingle
is many texts' minimum), so a lookup reads at most keys × cap band rows whatever the
register's size. Per key, the (key, petition) index is walked backwards over the newest
visible cases (PostgreSQL: a LATERAL join with a LIMIT; SQLite, which has no LATERAL: a
scalar subquery finds the cap-th newest, then the rows from there on are read again);
those band rows are counted per case, the `limit` cases sharing the most keys kept (the
newest first among equals), and their signatures joined in — one statement.

The scope is the cases' own filter (access.visible_q, on their owner unit), compiled to
SQL by the ORM against the owner unit each band row mirrors, and checked inside the cap
from the (key, petition, owner unit) index alone: a case the user may not see never
takes a visible one's place, and no case row is read. The mirror follows a case's moves
after commit (handlers.owner_sync); the cases the lookup returns are read through the
scope itself, so a case just moved away is never shown.
"""

from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Q

from xinfang.early_warnings.models import TextBand, TextSignature


class Candidate(NamedTuple):
    petition_id: int
    signature: bytes | memoryview
    community_id: int | None
    address: str
    shared: int  # band keys it shares with the case looked up


def _scope_sql(scope: Q) -> tuple[str, list[Any]] | None:
    """Return `scope` as SQL on the band table, '' for no filter; None when it holds nothing."""
    query = TextBand.objects.filter(scope).query
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:  # a user who sees every case (the district's auditor)
        return "", []
    return sql, list(params)


def candidates(scope: Q, *, exclude: int, keys: list[int], cap: int, limit: int) -> list[Candidate]:
    """Return up to `limit` cases within `scope` sharing the most of `keys`, with their rows.

    `scope` filters cases on their owner unit (access.visible_q); of each key only the
    `cap` newest cases (by id) other than `exclude` count.
    """
    if not keys:
        return []
    compiled = _scope_sql(scope)
    if compiled is None:
        return []
    scope_sql, scope_params = compiled
    band = TextBand._meta.db_table
    sig = TextSignature._meta.db_table
    where = f" AND {scope_sql}" if scope_sql else ""
    values = ", ".join(["(%s)"] * len(keys))
    newest = f"""
        SELECT "{band}"."petition_id" FROM "{band}"
        WHERE "{band}"."key" = wanted.k AND "{band}"."petition_id" <> %s{where}
        ORDER BY "{band}"."petition_id" DESC
    """
    if connection.vendor == "postgresql":
        # Each key joined to its newest rows directly: they are walked once.
        hits = f"""
            hits AS (
                SELECT newest.pid, COUNT(*) AS n
                FROM (VALUES {values}) AS wanted(k)
                CROSS JOIN LATERAL ({newest} LIMIT %s) AS newest(pid)
                GROUP BY newest.pid
                ORDER BY n DESC, newest.pid DESC
                LIMIT %s
            )
        """
        params = [*keys, exclude, *scope_params, cap, limit]
    else:
        # SQLite has no LATERAL: the cap-th newest row of each key first (MATERIALIZED:
        # computed once, never inlined into the join), then the rows from it on.
        hits = f"""
            wanted(k) AS (VALUES {values}),
            cuts AS MATERIALIZED (SELECT k, ({newest} LIMIT 1 OFFSET %s) AS cut FROM wanted),
            hits AS (
                SELECT "{band}"."petition_id" AS pid, COUNT(*) AS n
                FROM cuts JOIN "{band}"
                    ON "{band}"."key" = cuts.k
                    AND "{band}"."petition_id" >= COALESCE(cuts.cut, 0)
                WHERE "{band}"."petition_id" <> %s{where}
                GROUP BY "{band}"."petition_id"
                ORDER BY n DESC, "{band}"."petition_id" DESC
                LIMIT %s
            )
        """
        params = [*keys, exclude, *scope_params, cap - 1, exclude, *scope_params, limit]
    sql = f"""
        WITH {hits}
        SELECT s."petition_id", s."signature", s."community_id", s."address", hits.n
        FROM hits JOIN "{sig}" s ON s."petition_id" = hits.pid
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Candidate(*row) for row in cursor.fetchall()]
