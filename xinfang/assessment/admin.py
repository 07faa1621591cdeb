from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from xinfang.assessment import scoring, selectors, services
from xinfang.assessment.models import (
    AccountabilityRecord,
    Assessment,
    Commendation,
    MajorIncident,
    Scheme,
    SchemeAdjustment,
    SchemeItem,
)
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


class SchemeItemFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """The items as edited: their points must add up to the scheme's total, refused otherwise."""

    def clean(self) -> None:
        super().clean()
        items = [
            scoring.ItemRule(
                f.cleaned_data["kpi"],
                f.cleaned_data["points"],
                f.cleaned_data["target"],
                f.cleaned_data["rule"],
                f.cleaned_data.get("floor"),
                f.cleaned_data.get("step"),
                f.cleaned_data.get("step_points"),
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        total = self.instance.total if self.instance.total is not None else Decimal(0)
        problems = selectors.rules_problems(total, items, [])
        frozen = self.instance.pk and selectors.scheme_frozen_assessment(self.instance)
        if frozen:
            problems.append(_("该考核办法已用于定稿的考核“%(a)s”，不能再修改。") % {"a": frozen})
        if problems:
            raise forms.ValidationError(problems)


class SchemeItemInline(admin.TabularInline[SchemeItem, Scheme]):
    model = SchemeItem
    formset = SchemeItemFormSet
    extra = 0


class SchemeAdjustmentInline(admin.TabularInline[SchemeAdjustment, Scheme]):
    model = SchemeAdjustment
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin[Scheme]):
    list_display = ["name", "year", "level", "total"]
    list_filter = ["year", "level"]
    inlines = [SchemeItemInline, SchemeAdjustmentInline]

    def save_model(self, request: HttpRequest, obj: Scheme, form: Any, change: bool) -> None:
        services.scheme_save(
            actor=request.user, scheme=obj, changed=list(form.changed_data), ip=client_ip(request)
        )


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin[Assessment]):
    """Read only: assessments are run and frozen on their own pages, through the services."""

    list_display = ["scheme", "root", "start", "end", "frozen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccountabilityRecord)
class AccountabilityRecordAdmin(admin.ModelAdmin[AccountabilityRecord]):
    """Read only: findings are recorded on their page, against a case the recorder sees."""

    list_display = ["decided_on", "unit", "person", "measure", "decided_by"]
    list_filter = ["measure"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin[Commendation]):
    list_display = ["awarded_on", "unit", "title", "awarded_by"]
    autocomplete_fields = ["unit"]

    def save_model(self, request: HttpRequest, obj: Commendation, form: Any, change: bool) -> None:
        services.commendation_save(
            actor=request.user,
            commendation=obj,
            changed=list(form.changed_data),
            ip=client_ip(request),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
