"""The phone names the person only for a booking without an ID number.

A mother and her son, each with an ID number of their own, may book one date from one
phone. An earlier version of 0002 built the phone's constraint for every booking: its
index is dropped where it exists (IF EXISTS: a database that ran 0002 as it now stands
has none), and the constraint is built for bookings without an ID number.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reception", "0002_appointment_date")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "rc_one_booking_a_date_phone"',
                    migrations.RunSQL.noop,
                )
            ],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="appointment", name="rc_one_booking_a_date_phone"
                )
            ],
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("status", "cancelled"), _negated=True),
                    models.Q(("phone", ""), _negated=True),
                    ("id_number", ""),
                ),
                fields=("date", "phone"),
                name="rc_one_booking_a_date_phone",
            ),
        ),
    ]
