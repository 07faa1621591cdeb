"""Periodic work of the routers, run by the task queue's consumer (`manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xinfang.routing import services


# huey ships no type information, so its decorators are untyped.
@db_periodic_task(crontab(hour="2", minute="30"))  # type: ignore[untyped-decorator]
def retrain_routers() -> None:
    """Retrain the category and unit routers every night at 02:30, office time."""
    services.routers_retrain()
