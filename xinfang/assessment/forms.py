"""The dashboard's pickers, the KPI case list's parameters, assessment runs and findings.

The fields are the petitions' bounded ones (dates within 1900–2100, positive 63-bit ids,
text without NUL), and the API's KPI parameters are derived from these same forms.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.assessment import kpis
from xinfang.assessment.kpis import Period
from xinfang.assessment.models import (
    LEVEL_CHOICES,
    AccountabilityRecord,
    Scheme,
    SchemeAdjustment,
    SchemeItem,
    SpotCheckCase,
)
from xinfang.organization.models import Unit
from xinfang.petitions.forms import BoundedDateField, IdChoiceField, IdField, TextField

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

    def clean_part(self) -> str:
        """Return the part asked for; a figure's list is its numerator's by default."""
        return str(self.cleaned_data.get("part") or "numerator")


class CaseListForm(KpiCasesForm):
    """The cases behind a figure on the dashboard, and the segment of a breakdown chosen."""

    kpi = TextField(label=_("指标"), max_length=40)
    unit = IdField(required=False)
    channel = TextField(max_length=20, required=False)
    category = IdField(required=False)
    community = IdField(required=False)
    owner = IdField(required=False)


ASSESSMENT_PERIODS = [
    ("year", _("全年")),
    ("q1", _("第一季度")),
    ("q2", _("第二季度")),
    ("q3", _("第三季度")),
    ("q4", _("第四季度")),
]


class AssessmentRunForm(forms.Form):
    """Which scheme to apply, and to its year or one of its quarters."""

    scheme = IdChoiceField(label=_("考核办法"), queryset=Scheme.objects.all())
    period = forms.ChoiceField(label=_("考核期"), choices=ASSESSMENT_PERIODS)

    def resolve(self) -> Period:
        """Return the period chosen within the scheme's year."""
        year = self.cleaned_data["scheme"].year
        chosen = self.cleaned_data["period"]
        if chosen == "year":
            return kpis.year_of(dt.date(year, 1, 1))
        return kpis.quarter_of(dt.date(year, 3 * int(chosen[1]) - 2, 1))


class AccountabilityForm(forms.ModelForm[AccountabilityRecord]):
    """An accountability finding: the case by its number, the unit within the user's scope."""

    petition = IdField(label=_("所涉事项编号"))
    unit = IdChoiceField(label=_("被问责单位"), queryset=Unit.objects.none())

    class Meta:
        model = AccountabilityRecord
        fields = ["unit", "person", "position", "finding", "measure", "decided_on", "decided_by"]
        widgets = {
            "decided_on": forms.DateInput(attrs={"type": "date"}),
            "finding": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class LetterCreateForm(forms.Form):
    """Which unit's letter to draft, for which year."""

    unit = IdChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    signatory = TextField(label=_("乙方代表"), max_length=50, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class LetterSignForm(forms.Form):
    """The signing of a letter: its day and the two parties' representatives."""

    signed_on = BoundedDateField(
        label=_("签订日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    issuer_signatory = TextField(label=_("甲方代表"), max_length=50)
    signatory = TextField(label=_("乙方代表"), max_length=50)


class LetterTargetsForm(forms.Form):
    """A letter's targets, one field per target: a rate in per cent, or a count."""

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for t in targets:
            spec = kpis.BY_KEY[t.kpi]
            rate = spec.kind == kpis.Kind.RATE
            self.fields[t.kpi] = forms.DecimalField(
                label=f"{spec.label}（%）" if rate else str(spec.label),
                min_value=0,
                max_value=100 if rate else 9999,
                decimal_places=2 if rate else 0,
                initial=(t.target * 100).quantize(Decimal("0.01")) if rate else int(t.target),
            )

    def targets(self) -> dict[str, Any]:
        """Return the targets entered, rates as fractions."""
        return {
            k: v / 100 if kpis.BY_KEY[k].kind == kpis.Kind.RATE else v
            for k, v in self.cleaned_data.items()
        }


class SpotCheckDrawForm(forms.Form):
    """A draw: which level, the replies of which days, how many per unit, and a seed."""

    level = forms.ChoiceField(label=_("抽查对象"), choices=LEVEL_CHOICES)
    start = BoundedDateField(
        label=_("答复起始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = BoundedDateField(label=_("答复截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    size = forms.IntegerField(label=_("每单位抽取件数"), min_value=1, max_value=100, initial=3)
    seed = forms.IntegerField(
        label=_("随机种子"),
        required=False,
        min_value=0,
        max_value=2**62,
        help_text=_("留空则随机生成；填写上次的种子可复现同一批事项"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("截止日期不能早于起始日期。"))
        return data


class SpotCheckScoreForm(forms.Form):
    """The checklist of one sampled case, and the checker's comment."""

    case = IdField(widget=forms.HiddenInput)
    comment = TextField(label=_("意见"), max_length=2000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in SpotCheckCase.CHECKLIST:
            self.fields[key] = forms.BooleanField(label=label, required=False)

    def checks(self) -> dict[str, bool]:
        """Return the checklist as ticked."""
        return {k: self.cleaned_data[k] for k, _label in SpotCheckCase.CHECKLIST}


class SchemeForm(forms.ModelForm[Scheme]):
    """A scheme's header: its name, year, level, total and basis (the model's field rules)."""

    class Meta:
        model = Scheme
        fields = ["name", "year", "level", "total", "basis"]
        widgets = {"basis": forms.Textarea(attrs={"rows": 3})}


# The items and the deductions and bonuses as rows of the model's own fields; whether
# they make a scheme that can score is the scoring module's rule, which the service applies.
SchemeItemFormSet: type[forms.BaseInlineFormSet[SchemeItem, Scheme, Any]] = (
    forms.inlineformset_factory(
        Scheme,
        SchemeItem,
        fields=["kpi", "points", "target", "rule", "floor", "step", "step_points"],
        extra=2,
        can_delete=True,
    )
)
SchemeAdjustmentFormSet: type[forms.BaseInlineFormSet[SchemeAdjustment, Scheme, Any]] = (
    forms.inlineformset_factory(
        Scheme,
        SchemeAdjustment,
        fields=["source", "points_each", "cap"],
        extra=2,
        can_delete=True,
    )
)


class SchemeCopyForm(forms.Form):
    """The year a scheme is copied to."""

    year = forms.IntegerField(label=_("复制到年度"), min_value=2000, max_value=2100)
