"""Reception-day bookings on the portal: the phone proved by the portal's one-time code.

A booking spends the code and takes the place in one transaction (as an online petition
does): a booking refused leaves the code unspent, a wrong code is counted and refused.
Looking up, moving and cancelling one's bookings needs the phone proved once; the portal
keeps that proof in the session for a short while (booking_views).
"""

from django.db import transaction

from xinfang.common.errors import ValidationFailed
from xinfang.portal.services import Purpose, _otp_try
from xinfang.reception.models import Appointment
from xinfang.reception.services import PersonData, appointment_book_public


def reception_book(
    *, slot_id: int, person: PersonData, otp: str, ip: str | None = None
) -> Appointment:
    """Book a place for the holder of the phone `otp` was sent to."""
    with transaction.atomic():
        refusal = _otp_try(person.phone, Purpose.SUBMIT, otp)
        if refusal is None:
            return appointment_book_public(slot_id=slot_id, person=person, ip=ip)
    raise ValidationFailed(refusal, field="otp")
