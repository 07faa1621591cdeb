"""Forms of the publicity, training, conduct and guidance pages."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to
from xinfang.outreach import selectors
from xinfang.outreach.models import ChannelGuidance, PublicityEvent
from xinfang.petitions.forms import BoundedDateField, IdChoiceField, TextField
from xinfang.petitions.models import Merit

YEAR_MIN, YEAR_MAX = 2000, 2100


class _OwnedForm(forms.Form):
    owner_unit = IdChoiceField(label=_("组织单位"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(IdChoiceField, self.fields["owner_unit"]).queryset = units_visible_to(user)

    def data_for_service(self) -> dict[str, Any]:
        """Return the cleaned fields as the service takes them (the unit by its id)."""
        d = dict(self.cleaned_data)
        d["owner_unit_id"] = d.pop("owner_unit").pk
        return d


class EventForm(_OwnedForm):
    held_on = BoundedDateField(label=_("日期"))
    place = TextField(label=_("地点"), max_length=200)
    form = forms.ChoiceField(label=_("形式"), choices=PublicityEvent.Form.choices)
    audience = forms.IntegerField(label=_("受众人数"), min_value=0, max_value=1_000_000)
    materials = TextField(
        label=_("宣传材料"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("发放的资料、展板内容、推送的文章等"),
    )
    photos = forms.FileField(
        label=_("照片（PDF/JPEG/PNG，每个不超过20MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True}),
    )
    field_order = ["held_on", "place", "form", "audience", "materials", "owner_unit", "photos"]

    def data_for_service(self) -> dict[str, Any]:
        d = super().data_for_service()
        d.pop("photos", None)
        return d


class TrainingForm(_OwnedForm):
    topic = TextField(label=_("培训主题"), max_length=200)
    trainer = TextField(label=_("授课人"), max_length=100)
    held_on = BoundedDateField(label=_("日期"))
    place = TextField(label=_("地点"), max_length=200, required=False)
    called = forms.TypedMultipleChoiceField(
        label=_("参训人员"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    present = forms.TypedMultipleChoiceField(
        label=_("出席"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    field_order = ["topic", "trainer", "held_on", "place", "owner_unit"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        people = [(u.pk, f"{u.unit} · {u.get_full_name() or u.username}") for u in
                  selectors.attendee_choices(user)]  # fmt: skip
        self.people = people
        cast(forms.ChoiceField, self.fields["called"]).choices = people
        cast(forms.ChoiceField, self.fields["present"]).choices = people

    def attendance(self) -> dict[int, bool]:
        """Return who was called and whether each came (present implies called)."""
        d = self.cleaned_data
        present = set(d["present"])
        return {pk: pk in present for pk in {*d["called"], *present}}

    def data_for_service(self) -> dict[str, Any]:
        d = super().data_for_service()
        d.pop("called"), d.pop("present")
        return d


class MeritLabelsForm(forms.Form):
    def __init__(self, *args: Any, labels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, default in Merit.choices:
            self.fields[code] = TextField(
                label=_("“%(d)s”显示为") % {"d": default},
                max_length=30,
                initial=labels[code],
                help_text=_("存储代码 %(c)s 不变") % {"c": code},
            )


class ConductForm(forms.Form):
    conduct = TextField(label=_("行为"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    occurred_on = BoundedDateField(label=_("日期"))
    place = TextField(label=_("地点"), max_length=200)
    legal_basis = TextField(
        label=_("法律依据"),
        max_length=300,
        help_text=_("如《信访工作条例》第二十六条、《治安管理处罚法》第二十三条"),
    )
    measure = TextField(
        label=_("处置措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    measure_by = TextField(label=_("处置单位（人）"), max_length=100)


class GuidanceForm(forms.ModelForm):  # type: ignore[type-arg]
    how_to = TextField(
        label=_("如何提出"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("向谁提出、带什么材料、在什么期限内；对公众显示，请勿写入内部信息"),
    )

    class Meta:
        model = ChannelGuidance
        fields = ["how_to", "page"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        page = cast(forms.ModelChoiceField, self.fields["page"])  # type: ignore[type-arg]
        page.queryset = page.queryset.filter(is_published=True)  # type: ignore[union-attr]
        page.help_text = _("“法定途径指引”栏目中已发布的页面，公众可点击查看全文")


def year_of(value: str | None, default: int) -> int:
    """Return the year asked for, or `default` for none or one out of range."""
    try:
        year = int(value or "")
    except ValueError:
        return default
    return year if YEAR_MIN <= year <= YEAR_MAX else default
