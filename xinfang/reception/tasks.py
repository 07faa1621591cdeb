"""The periodic work of reception days, on the task queue (`manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xinfang.reception import services


# huey ships no type information, so its decorators are untyped.
@db_periodic_task(crontab(hour="16", minute="0"))  # type: ignore[untyped-decorator]
def remind_appointments() -> None:
    """Each afternoon at 16:00, remind by SMS everyone booked on a day tomorrow."""
    services.appointments_remind()
