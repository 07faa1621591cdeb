"""Index `Petition.search_text` for full-text search, in each database's own way.

The SQL lives in petitions/fts.py, which also puts the SQLite triggers back after any
later migration that rebuilds the table.
"""

from django.db import migrations

from xinfang.petitions.fts import ensure_index


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    ensure_index(schema_editor.connection.alias)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ("fts_au", "fts_ad", "fts_ai"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS petitions_petition_{name}")
        schema_editor.execute("DROP TABLE IF EXISTS petitions_petition_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS petitions_petition_search")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0003_search_text")]
    operations = [migrations.RunPython(create, drop)]
