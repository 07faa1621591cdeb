"""Reception-day bookings on the portal: the phone proved by the portal's one-time code.

A booking spends the code and takes the place in one transaction (as an online petition
does): a booking refused leaves the code unspent, a wrong code is counted and refused.
Looking up, moving and cancelling one's bookings needs the phone proved once; the portal
keeps that proof in the session for a short while (booking_views).

One refusal is different. An ID number already booked that day under another phone is
refused in words that do not say so (reception.services.BookedUnderAnotherPhone), the
code or the session's proof is spent by the try, so that each try at someone's ID number
costs a code (rate-limited per phone and per address), and the holder of that booking is
told by SMS. Whether an ID number is booked is nobody's to learn by typing it in.
"""

from django.db import transaction

from xinfang.common.errors import ValidationFailed
from xinfang.portal.services import Purpose, _otp_try
from xinfang.reception.models import Appointment
from xinfang.reception.services import (
    BookedUnderAnotherPhone,
    PersonData,
    appointment_book_public,
    appointment_move_public,
    appointment_refusal_notify,
)


def reception_book(
    *, slot_id: int, person: PersonData, otp: str, ip: str | None = None
) -> Appointment:
    """Book a place for the holder of the phone `otp` was sent to."""
    refused: ValidationFailed
    with transaction.atomic():
        refusal = _otp_try(person.phone, Purpose.SUBMIT, otp)
        if refusal is None:
            try:
                # The service's own savepoint: rolled back alone, the code stays spent.
                return appointment_book_public(slot_id=slot_id, person=person, ip=ip)
            except BookedUnderAnotherPhone as exc:
                appointment_refusal_notify(refusal=exc, ip=ip)
                refused = exc
        else:
            refused = ValidationFailed(refusal, field="otp")
    raise refused


def reception_move(
    *, appointment_id: int, phone: str, slot_id: int, ip: str | None = None
) -> Appointment:
    """Move the proved phone's booking to another slot (the caller ends the proof on
    BookedUnderAnotherPhone)."""
    with transaction.atomic():
        try:
            return appointment_move_public(
                appointment_id=appointment_id, phone=phone, slot_id=slot_id, ip=ip
            )
        except BookedUnderAnotherPhone as exc:
            appointment_refusal_notify(refusal=exc, ip=ip)
            refused = exc
    raise refused
