"""Send a notification: recorded at once, handed to its channel by the task queue.

`notification_send` writes the row and, once the caller's transaction commits, queues its
delivery, so a slow or failing gateway never slows or breaks the work that sent it (a
registration, a booking). Delivery is retried with backoff; what finally failed stays in
the register with its error, for the administrator to see. A secret (a one-time code) is
kept only until it has left: `keep_text=False` blanks the stored text once it is sent.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from huey.contrib.djhuey import db_task
from huey.exceptions import RetryTask

from xinfang.common import clock
from xinfang.notifications.gateways import sms_gateway
from xinfang.notifications.models import Channel, Notification

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = dt.timedelta(seconds=30)


@transaction.atomic
def notification_send(
    *,
    channel: Channel,
    to: str,
    text: str,
    purpose: str,
    subject: str = "",
    keep_text: bool = True,
) -> Notification:
    """Record a message to one person and queue its delivery after the commit."""
    note = Notification.objects.create(
        channel=channel,
        to=to,
        subject=subject,
        text=text,
        purpose=purpose,
        keep_text=keep_text,
        created_at=clock.now(),
    )
    transaction.on_commit(lambda: deliver_notification(note.pk))
    return note


def notification_deliver(note: Notification) -> bool:
    """Hand the message to its channel; record the outcome and return whether it left."""
    note.attempts += 1
    try:
        if note.channel == Channel.SMS:
            sms_gateway().send(phone=note.to, text=note.text)
        else:
            send_mail(note.subject, note.text, settings.DEFAULT_FROM_EMAIL, [note.to])
    except Exception as exc:
        log.exception("notification %s to %s failed", note.pk, note.to)
        note.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        note.save(update_fields=["attempts", "last_error"])
        return False
    note.sent_at = clock.now()
    note.last_error = ""
    if not note.keep_text:
        note.text = ""
    note.save(update_fields=["attempts", "sent_at", "last_error", "text"])
    return True


# huey ships no type information, so its decorators are untyped.
@db_task()  # type: ignore[untyped-decorator]
def deliver_notification(note_id: int) -> None:
    """Deliver one notification not yet sent; retry with backoff up to MAX_ATTEMPTS."""
    note = Notification.objects.filter(pk=note_id, sent_at=None).first()
    if note is None or notification_deliver(note) or note.attempts >= MAX_ATTEMPTS:
        return
    raise RetryTask(delay=(FIRST_RETRY * 2 ** (note.attempts - 1)).total_seconds())
