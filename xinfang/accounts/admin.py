from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from xinfang.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "full_name", "role", "unit", "is_active"]
    list_filter = ["role", "unit", "is_active"]
    # The stubs give UserAdmin ModelAdmin's optional fieldsets; Django's UserAdmin sets them.
    fieldsets = (*BaseUserAdmin.fieldsets, ("信访", {"fields": ("full_name", "role", "unit")}))  # type: ignore[misc]
