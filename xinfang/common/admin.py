from django.contrib import admin

from xinfang.common.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that shows rows and never writes them: their writes go through services."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "kind", "object_type", "object_id", "summary", "ip"]
    list_filter = ["kind", "object_type"]
    search_fields = ["object_id", "summary", "actor__username"]
    date_hierarchy = "at"
