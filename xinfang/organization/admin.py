from django.contrib import admin

from xinfang.organization.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "kind", "parent", "leader", "residents", "path"]
    list_filter = ["kind"]
    search_fields = ["name"]
