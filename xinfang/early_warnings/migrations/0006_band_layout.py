"""The bands in their new layout: the whole text's first 48 hashes one by one, the title's
first 48 in pairs (rules.band_keys), each row with its case's owner unit, indexed as the
lookup reads them (key, petition, owner unit); the case column's own index is dropped
(the unique (petition, key) index serves it).

The bands are recomputed from the stored signatures — no text is signed again — and the
keys are computed here as rules.band_keys computed them when this was written, so that a
later change of layout comes with its own migration.

Written for an upgrade at a million cases (72 million band rows; README, "Early warning"):
the old rows are emptied first, so that the schema changes run on an empty table (on
SQLite an altered column copies the table); the new rows are then read and written in
id order in chunks of plain tuples — executemany on SQLite, COPY on PostgreSQL with the
table's foreign key and unique constraint dropped for the load and added back after (one
validating pass each instead of a check per row) — and the lookup's index is built once,
at the end. bench/README.md has its times, before and after.
"""

import hashlib
import struct
from collections.abc import Iterator
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

_WORD = 4
_FULL_WORDS = 256
# (part, bands, rows) of the whole text (1) and the title (0): this layout, and 0005's.
LAYOUT = ((1, 48, 1), (0, 24, 2))
_BEFORE = ((1, 32, 2), (0, 32, 2))
_CHUNK = 5000


def _cuts(layout: Any) -> list[tuple[int, bytes, int, int]]:
    """Return each band's (part, packed prefix, start, end) in the part's words."""
    return [
        (part, struct.pack("<BH", part, band), band * rows * _WORD, (band + 1) * rows * _WORD)
        for part, bands, rows in layout
        for band in range(bands)
    ]


def band_keys(signature: bytes, layout: Any = LAYOUT) -> set[int]:
    parts = {1: signature[: _FULL_WORDS * _WORD], 0: signature[_FULL_WORDS * _WORD :]}
    blake = hashlib.blake2b
    return {
        int.from_bytes(blake(prefix + parts[part][start:end], digest_size=8).digest()) >> 1
        for part, prefix, start, end in _cuts(layout)
        if parts[part]  # no title signature: no title bands
    }


def _signatures(apps: Any, connection: Any) -> Iterator[list[tuple[int, bytes, int]]]:
    """Yield (case, signature, owner unit) in chunks, in case order (keyset pagination)."""
    quote = connection.ops.quote_name
    sig = quote(apps.get_model("early_warnings", "TextSignature")._meta.db_table)
    case = quote(apps.get_model("petitions", "Petition")._meta.db_table)
    sql = (
        f'SELECT s."petition_id", s."signature", p."owner_unit_id" FROM {sig} s'
        f' JOIN {case} p ON p."id" = s."petition_id"'
        f' WHERE s."petition_id" > %s ORDER BY s."petition_id" LIMIT {_CHUNK}'
    )
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [last])
            chunk = cursor.fetchall()
            if not chunk:
                return
            yield chunk
            last = chunk[-1][0]


def clear_bands(apps: Any, schema_editor: Any) -> None:
    table = schema_editor.connection.ops.quote_name(
        apps.get_model("early_warnings", "TextBand")._meta.db_table
    )
    verb = "TRUNCATE" if schema_editor.connection.vendor == "postgresql" else "DELETE FROM"
    schema_editor.execute(f"{verb} {table}")


def rebuild_bands(apps: Any, schema_editor: Any, layout: Any = LAYOUT) -> None:
    """Write every case's bands in `layout` from its stored signature, on an empty table."""
    band = apps.get_model("early_warnings", "TextBand")
    connection = schema_editor.connection
    mirrored = any(f.name == "owner_unit" for f in band._meta.concrete_fields)
    quote = connection.ops.quote_name
    names = ["key", "petition_id"] + (["owner_unit_id"] if mirrored else [])
    columns = ", ".join(map(quote, names))
    table = quote(band._meta.db_table)
    clear_bands(apps, schema_editor)
    postgres = connection.vendor == "postgresql"
    petition = band._meta.get_field("petition")
    unique = band._meta.constraints
    if postgres:
        # A check per row of the foreign key and the unique index, for 72 million rows,
        # cost more than the load: dropped, and added back below in one pass each.
        schema_editor.execute(schema_editor._delete_fk_sql(band, _fk_name(band, connection)))
        for constraint in unique:
            schema_editor.remove_constraint(band, constraint)
    insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
    for chunk in _signatures(apps, connection):
        # Plain tuples, not model instances: a million cases are 72 million rows.
        rows = [
            (k, case, owner)[: len(names)]
            for case, data, owner in chunk
            for k in band_keys(bytes(data), layout)
        ]
        if postgres:
            raw = connection.connection.cursor()
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(insert, rows)
    if postgres:
        for constraint in unique:
            schema_editor.add_constraint(band, constraint)
        schema_editor.execute(
            schema_editor._create_fk_sql(band, petition, "_fk_%(to_table)s_%(to_column)s")
        )


def _fk_name(band: Any, connection: Any) -> str:
    """Return the name of the band table's foreign key to its case, as the database has it."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, band._meta.db_table)
    return next(
        name
        for name, c in found.items()
        if c["foreign_key"] and c["columns"] == [band._meta.get_field("petition").column]
    )


def rebuild_bands_before(apps: Any, schema_editor: Any) -> None:
    rebuild_bands(apps, schema_editor, _BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("early_warnings", "0005_binary_signatures"),
        ("organization", "0001_initial"),
    ]

    # Backwards, the steps run in the reverse order: the bands are emptied first (by
    # rebuild_bands' reverse) and written in 0005's layout last, on 0005's schema.
    operations = [
        migrations.RunPython(clear_bands, rebuild_bands_before),
        migrations.AlterField(
            model_name="textband",
            name="petition",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="petitions.petition",
            ),
        ),
        migrations.AddField(
            model_name="textband",
            name="owner_unit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organization.unit",
            ),
        ),
        migrations.RemoveIndex(model_name="textband", name="ew_band_key_petition"),
        migrations.RunPython(rebuild_bands, clear_bands),
        migrations.AddIndex(
            model_name="textband",
            index=models.Index(fields=["key", "petition", "owner_unit"], name="ew_band_lookup"),
        ),
    ]
