"""One live booking a person a date, across days: bookings carry their day's date.

The old rule was one booking a day, keyed by the ID number, else the phone; a date may hold
several days (two leaders), so the same person may be booked twice on one date. The first
step cancels the later of such bookings (a no-op on data that holds the rule already).
The phone's constraint is built by 0003, for bookings without an ID number only: the one
this migration once built (for any booking) refused people who share a phone.
"""

from django.db import migrations, models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone


def cancel_duplicates(apps, schema_editor):
    """Cancel each live booking of a person on a date that holds an earlier one; say how many.

    One person: the same ID number, or without one the same phone (0003's constraints). The
    booking kept is the one checked in, else the first made; each cancelled booking frees
    its place and gets an audit entry saying why.
    """
    Appointment = apps.get_model("reception", "Appointment")
    ReceptionSlot = apps.get_model("reception", "ReceptionSlot")
    AuditEntry = apps.get_model("common", "AuditEntry")
    live = Appointment.objects.exclude(status="cancelled").annotate(
        rank=Case(When(status="checked_in", then=Value(0)), default=Value(1))
    )
    before = (
        Q(rank__lt=OuterRef("rank"))
        | Q(rank=OuterRef("rank"), created_at__lt=OuterRef("created_at"))
        | Q(rank=OuterRef("rank"), created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
    )
    kept = live.filter(
        Q(day__date=OuterRef("day__date"), id_number=OuterRef("id_number")),
        ~Q(id_number="") | (Q(phone=OuterRef("phone")) & ~Q(phone="")),
        before,
    )
    doubles = list(live.filter(Exists(kept)).values_list("pk", "slot_id", "day__date"))
    if not doubles:
        return
    if schema_editor.connection.vendor == "postgresql":
        # Foreign keys checked as each statement ends, for the rest of this migration's
        # transaction: PostgreSQL alters no table with checks pending, and the rows written
        # here are written again by copy_dates before the date column is altered.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    pks = [pk for pk, _, _ in doubles]
    freed = (
        Appointment.objects.filter(pk__in=pks, slot=OuterRef("pk"))
        .values("slot")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ReceptionSlot.objects.filter(pk__in={slot for _, slot, _ in doubles if slot}).update(
        booked=Greatest(F("booked") - Subquery(freed), Value(0))
    )
    at = timezone.now()
    Appointment.objects.filter(pk__in=pks).update(status="cancelled", cancelled_at=at)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=at,
            kind="change",
            object_type="appointment",
            object_id=str(pk),
            fields=["status"],
            summary=f"migration reception 0002: a second live booking of the person on {date}",
        )
        for pk, _, date in doubles
    )
    print(f"\n  reception 0002: cancelled {len(pks)} second booking(s) of a person on a date")


def restore_person_keys(apps, schema_editor):
    """Back to 0001: each booking's person key, the ID number, else the phone."""
    Appointment = apps.get_model("reception", "Appointment")
    Appointment.objects.update(
        person_key=Case(When(id_number="", then=F("phone")), default=F("id_number"))
    )


def copy_dates(apps, schema_editor):
    Appointment = apps.get_model("reception", "Appointment")
    ReceptionDay = apps.get_model("reception", "ReceptionDay")
    Appointment.objects.update(
        date=Subquery(ReceptionDay.objects.filter(pk=OuterRef("day_id")).values("date")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("reception", "0001_initial"), ("common", "0001_initial")]

    operations = [
        migrations.RunPython(cancel_duplicates, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="appointment", name="rc_one_booking_a_day"),
        migrations.RunPython(migrations.RunPython.noop, restore_person_keys),
        # A default, for the way back to add the column to the rows there are.
        migrations.AlterField(
            model_name="appointment",
            name="person_key",
            field=models.CharField(default="", max_length=40),
        ),
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
        # In the state only: 0003 drops the index where an earlier version of this
        # migration built it, and builds the phone's constraint as it now stands.
        migrations.SeparateDatabaseAndState(
            state_operations=[
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
        ),
    ]
