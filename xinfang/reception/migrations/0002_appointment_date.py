"""One live booking a person a date, across days: bookings carry their day's date."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_dates(apps, schema_editor):
    Appointment = apps.get_model("reception", "Appointment")
    ReceptionDay = apps.get_model("reception", "ReceptionDay")
    Appointment.objects.update(
        date=Subquery(ReceptionDay.objects.filter(pk=OuterRef("day_id")).values("date")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("reception", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="appointment", name="rc_one_booking_a_day"),
        migrations.RemoveField(model_name="appointment", name="person_key"),
        migrations.AddField(
            model_name="appointment",
            name="date",
            field=models.DateField(null=True, verbose_name="接访日期"),
        ),
        migrations.RunPython(copy_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appointment",
            name="date",
            field=models.DateField(verbose_name="接访日期"),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("status", "cancelled"), _negated=True),
                    models.Q(("id_number", ""), _negated=True),
                ),
                fields=("date", "id_number"),
                name="rc_one_booking_a_date_id",
            ),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("status", "cancelled"), _negated=True),
                    models.Q(("phone", ""), _negated=True),
                ),
                fields=("date", "phone"),
                name="rc_one_booking_a_date_phone",
            ),
        ),
    ]
