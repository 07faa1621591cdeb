"""Index `Petition.search_text` for full-text search, in each database's own way.

SQLite: an FTS5 table over the column (external content, kept in step by triggers).
PostgreSQL: a GIN index over to_tsvector('simple', search_text). selectors.py queries
whichever the connection has; the suite runs on both.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE petitions_petition_fts USING fts5("
    "search_text, content='petitions_petition', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER petitions_petition_fts_ai AFTER INSERT ON petitions_petition BEGIN "
    "INSERT INTO petitions_petition_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER petitions_petition_fts_ad AFTER DELETE ON petitions_petition BEGIN "
    "INSERT INTO petitions_petition_fts(petitions_petition_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER petitions_petition_fts_au AFTER UPDATE OF search_text ON petitions_petition "
    "BEGIN INSERT INTO petitions_petition_fts(petitions_petition_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO petitions_petition_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO petitions_petition_fts(petitions_petition_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER petitions_petition_fts_au",
    "DROP TRIGGER petitions_petition_fts_ad",
    "DROP TRIGGER petitions_petition_fts_ai",
    "DROP TABLE petitions_petition_fts",
]
POSTGRESQL = [
    "CREATE INDEX petitions_petition_search ON petitions_petition "
    "USING gin (to_tsvector('simple', search_text))",
]
POSTGRESQL_REVERSE = ["DROP INDEX petitions_petition_search"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("petitions", "0003_search_text")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
