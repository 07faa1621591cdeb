from typing import TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from xinfang.common.models import AuditEntry

_ModelT = TypeVar("_ModelT", bound=Model)


class ReadOnlyAdmin(admin.ModelAdmin[_ModelT]):
    """An admin that shows rows and never writes them: their writes go through services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    list_display = ["at", "actor", "kind", "object_type", "object_id", "summary", "ip"]
    list_filter = ["kind", "object_type"]
    search_fields = ["object_id", "summary", "actor__username"]
    date_hierarchy = "at"
