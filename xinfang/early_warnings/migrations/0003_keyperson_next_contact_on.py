import datetime as dt

from django.db import migrations, models
from django.utils import timezone


def fill(apps, schema_editor):
    """Set each key person's next contact a cadence after the last contact or the listing."""
    KeyPerson = apps.get_model("early_warnings", "KeyPerson")
    rows = list(KeyPerson.objects.only("last_contact_on", "created_at", "cadence_days"))
    for p in rows:
        since = p.last_contact_on or timezone.localdate(p.created_at)
        p.next_contact_on = since + dt.timedelta(days=p.cadence_days)
    KeyPerson.objects.bulk_update(rows, ["next_contact_on"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("early_warnings", "0002_alerts_registers_briefing")]

    operations = [
        migrations.AddField(
            model_name="keyperson",
            name="next_contact_on",
            field=models.DateField(null=True, verbose_name="下次联系"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="keyperson",
            name="next_contact_on",
            field=models.DateField(verbose_name="下次联系"),
        ),
        migrations.AddIndex(
            model_name="keyperson",
            index=models.Index(fields=["status", "next_contact_on"], name="ew_keyperson_due"),
        ),
    ]
