"""The portal's booking forms: a place booked, the phone proved, a booking moved or cancelled."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xinfang.petitions.forms import IdField, TextField
from xinfang.petitions.validators import normalize_id_number, validate_id_number
from xinfang.portal.forms import MobileField
from xinfang.reception.services import PersonData


def _otp_field() -> TextField:
    return TextField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class _Otp(forms.Form):
    def clean_otp(self) -> str:
        value: str = self.cleaned_data["otp"].strip()
        if not value.isdigit():
            raise ValidationError(_("验证码为6位数字。"))
        return value


class BookingForm(_Otp):
    slot = IdField(widget=forms.HiddenInput)
    name = TextField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = TextField(
        label=_("身份证号"), max_length=18, help_text=_("同一人每个接访日只能预约一次")
    )
    phone = MobileField()
    otp = _otp_field()
    topic = TextField(
        label=_("想反映的问题（简要）"),
        max_length=200,
        required=False,
        help_text=_("便于接访领导提前了解情况"),
    )

    def clean_id_number(self) -> str:
        value = normalize_id_number(self.cleaned_data["id_number"])
        validate_id_number(value)
        return value

    def person(self) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            name=d["name"].strip(), phone=d["phone"], id_number=d["id_number"], topic=d["topic"]
        )


class MineForm(_Otp):
    phone = MobileField()
    otp = _otp_field()


class ChangeForm(forms.Form):
    appointment = IdField()
    slot = IdField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].label = _("改约到")
