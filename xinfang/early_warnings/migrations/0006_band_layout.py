"""The bands in their new layout: the whole text's first 48 hashes one by one, the title's
first 48 in pairs (rules.band_keys), each row with its case's owner unit, indexed as the
lookup reads them (key, petition, owner unit); the case column's own index is dropped
(the unique (petition, key) index serves it).

The bands are recomputed from the stored signatures — no text is signed again — in
chunks; the keys are computed here as rules.band_keys computed them when this was
written, so that a later change of layout comes with its own migration.
"""

import hashlib
import struct
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

_WORD = 4
_FULL_WORDS = 256
# (part, bands, rows) of the whole text (1) and the title (0): this layout, and 0005's.
LAYOUT = ((1, 48, 1), (0, 24, 2))
_BEFORE = ((1, 32, 2), (0, 32, 2))
_CHUNK = 2000


def band_keys(signature: bytes, layout: Any = LAYOUT) -> set[int]:
    parts = {1: signature[: _FULL_WORDS * _WORD], 0: signature[_FULL_WORDS * _WORD :]}
    keys = set()
    for part, bands, rows in layout:
        words = parts[part]
        if not words:
            continue  # no title signature
        width = rows * _WORD
        for band in range(bands):
            packed = struct.pack("<BH", part, band) + words[band * width : (band + 1) * width]
            keys.add(int.from_bytes(hashlib.blake2b(packed, digest_size=8).digest()) >> 1)
    return keys


def rebuild_bands(apps: Any, schema_editor: Any, layout: Any = LAYOUT) -> None:
    band = apps.get_model("early_warnings", "TextBand")
    signature = apps.get_model("early_warnings", "TextSignature")
    quote = schema_editor.connection.ops.quote_name
    columns = ", ".join(map(quote, ("key", "petition_id", "owner_unit_id")))
    insert = f"INSERT INTO {quote(band._meta.db_table)} ({columns}) VALUES (%s, %s, %s)"
    rows = signature.objects.order_by("pk").values_list(
        "petition_id", "signature", "petition__owner_unit_id"
    )
    last = 0
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            # Check the rows' foreign keys as they go in: the index added after this
            # step cannot be built on a table with checks still pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DELETE FROM {quote(band._meta.db_table)}")
        while chunk := list(rows.filter(pk__gt=last)[:_CHUNK]):
            # Plain tuples, not model instances: a million cases are 72 million rows.
            cursor.executemany(
                insert,
                [
                    (k, petition_id, owner)
                    for petition_id, data, owner in chunk
                    for k in band_keys(bytes(data), layout)
                ],
            )
            last = chunk[-1][0]


def rebuild_bands_before(apps: Any, schema_editor: Any) -> None:
    rebuild_bands(apps, schema_editor, _BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("early_warnings", "0005_binary_signatures"),
        ("organization", "0001_initial"),
    ]

    operations = [
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
        migrations.RunPython(rebuild_bands, rebuild_bands_before),
        migrations.AddIndex(
            model_name="textband",
            index=models.Index(fields=["key", "petition", "owner_unit"], name="ew_band_lookup"),
        ),
    ]
