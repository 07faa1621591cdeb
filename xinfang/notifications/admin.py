"""The register of notifications, for the administrator to see what left and what failed.

It shows the recipient masked and never the text: a message may carry a one-time code
or a case's details, which are the petitioner's, not the administrator's, to read.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinfang.common.admin import ReadOnlyAdmin
from xinfang.common.text import mask_phone
from xinfang.notifications.models import Channel, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin[Notification]):
    list_display = ["created_at", "channel", "recipient", "purpose", "sent_at", "attempts"]
    list_filter = ["channel", "purpose"]
    readonly_fields = fields = (
        "created_at",
        "channel",
        "recipient",
        "purpose",
        "sent_at",
        "attempts",
        "last_error",
    )
    date_hierarchy = "created_at"

    @admin.display(description=_("收件人"))
    def recipient(self, note: Notification) -> str:
        if note.channel == Channel.SMS:
            return mask_phone(note.to)
        name, _at, domain = note.to.partition("@")
        return f"{name[:1]}***@{domain}"
