"""Reception days in the admin: read only, and without the people booked.

Every write of a day, a booking, a check-in or a record goes through reception.services
(checked and audited) from the reception pages, so the admin only shows them, limited
to the days the staff user may see (selectors.days_for_user). Who booked or came is the
petitioner's: the admin lists bookings and records by day, slot and status, the phone
masked, and opens no page of one (its title would name the person), as the petitions'
admin never shows who petitioned.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinfang.common.admin import ReadOnlyAdmin
from xinfang.reception import selectors
from xinfang.reception.models import Appointment, ReceptionDay, ReceptionRecord, ReceptionSlot


class SlotInline(admin.TabularInline[ReceptionSlot, ReceptionDay]):
    model = ReceptionSlot
    extra = 0
    can_delete = False
    readonly_fields = fields = ("start", "end", "capacity", "booked")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ReadOnlyAdmin[ReceptionDay]):
    list_display = ["date", "leader", "owner_unit", "place", "focus", "is_published", "status"]
    list_filter = ["status", "is_published"]
    date_hierarchy = "date"
    search_fields = ["place", "focus"]
    inlines = [SlotInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReceptionDay]:
        return selectors.days_for_user(request.user)


class ListOnlyAdmin(ReadOnlyAdmin[Any]):
    """Rows listed by what they are, never opened: an object's page is titled by its person."""

    list_display_links = None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_view_permission(request)


@admin.register(Appointment)
class AppointmentAdmin(ListOnlyAdmin):
    list_display = ["day", "slot", "source", "status", "masked_phone", "created_at"]
    list_filter = ["status", "source"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appointment]:
        days = selectors.days_for_user(request.user)
        return Appointment.objects.filter(day__in=days).select_related("day__leader", "slot")

    @admin.display(description=_("手机号"))
    def masked_phone(self, appointment: Appointment) -> str:
        return appointment.masked_phone


@admin.register(ReceptionRecord)
class ReceptionRecordAdmin(ListOnlyAdmin):
    list_display = ["day", "case_number", "created_case", "created_by", "created_at"]
    list_filter = ["created_case"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReceptionRecord]:
        days = selectors.days_for_user(request.user)
        return ReceptionRecord.objects.filter(day__in=days).select_related(
            "day__leader", "petition", "created_by"
        )

    @admin.display(description=_("信访事项"))
    def case_number(self, record: ReceptionRecord) -> str:
        return record.petition.number
