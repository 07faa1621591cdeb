"""The office's detection thresholds in the admin, changed through their service."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from xinfang.common.errors import ValidationFailed
from xinfang.early_warnings import rules, services
from xinfang.early_warnings.models import Thresholds


class ThresholdsForm(ModelForm):  # type: ignore[type-arg]  # of one model
    class Meta:
        model = Thresholds
        fields = ["min_people", "window_days", "escalate_after_hours"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The service's own refusals, shown on the field before anything is saved.
        for field, _reason in rules.check_thresholds(
            data.get("min_people", 0), data.get("window_days", 0)
        ):
            raise ValidationError({field: services.REFUSALS[_reason]})
        return data


@admin.register(Thresholds)
class ThresholdsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # of one model
    form = ThresholdsForm
    list_display = ["min_people", "window_days", "escalate_after_hours"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Thresholds.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Thresholds, form: Any, change: bool) -> None:
        try:
            saved = services.thresholds_update(
                min_people=obj.min_people,
                window_days=obj.window_days,
                escalate_after_hours=obj.escalate_after_hours,
            )
        except ValidationFailed as e:  # checked in clean(); kept for a change made meanwhile
            raise ValidationError(e.message) from e
        obj.pk = saved.pk
