"""Reference data in the admin: time limits and categories are edited here.

Petitions are read-only in the admin: their every change goes through the services, so
that it is checked and leaves an event and an audit row.
"""

from django.contrib import admin

from xinfang.common.admin import ReadOnlyAdmin
from xinfang.petitions.models import Category, Petition, PetitionEvent, TimeLimitRule


@admin.register(TimeLimitRule)
class TimeLimitRuleAdmin(admin.ModelAdmin[TimeLimitRule]):
    list_display = ["key", "days", "working_days"]
    list_editable = ["days", "working_days"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["__str__", "is_accusation", "is_active", "sort"]
    list_filter = ["parent", "is_accusation", "is_active"]
    search_fields = ["name"]


class EventInline(admin.TabularInline[PetitionEvent, Petition]):
    model = PetitionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "action", "from_status", "to_status", "note")
    fields = readonly_fields


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin[Petition]):
    list_display = ["id", "title", "channel", "status", "registered_at", "due_date"]
    list_filter = ["status", "channel"]
    date_hierarchy = "registered_at"
    search_fields = ["title"]
    inlines = [EventInline]
    show_full_result_count = False
