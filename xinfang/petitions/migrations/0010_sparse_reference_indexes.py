"""Partial indexes for the references most cases leave empty (Petition.Meta).

The full indexes Django made for these foreign keys are dropped by name in SQL: altering
the fields' db_index through the schema editor would copy the whole table five times on
SQLite (a rebuild of every index and the text index at a million cases).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The names Django gave the full indexes (schema_editor._create_index_name).
FULL_INDEXES = {
    "accused_unit_id": "petitions_petition_accused_unit_id_8b217d4a",
    "handler_id": "petitions_petition_handler_id_f9423b60",
    "merged_into_id": "petitions_petition_merged_into_id_bba5a124",
    "repeat_of_id": "petitions_petition_repeat_of_id_ca90c94c",
    "responsible_leader_id": "petitions_petition_responsible_leader_id_bb68ee64",
}


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0001_initial"),
        ("petitions", "0009_kpi_summary_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="petition",
                    name="accused_unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organization.unit",
                        verbose_name="被反映单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="petition",
                    name="handler",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="承办人",
                    ),
                ),
                migrations.AlterField(
                    model_name="petition",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged",
                        to="petitions.petition",
                        verbose_name="并入",
                    ),
                ),
                migrations.AlterField(
                    model_name="petition",
                    name="repeat_of",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="repeats",
                        to="petitions.petition",
                        verbose_name="原信访事项",
                    ),
                ),
                migrations.AlterField(
                    model_name="petition",
                    name="responsible_leader",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="包案领导",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    f'CREATE INDEX {name} ON "petitions_petition" ("{column}")',
                )
                for column, name in FULL_INDEXES.items()
            ],
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("handler__isnull", False)),
                fields=["handler"],
                name="pet_handler",
            ),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("responsible_leader__isnull", False)),
                fields=["responsible_leader"],
                name="pet_responsible_leader",
            ),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("accused_unit__isnull", False)),
                fields=["accused_unit"],
                name="pet_accused_unit",
            ),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("repeat_of__isnull", False)),
                fields=["repeat_of"],
                name="pet_repeat_of",
            ),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="pet_merged_into",
            ),
        ),
    ]
