"""Reception days for tests, made through the services."""

import datetime as dt
from typing import Any

from xinfang.common import clock
from xinfang.organization.tests.factories import UserFactory
from xinfang.reception import services
from xinfang.reception.models import ReceptionDay
from xinfang.reception.services import DayData, PersonData, SlotData


def reception_day(
    street: Any,
    *,
    days_ahead: int = 1,
    capacity: int = 2,
    slots: int = 1,
    published: bool = True,
    leader: Any = None,
) -> ReceptionDay:
    """Schedule (and publish) a day of the street's leader `days_ahead` from today."""
    data = DayData(
        leader_id=(leader or street.leader).pk,
        date=clock.today() + dt.timedelta(days=days_ahead),
        place="街道信访接待室",
        focus="城中村改造",
        slots=[
            SlotData(start=dt.time(9 + i), end=dt.time(10 + i), capacity=capacity)
            for i in range(slots)
        ],
    )
    day = services.reception_day_create(actor=street.registrar, data=data)
    if published:
        services.reception_day_publish(actor=street.registrar, day_id=day.pk)
    return day


def person(n: int = 1, **overrides: Any) -> PersonData:
    """Return the n-th test person: a name, a mobile number and an ID number of their own."""
    fields: dict[str, Any] = {
        "name": f"预约人{n}",
        "phone": f"1390000{n:04d}",
        "id_number": "",
    }
    return PersonData(**(fields | overrides))


def another_leader(street: Any) -> Any:
    """Return a second leader of the street, to receive on a day of their own."""
    return UserFactory(role="unit_leader", unit=street.street)
