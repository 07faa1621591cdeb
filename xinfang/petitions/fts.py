"""The database side of full-text search (see search.py for the words indexed).

SQLite: an FTS5 table over `search_text`, kept in step by triggers. Django rebuilds a
SQLite table to alter it (a new table, copy, drop, rename), and the old table's triggers
go with it, so `ensure_sqlite_index` runs after every migrate: it puts back what is
missing and then rebuilds the index from the table. PostgreSQL: a GIN index over
to_tsvector('simple', search_text), which ALTER TABLE keeps.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "petitions_petition_fts"
_TRIGGERS = {
    "petitions_petition_fts_ai": (
        "AFTER INSERT ON petitions_petition BEGIN "
        f"INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    "petitions_petition_fts_ad": (
        "AFTER DELETE ON petitions_petition BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    "petitions_petition_fts_au": (
        "AFTER UPDATE OF search_text ON petitions_petition BEGIN "
        f"INSERT INTO {TABLE}({TABLE}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}
POSTGRESQL_INDEX = (
    "CREATE INDEX IF NOT EXISTS petitions_petition_search ON petitions_petition "
    "USING gin (to_tsvector('simple', search_text))"
)


def ensure_sqlite_index(connection: BaseDatabaseWrapper) -> bool:
    """Create the FTS table and its triggers where missing; return whether any was."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'petitions_petition%'")
        present = {row[0] for row in cursor.fetchall()}
        if "petitions_petition" not in present:
            return False
        missing = [name for name in (TABLE, *_TRIGGERS) if name not in present]
        if TABLE in missing:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(search_text, "
                "content='petitions_petition', content_rowid='id', tokenize='unicode61')"
            )
        for name, body in _TRIGGERS.items():
            if name in missing:
                cursor.execute(f"CREATE TRIGGER {name} {body}")
        if missing:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    return bool(missing)


def ensure_index(using: str = "default", **kwargs: Any) -> None:
    """Make sure the search index of database `using` is complete (a post_migrate hook)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        ensure_sqlite_index(connection)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(POSTGRESQL_INDEX)
