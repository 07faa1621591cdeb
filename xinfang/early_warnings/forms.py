"""Forms of the early-warning pages: alert filters and notes, and the registers' forms."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import User
from xinfang.common.pagination import MAX_PAGE
from xinfang.early_warnings.models import (
    Alert,
    Dispute,
    KeyPerson,
    KeyProject,
    RiskLevel,
    SensitivePeriod,
)
from xinfang.early_warnings.selectors import AlertFilters, projects_for_user
from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions.forms import BoundedDateField, IdChoiceField, IdField, TextField


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


def _users_of(user: Any) -> Any:
    """Return the active users of `user`'s units, the cadres a register may name."""
    return User.objects.filter(unit__in=units_visible_to(user), is_active=True).order_by(
        "unit__path", "username"
    )


class ProjectForm(forms.Form):
    name = TextField(label=_("名称"), max_length=120)
    description = TextField(
        label=_("概况"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    started_on = BoundedDateField(label=_("开始日期"))
    owner_unit = IdChoiceField(label=_("责任单位"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(IdChoiceField, self.fields["owner_unit"]).queryset = units_visible_to(user)

    def data_for_service(self) -> dict[str, Any]:
        """Return the cleaned fields as the service takes them."""
        d = dict(self.cleaned_data)
        owner = d.pop("owner_unit")
        d["owner_unit_id"] = owner.pk if owner else None
        return d


class _OwnedForm(forms.Form):
    """A register's form: the owner among the user's units, the cadre among their users."""

    owner_unit = IdChoiceField(label=_("责任单位"), queryset=Unit.objects.none(), required=False)
    cadre = IdChoiceField(label=_("责任干部"), queryset=User.objects.none(), required=False)
    project = IdChoiceField(
        label=_("所属重点项目"), queryset=KeyProject.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(IdChoiceField, self.fields["owner_unit"]).queryset = units_visible_to(user)
        cast(IdChoiceField, self.fields["cadre"]).queryset = _users_of(user)
        cast(IdChoiceField, self.fields["project"]).queryset = projects_for_user(user)

    def data_for_service(self) -> dict[str, Any]:
        """Return the cleaned fields as the service takes them (ids for the relations)."""
        d = dict(self.cleaned_data)
        owner, cadre, project = d.pop("owner_unit"), d.pop("cadre"), d.pop("project")
        d["owner_unit_id"] = owner.pk if owner else None
        d["cadre_id"] = cadre.pk if cadre else None
        d["project_id"] = project.pk if project else None
        return d


class DisputeForm(_OwnedForm):
    title = TextField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=Dispute.Kind.choices)
    place = TextField(label=_("地点"), max_length=200)
    parties = TextField(
        label=_("当事各方"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    people_involved = forms.IntegerField(label=_("涉及人数"), min_value=1, max_value=1_000_000)
    risk_level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices)
    risk_reason = TextField(
        label=_("风险研判依据"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    measures = TextField(
        label=_("化解措施"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(label=_("状态"), choices=Dispute.Status.choices, initial="open")
    field_order = ["title", "kind", "place", "parties", "people_involved", "risk_level",
                   "risk_reason", "measures", "status", "owner_unit", "cadre"]  # fmt: skip


class VisitForm(forms.Form):
    on = BoundedDateField(label=_("摸排日期"))
    visitor = TextField(label=_("摸排人"), max_length=100)
    findings = TextField(
        label=_("摸排情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LinkForm(forms.Form):
    number = TextField(label=_("信访事项编号"), max_length=30)


class KeyPersonForm(_OwnedForm):
    name = TextField(label=_("姓名"), max_length=50)
    reason = forms.ChoiceField(label=_("列管原因"), choices=KeyPerson.Reason.choices)
    reason_note = TextField(
        label=_("具体情况"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    level = forms.ChoiceField(label=_("关注等级"), choices=KeyPerson.Level.choices)
    cadence_days = forms.IntegerField(
        label=_("联系周期（天）"), min_value=0, max_value=365, initial=14,
        help_text=_("每隔多少天至少联系一次"),
    )  # fmt: skip
    field_order = ["name", "reason", "reason_note", "level", "owner_unit", "cadre", "cadence_days"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["cadre"].label = _("联系干部")


class ContactForm(forms.Form):
    on = BoundedDateField(label=_("联系日期"))
    how = TextField(label=_("方式"), max_length=40, help_text=_("走访、电话、约谈等"))
    note = TextField(label=_("情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(forms.Form):
    name = TextField(label=_("名称"), max_length=100)
    starts_on = BoundedDateField(label=_("开始日期"))
    ends_on = BoundedDateField(label=_("结束日期"))
    level = forms.ChoiceField(label=_("预警等级"), choices=SensitivePeriod.Level.choices)
    note = TextField(
        label=_("工作要求"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DisputeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("active", _("未化解")), ("", _("全部状态")), *Dispute.Status.choices],
        required=False,
        initial="active",
    )
    risk_level = forms.ChoiceField(
        label=_("风险等级"), choices=[("", _("全部等级")), *RiskLevel.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *Dispute.Kind.choices], required=False
    )
    page = forms.IntegerField(label=_("页码"), min_value=1, max_value=MAX_PAGE, required=False)


class KeyPersonFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("在册及待确认")), *KeyPerson.Status.choices],
        required=False,
    )
    page = forms.IntegerField(label=_("页码"), min_value=1, max_value=MAX_PAGE, required=False)
