"""Signatures as 32-bit words, 256 for the whole text: the index is rebuilt from scratch.

The old JSON signatures (64 hashes) cannot be converted, so they and their bands are
dropped; `manage.py rebuild_similarity_index` writes them anew (README: its time).
"""

from typing import Any

from django.db import migrations, models


def drop_index(apps: Any, schema_editor: Any) -> None:
    apps.get_model("early_warnings", "TextBand").objects.all().delete()
    apps.get_model("early_warnings", "TextSignature").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("early_warnings", "0004_alert_kind_deadline"),
        ("organization", "0001_initial"),
        ("petitions", "0006_event_delivery"),
    ]

    operations = [
        migrations.RunPython(drop_index, migrations.RunPython.noop),
        migrations.RemoveField(model_name="textsignature", name="signature"),
        migrations.AddField(
            model_name="textsignature",
            name="signature",
            field=models.BinaryField(default=b"", verbose_name="签名"),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="textsignature",
            index=models.Index(fields=["registered_at"], name="ew_sig_registered"),
        ),
        migrations.AddIndex(
            model_name="textsignature",
            index=models.Index(fields=["community", "registered_at"], name="ew_sig_community"),
        ),
        migrations.AddIndex(
            model_name="textsignature",
            index=models.Index(fields=["address", "registered_at"], name="ew_sig_address"),
        ),
    ]
