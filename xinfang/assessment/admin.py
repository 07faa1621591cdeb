from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinfang.assessment import services
from xinfang.assessment.models import MajorIncident
from xinfang.common.audit import client_ip


@admin.register(MajorIncident)
class MajorIncidentAdmin(admin.ModelAdmin[MajorIncident]):
    list_display = ["occurred_on", "unit", "kind", "head_count"]
    list_filter = ["kind", "occurred_on"]
    date_hierarchy = "occurred_on"
    search_fields = ["description"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request: HttpRequest, obj: MajorIncident, form: Any, change: bool) -> None:
        services.major_incident_save(
            actor=request.user, incident=obj, changed=list(form.changed_data), ip=client_ip(request)
        )

    def delete_model(self, request: HttpRequest, obj: MajorIncident) -> None:
        services.major_incident_delete(actor=request.user, incident=obj, ip=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for incident in queryset:
            self.delete_model(request, incident)
