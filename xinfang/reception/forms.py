"""The reception pages' forms: a day and its slots, a person booked, a check-in, a record."""

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xinfang.petitions.forms import (
    BoundedDateField,
    CaseNumberField,
    IdChoiceField,
    IdField,
    TextField,
)
from xinfang.petitions.validators import normalize_id_number, normalize_phone, validate_id_number
from xinfang.reception.services import DayData, PersonData, SlotData

_SLOT_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–—~至]\s*(\d{1,2}):(\d{2})\s+(\d{1,3})$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def slots_text(slots: Any) -> str:
    """Return the slots as the form writes them, one `09:00-10:00 5` a line."""
    return "\n".join(f"{s.start:%H:%M}-{s.end:%H:%M} {s.capacity}" for s in slots)


class SlotsField(TextField):
    """Time slots, one a line: start-end and the number of places (09:00-10:00 5)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def clean(self, value: Any) -> list[SlotData]:
        text = cast(str, super().clean(value))
        slots = []
        for line in filter(None, (raw.strip() for raw in text.splitlines())):
            found = _SLOT_RE.match(line)
            if not found:
                raise ValidationError(
                    _("请按“09:00-10:00 5”的格式填写时段和可预约人数，每行一个。")
                )
            h1, m1, h2, m2, n = (int(g) for g in found.groups())
            try:
                start, end = dt.time(h1, m1), dt.time(h2, m2)
            except ValueError:
                raise ValidationError(_("时间“%(line)s”不正确。") % {"line": line}) from None
            slots.append(SlotData(start=start, end=end, capacity=n))
        return slots


class DayForm(forms.Form):
    leader = IdChoiceField(label=_("接访领导"), queryset=None, empty_label=None)
    date = BoundedDateField(label=_("接访日期"))
    place = TextField(label=_("接访地点"), max_length=200)
    focus = TextField(
        label=_("接访重点"), max_length=200, required=False, help_text=_("如：城中村改造")
    )
    slots = SlotsField(
        label=_("接访时段"),
        max_length=2000,
        initial="09:00-10:00 5\n10:00-11:00 5",
        help_text=_("每行一个时段和可预约人数，如 09:00-10:00 5"),
    )

    def __init__(self, *args: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(IdChoiceField, self.fields["leader"]).queryset = leaders

    def day(self) -> DayData:
        d = self.cleaned_data
        return DayData(
            leader_id=d["leader"].pk,
            date=d["date"],
            place=d["place"],
            focus=d["focus"],
            slots=d["slots"],
        )


class MoveForm(forms.Form):
    date = BoundedDateField(label=_("调整后的日期"))
    place = TextField(label=_("接访地点"), max_length=200, required=False)
    slots = SlotsField(
        label=_("调整后的时段"),
        max_length=2000,
        help_text=_("时段个数不变，已预约的群众随各自的时段调整并收到短信"),
    )


class CancelForm(forms.Form):
    reason = TextField(
        label=_("取消原因"), max_length=500, help_text=_("将以短信告知每一位已预约的群众")
    )


class PersonForm(forms.Form):
    """A person booked or received: a record on file, or a name with phone and ID number."""

    name = TextField(label=_("姓名"), max_length=50)
    phone = TextField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    id_number = TextField(label=_("身份证号"), max_length=18, required=False)
    topic = TextField(label=_("反映事项（简要）"), max_length=200, required=False)

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["phone"])
        if not _MOBILE_RE.match(phone):
            raise ValidationError(_("请填写11位手机号，用于接收预约和提醒短信。"))
        return phone

    def clean_id_number(self) -> str:
        value = normalize_id_number(self.cleaned_data["id_number"])
        if value:
            validate_id_number(value)
        return value

    def person(self) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            name=d["name"].strip(),
            phone=d["phone"],
            id_number=d["id_number"],
            topic=d.get("topic", ""),
        )


class BookForm(PersonForm):
    slot = IdChoiceField(label=_("时段"), queryset=None, empty_label=None)
    field_order = ["slot", "name", "phone", "id_number", "topic"]

    def __init__(self, *args: Any, slots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(IdChoiceField, self.fields["slot"]).queryset = slots


class MarkForm(forms.Form):
    appointment = IdField()
    status = forms.ChoiceField(choices=[("checked_in", _("签到")), ("no_show", _("未到"))])


class VisitorField(IdChoiceField):
    """A person checked in on the day, shown by name and status."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_status_display()}）"


class RecordForm(forms.Form):
    appointment = VisitorField(label=_("来访人"), queryset=None, empty_label=None)
    request = TextField(
        label=_("反映的问题"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )
    decision = TextField(
        label=_("领导意见"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.ChoiceField(
        label=_("处理方式"),
        choices=[
            ("new", _("登记为新的信访事项（由接访领导包案）")),
            ("join", _("并入已有信访事项")),
        ],
        widget=forms.RadioSelect,
    )
    title = TextField(
        label=_("事项标题"), max_length=200, required=False, help_text=_("登记为新事项时填写")
    )
    number = CaseNumberField(
        label=_("已有事项编号"), required=False, help_text=_("并入已有事项时填写，如XF2026-0000302")
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(VisitorField, self.fields["appointment"]).queryset = people

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "new" and not data.get("title"):
            self.add_error("title", _("登记为新事项时请填写事项标题。"))
        if data.get("outcome") == "join" and not data.get("number"):
            self.add_error("number", _("并入已有事项时请填写事项编号。"))
        return data


class StatsForm(forms.Form):
    start = BoundedDateField(label=_("起"))
    end = BoundedDateField(label=_("止"))
