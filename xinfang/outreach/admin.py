"""Publicity, training, merit labels, conduct and legal-channel guidance in the admin.

The office's wording (the merit classes' labels, how each legal channel is started) is
edited here through outreach.services, which check the editor and audit the change;
neither is deleted here (a label falls back to its default only by the office's page).
Events, trainings and conduct records are kept by their pages' services and only shown,
limited to what the staff user may see; a conduct record names its case's number, never
the person, and lists no page of its own (as the petitions' admin never shows who
petitioned); an event's photos are listed without their files.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinfang.common.admin import ReadOnlyAdmin
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError
from xinfang.outreach import selectors, services
from xinfang.outreach.models import (
    Attendance,
    ChannelGuidance,
    ConductRecord,
    EventPhoto,
    MeritLabel,
    PublicityEvent,
    Training,
)
from xinfang.petitions import access
from xinfang.petitions.models import Petition


class _ServiceSaved(admin.ModelAdmin[Any]):
    """Saved only through a service; its refusal is shown, and nothing is deleted here."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        base = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class Checked(base):  # type: ignore[valid-type,misc]
            def clean(self) -> Any:
                # The service's rule of who may, shown on the form before anything is saved.
                if not selectors.may_record_conduct(user):
                    raise ValidationError(_("只有信访办和领导小组可以办理此项。"))
                return super().clean()

        return Checked

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            self.save_through_service(request, obj)
        except DomainError as e:  # checked in the form; kept for a change made meanwhile
            raise ValidationError(e.message) from e

    def save_through_service(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError


@admin.register(MeritLabel)
class MeritLabelAdmin(_ServiceSaved):
    list_display = ["code", "label", "updated_at"]
    fields = ["code", "label"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []

    def save_through_service(self, request: HttpRequest, obj: MeritLabel) -> None:
        saved = services.merit_labels_save(
            actor=request.user, wording={obj.code: obj.label}, ip=client_ip(request)
        )
        obj.pk = saved[0].pk if saved else MeritLabel.objects.get(code=obj.code).pk


@admin.register(ChannelGuidance)
class ChannelGuidanceAdmin(_ServiceSaved):
    list_display = ["channel", "page", "updated_at", "updated_by"]
    fields = ["channel", "how_to", "page"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["channel"] if obj is not None else []

    def save_through_service(self, request: HttpRequest, obj: ChannelGuidance) -> None:
        saved = services.channel_guidance_save(
            actor=request.user,
            channel=obj.channel,
            how_to=obj.how_to,
            page_id=obj.page_id,
            ip=client_ip(request),
        )
        obj.pk = saved.pk


class PhotoInline(admin.TabularInline[EventPhoto, PublicityEvent]):
    model = EventPhoto
    extra = 0
    can_delete = False
    readonly_fields = fields = ("name", "content_type", "size", "uploaded_by", "uploaded_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PublicityEvent)
class PublicityEventAdmin(ReadOnlyAdmin[PublicityEvent]):
    list_display = ["held_on", "owner_unit", "place", "form", "audience"]
    list_filter = ["form"]
    date_hierarchy = "held_on"
    search_fields = ["place", "materials"]
    inlines = [PhotoInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PublicityEvent]:
        return selectors.events_for_user(request.user).select_related("owner_unit")


class AttendanceInline(admin.TabularInline[Attendance, Training]):
    model = Attendance
    extra = 0
    can_delete = False
    readonly_fields = fields = ("user", "present")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdmin[Training]):
    list_display = ["held_on", "topic", "trainer", "owner_unit"]
    date_hierarchy = "held_on"
    search_fields = ["topic", "trainer"]
    inlines = [AttendanceInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Training]:
        return selectors.trainings_for_user(request.user).select_related("owner_unit")


@admin.register(ConductRecord)
class ConductRecordAdmin(ReadOnlyAdmin[ConductRecord]):
    list_display = ["occurred_on", "case_number", "place", "measure_by", "recorded_by"]
    list_display_links = None
    date_hierarchy = "occurred_on"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_view_permission(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConductRecord]:
        # The staff pages' rule (selectors.conduct_of): cases whose petitioner the user may know.
        known = Petition.objects.filter(access.identity_visible_q(request.user))
        return ConductRecord.objects.filter(petition__in=known).select_related(
            "petition", "recorded_by"
        )

    @admin.display(description=_("信访事项"))
    def case_number(self, record: ConductRecord) -> str:
        return record.petition.number
