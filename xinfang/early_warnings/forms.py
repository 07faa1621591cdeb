"""Forms of the early-warning pages: the alert filters and the note of a step on an alert."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinfang.common.pagination import MAX_PAGE
from xinfang.early_warnings.models import Alert
from xinfang.early_warnings.selectors import AlertFilters
from xinfang.petitions.forms import BoundedDateField, IdField, TextField


def _start_of(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部状态")), ("active", _("未关闭")), *Alert.Status.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *Alert.Kind.choices], required=False
    )
    severity = forms.ChoiceField(
        label=_("级别"), choices=[("", _("全部级别")), *Alert.Severity.choices], required=False
    )
    unit = IdField(label=_("责任单位"), required=False)
    raised_from = BoundedDateField(label=_("发出自"), required=False)
    raised_to = BoundedDateField(label=_("发出至"), required=False)
    page = forms.IntegerField(label=_("页码"), min_value=1, max_value=MAX_PAGE, required=False)

    def filters(self) -> AlertFilters:
        """Return the filters the valid form describes (the end date counts whole)."""
        d = self.cleaned_data
        to = d["raised_to"]
        return AlertFilters(
            status=d["status"],
            kind=d["kind"],
            severity=d["severity"],
            unit_id=d["unit"],
            raised_from=_start_of(d["raised_from"]),
            raised_before=_start_of(to + dt.timedelta(days=1)) if to else None,
        )


class AlertNoteForm(forms.Form):
    note = TextField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea)
