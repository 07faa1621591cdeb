"""The periodic work of early warnings, on the task queue (`manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xinfang.early_warnings import services


# huey ships no type information, so its decorators are untyped.
@db_periodic_task(crontab(minute="*/15"))  # type: ignore[untyped-decorator]
def escalate_alerts() -> None:
    """Every quarter hour, escalate the alerts left unacknowledged past the time limit."""
    services.alerts_escalate()


@db_periodic_task(crontab(hour="7", minute="0"))  # type: ignore[untyped-decorator]
def check_key_person_contacts() -> None:
    """Each morning, raise an alert for each key person whose contact is overdue."""
    services.key_persons_check_contacts()


@db_periodic_task(crontab(minute="5"))  # type: ignore[untyped-decorator]
def detect_surges() -> None:
    """Every hour, look for categories and communities whose week is a surge."""
    services.surges_detect()


@db_periodic_task(crontab(hour="7", minute="10"))  # type: ignore[untyped-decorator]
def detect_deadlines() -> None:
    """Each morning, alert each unit on its cases past their deadline or about to pass it."""
    services.deadlines_detect()


@db_periodic_task(crontab(hour="6", minute="30"))  # type: ignore[untyped-decorator]
def generate_briefings() -> None:
    """Each morning at 6:30, generate and keep every street's and district's daily briefing."""
    services.briefings_generate()
