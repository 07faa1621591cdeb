"""Every write of reception days: the schedule, bookings, check-in, records, reminders.

Each function is one atomic unit: it checks who may, locks what it changes, writes it
with its AuditEntry, and sends its SMS on commit. Callers use the names below; the
modules group what belongs together: days (the schedule), bookings (a place taken, moved
or given back), on_the_day (check-in, walk-ins, the leader's record, reminders).
"""

from xinfang.reception.services.bookings import (
    BookedUnderAnotherPhone,
    PersonData,
    appointment_book,
    appointment_book_public,
    appointment_cancel_public,
    appointment_move_public,
    appointment_refusal_notify,
)
from xinfang.reception.services.days import (
    DayData,
    SlotData,
    reception_day_cancel,
    reception_day_create,
    reception_day_move,
    reception_day_publish,
)
from xinfang.reception.services.on_the_day import (
    appointment_mark,
    appointment_walk_in,
    appointments_remind,
    reception_record_create,
)

__all__ = [
    "BookedUnderAnotherPhone",
    "DayData",
    "PersonData",
    "SlotData",
    "appointment_book",
    "appointment_book_public",
    "appointment_cancel_public",
    "appointment_mark",
    "appointment_move_public",
    "appointment_refusal_notify",
    "appointment_walk_in",
    "appointments_remind",
    "reception_day_cancel",
    "reception_day_create",
    "reception_day_move",
    "reception_day_publish",
    "reception_record_create",
]
