"""The unit tree in the admin: every save and delete goes through organization.services.

The form checks a new parent with the services' own rules, so a refusal shows on the form;
the services check again under their lock, and write the paths and the audit rows.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from xinfang.common.audit import client_ip
from xinfang.common.errors import ValidationFailed
from xinfang.organization import services
from xinfang.organization.models import Unit


class UnitForm(forms.ModelForm[Unit]):
    class Meta:
        model = Unit
        fields = list(services.EDITABLE_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is not None and "parent" in self.changed_data:
            try:
                services.check_unit_parent(unit=self.instance, parent=data.get("parent"))
            except ValidationFailed as e:
                self.add_error("parent", e.message)
        return data


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    form = UnitForm
    list_display = ["name", "kind", "parent", "leader", "residents", "path"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change:
            services.unit_update(actor=request.user, unit=obj, ip=client_ip(request))
        else:
            services.unit_create(actor=request.user, unit=obj, ip=client_ip(request))

    def delete_model(self, request: HttpRequest, obj: Unit) -> None:
        services.unit_delete(actor=request.user, unit=obj, ip=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Unit]) -> None:
        # Deepest first, so that a unit selected with its parent goes before it.
        for unit in sorted(queryset, key=lambda u: -len(u.path)):
            services.unit_delete(actor=request.user, unit=unit, ip=client_ip(request))
