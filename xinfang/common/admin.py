from django.contrib import admin

from xinfang.common.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "kind", "object_type", "object_id", "summary", "ip"]
    list_filter = ["kind", "object_type"]
    search_fields = ["object_id", "summary", "actor__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
