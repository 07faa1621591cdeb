"""The dashboard's period and unit pickers, and the KPI case list's parameters.

The fields are the petitions' bounded ones (dates within 1900–2100, positive 63-bit ids,
text without NUL), and the API's KPI parameters are derived from these same forms.
"""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.assessment import kpis
from xinfang.assessment.kpis import Period
from xinfang.petitions.forms import BoundedDateField, IdField, TextField

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
    on = BoundedDateField(label=_("所在日期"), required=False)
    start = BoundedDateField(label=_("起始日期"), required=False)
    end = BoundedDateField(label=_("截止日期"), required=False)
    unit = IdField(label=_("单位"), required=False)

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


class KpiForm(forms.Form):
    """The period and unit of the API's figures: a start–end (both or neither) and a unit."""

    unit = IdField(label=_("单位"), required=False, help_text=_("单位编号，默认为本人所属单位"))
    start = BoundedDateField(
        label=_("起始日期"), required=False, help_text=_("统计起始日期（含），默认本月")
    )
    end = BoundedDateField(label=_("截止日期"), required=False, help_text=_("统计截止日期（含）"))


class KpiCasesForm(forms.Form):
    """Which figure's cases a list shows: its key, numerator or denominator, its period."""

    kpi = TextField(
        label=_("指标"),
        max_length=40,
        required=False,
        help_text=_("指标键，如 on_time_rate；另有 registered、overdue、at_risk"),
    )
    part = forms.ChoiceField(
        label=_("分子或分母"), choices=[(p, p) for p in kpis.PARTS], required=False
    )
    start = BoundedDateField(label=_("起始日期"), required=False)
    end = BoundedDateField(label=_("截止日期"), required=False)


class CaseListForm(KpiCasesForm):
    """The cases behind a figure on the dashboard, and the segment of a breakdown chosen."""

    kpi = TextField(label=_("指标"), max_length=40)
    unit = IdField(required=False)
    channel = TextField(max_length=20, required=False)
    category = IdField(required=False)
    community = IdField(required=False)
    owner = IdField(required=False)
