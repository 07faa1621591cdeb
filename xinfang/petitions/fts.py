"""The database side of full-text search (see search.py for the words indexed).

SQLite: an FTS5 table over `search_text`, kept in step by triggers. It holds only the
cases with words: an imported case has none until its words are written after the
import's commit, and indexing its empty text as it is inserted cost more than a quarter
of SQLite's insert of it (2.5 of 8 CPU seconds for 100,000 cases). Django rebuilds a
SQLite table to alter it (a new table, copy, drop, rename), and the old table's triggers
go with it, so `ensure_sqlite_index` runs after every migrate: it puts back what is
missing or written differently and then indexes the table again. PostgreSQL: a GIN
index over to_tsvector('simple', search_text), which ALTER TABLE keeps.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "petitions_petition_fts"
_TRIGGERS = {
    "petitions_petition_fts_ai": (
        "AFTER INSERT ON petitions_petition WHEN new.search_text != '' BEGIN "
        f"INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    "petitions_petition_fts_ad": (
        "AFTER DELETE ON petitions_petition WHEN old.search_text != '' BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    "petitions_petition_fts_au": (
        "AFTER UPDATE OF search_text ON petitions_petition BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, search_text) "
        "SELECT 'delete', old.id, old.search_text WHERE old.search_text != ''; "
        f"INSERT INTO {TABLE}(rowid, search_text) "
        "SELECT new.id, new.search_text WHERE new.search_text != ''; END"
    ),
}
# As SQLite keeps them in sqlite_master: a trigger written differently is replaced.
_CREATE = {name: f"CREATE TRIGGER {name} {body}" for name, body in _TRIGGERS.items()}
POSTGRESQL_INDEX = (
    "CREATE INDEX IF NOT EXISTS petitions_petition_search ON petitions_petition "
    "USING gin (to_tsvector('simple', search_text))"
)


def ensure_sqlite_index(connection: BaseDatabaseWrapper) -> bool:
    """Create the FTS table and its triggers where missing or changed; return whether any was."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE 'petitions_petition%'")
        present = dict(cursor.fetchall())
        if "petitions_petition" not in present:
            return False
        if TABLE not in present:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(search_text, "
                "content='petitions_petition', content_rowid='id', tokenize='unicode61')"
            )
        stale = [name for name, sql in _CREATE.items() if present.get(name) != sql]
        for name in stale:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(_CREATE[name])
        if TABLE in present and not stale:
            return False
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')")
        cursor.execute(
            f"INSERT INTO {TABLE}(rowid, search_text) SELECT id, search_text "
            "FROM petitions_petition WHERE search_text != ''"
        )
    return True


def ensure_index(using: str = "default", **kwargs: Any) -> None:
    """Make sure the search index of database `using` is complete (a post_migrate hook)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        ensure_sqlite_index(connection)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(POSTGRESQL_INDEX)
