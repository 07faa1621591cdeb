"""The dashboard's period and unit pickers, and the KPI case list's parameters."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.assessment import kpis
from xinfang.assessment.kpis import Period

# The year first: it is the default, so a form without `period` shows what it counts.
PERIOD_CHOICES = [
    ("year", _("年度")),
    ("quarter", _("季度")),
    ("month", _("月度")),
    ("custom", _("自定义")),
]


class PeriodForm(forms.Form):
    """A month, quarter or year around a day (`on`), or a custom start–end; and a unit."""

    period = forms.ChoiceField(label=_("统计周期"), choices=PERIOD_CHOICES, required=False)
    on = forms.DateField(label=_("所在日期"), required=False)
    start = forms.DateField(label=_("起始日期"), required=False)
    end = forms.DateField(label=_("截止日期"), required=False)
    unit = forms.IntegerField(label=_("单位"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == "custom" or (data.get("start") and data.get("end")):
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise forms.ValidationError(_("自定义周期须填写起止日期。"))
            if end < start:
                raise forms.ValidationError(_("截止日期不能早于起始日期。"))
        return data

    def resolve(self, today: dt.date) -> Period:
        """Return the period chosen; the year of `today` by default."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        kind = data.get("period") or "year"
        return kpis.PERIOD_KINDS.get(kind, kpis.year_of)(data.get("on") or today)


class CaseListForm(forms.Form):
    """Which figure's cases to list, and the segment of a breakdown chosen on the dashboard."""

    kpi = forms.CharField(required=True)
    part = forms.ChoiceField(choices=[(p, p) for p in kpis.PARTS], required=False)
    unit = forms.IntegerField(required=False)
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
    channel = forms.CharField(required=False)
    category = forms.IntegerField(required=False)
    community = forms.IntegerField(required=False)
    owner = forms.IntegerField(required=False)
