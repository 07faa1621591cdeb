"""Reference data in the admin: time limits and categories are edited here.

Their saves and deletes go through petitions.services, which audit them; the forms show
the models' own checks (a time limit within what the database allows) as errors.
Petitions are read-only in the admin: their every change goes through the services, so
that it is checked and leaves an event and an audit row. The admin shows a case's facts,
never who petitioned (the petitioner, representatives, query code): that is on the case
page, where access.py decides and every full read is audited; and it lists only the
cases the staff user may see, as every other page does.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from xinfang.common.admin import ReadOnlyAdmin
from xinfang.common.audit import client_ip
from xinfang.petitions import access, services
from xinfang.petitions.models import Category, Petition, PetitionEvent, TimeLimitRule


@admin.register(TimeLimitRule)
class TimeLimitRuleAdmin(admin.ModelAdmin[TimeLimitRule]):
    list_display = ["key", "days", "working_days"]
    list_editable = ["days", "working_days"]

    def save_model(self, request: HttpRequest, obj: TimeLimitRule, form: Any, change: bool) -> None:
        services.time_limit_save(actor=request.user, rule=obj, ip=client_ip(request))

    def delete_model(self, request: HttpRequest, obj: TimeLimitRule) -> None:
        services.time_limit_delete(actor=request.user, rule=obj, ip=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TimeLimitRule]) -> None:
        for rule in queryset:
            services.time_limit_delete(actor=request.user, rule=rule, ip=client_ip(request))


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["__str__", "is_accusation", "is_active", "sort"]
    list_filter = ["parent", "is_accusation", "is_active"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        services.category_save(actor=request.user, category=obj, ip=client_ip(request))

    def delete_model(self, request: HttpRequest, obj: Category) -> None:
        services.category_delete(actor=request.user, category=obj, ip=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Category]) -> None:
        # Children first: a parent selected with its children is deleted after them.
        for category in sorted(queryset, key=lambda c: c.parent_id is None):
            services.category_delete(actor=request.user, category=category, ip=client_ip(request))


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
    exclude = ["petitioner", "representatives", "query_code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Petition]:
        return super().get_queryset(request).filter(access.visible_q(request.user))
