"""Forms: the intake form and one small form per workflow action.

The API validates an action's body with the same ACTION_FORMS, so a field rule lives in
one place; each action form builds the typed input its action takes. Domain rules
(deadlines, who may act) stay in actions and services.
"""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.organization.models import Unit
from xinfang.organization.selectors import assignable_units
from xinfang.petitions.inputs import (
    MAX_REPRESENTATIVES,
    AssignInput,
    EvaluateInput,
    ExtensionInput,
    FollowUpInput,
    ForwardInput,
    HandlingInput,
    MergeInput,
    NotAcceptInput,
    NoteInput,
    PetitionerData,
    ReasonInput,
    RegistrationData,
    ReplyInput,
    SuperviseInput,
)
from xinfang.petitions.models import (
    Category,
    Channel,
    LegalChannel,
    Merit,
    ReplyKind,
    Satisfaction,
)
from xinfang.petitions.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from xinfang.petitions.workflow import Action


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)

    def clean_id_number(self) -> str:
        value = normalize_id_number(self.cleaned_data["id_number"])
        if value:
            validate_id_number(value)
        return value

    def clean_phone(self) -> str:
        value = normalize_phone(self.cleaned_data["phone"])
        if value:
            validate_phone(value)
        return value


PersonFormSet = forms.formset_factory(
    PersonForm, extra=1, max_num=MAX_REPRESENTATIVES, validate_max=True, absolute_max=50
)


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(label=_("信访形式"), choices=Channel.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("信访内容"), widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ModelChoiceField(
        label=_("问题分类"),
        queryset=Category.objects.filter(parent__isnull=False, is_active=True).select_related(
            "parent"
        ),
        required=False,
    )
    is_anonymous = forms.BooleanField(label=_("匿名信访"), required=False)
    head_count = forms.IntegerField(label=_("人数"), min_value=1, max_value=9999, initial=1)
    community = forms.ModelChoiceField(
        label=_("问题发生地（社区）"),
        queryset=Unit.objects.filter(kind=Unit.Kind.COMMUNITY),
        required=False,
    )
    address = forms.CharField(label=_("问题发生地址"), max_length=200, required=False)
    accused = forms.CharField(label=_("被反映人/单位"), max_length=200, required=False)
    accused_unit = forms.ModelChoiceField(
        label=_("被反映单位（本街道内）"), queryset=Unit.objects.all(), required=False
    )
    repeat_of = forms.IntegerField(
        label=_("重复信访：原事项内部编号"),
        required=False,
        min_value=1,
        help_text=_("同一事项再次反映时填写原事项编号，系统据此判定是否初信初访。"),
    )
    origin_authority = forms.CharField(label=_("交办/转送机关"), max_length=100, required=False)
    origin_reference = forms.CharField(label=_("来文编号"), max_length=60, required=False)
    origin_deadline = forms.DateField(
        label=_("上级要求办结日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_litigation = forms.BooleanField(label=_("涉法涉诉"), required=False)
    merit = forms.ChoiceField(
        label=_("信访性质"), choices=[("", "—"), *Merit.choices], required=False
    )
    attachments = forms.FileField(
        label=_("附件（PDF/JPEG/PNG，每个不超过20MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True}),
    )

    def registration(self, people: list[PetitionerData]) -> RegistrationData:
        d = self.cleaned_data
        return RegistrationData(
            channel=d["channel"],
            title=d["title"],
            content=d["content"],
            petitioners=people,
            is_anonymous=d["is_anonymous"],
            head_count=d["head_count"],
            category_id=d["category"].pk if d["category"] else None,
            community_id=d["community"].pk if d["community"] else None,
            address=d["address"],
            accused=d["accused"],
            accused_unit_id=d["accused_unit"].pk if d["accused_unit"] else None,
            repeat_of_id=d["repeat_of"],
            origin_authority=d["origin_authority"],
            origin_reference=d["origin_reference"],
            origin_deadline=d["origin_deadline"],
            is_litigation=d["is_litigation"],
            merit=d["merit"],
        )


def _note(required: bool = False, label: Any = _("说明")) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    """Base of the action forms: a note, and the version of the case the user was looking at.

    Each form builds its action's typed input (actions.ACTIONS[...].input) in to_input().
    """

    input_type: type[Any] = NoteInput
    # The accept and re-assign forms show the unit suggestions above their fields.
    suggests_units = False

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = _note()

    def __init__(self, *args: Any, petition: Any = None, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.petition, self.user = petition, user

    def input_fields(self) -> dict[str, Any]:
        """Return the cleaned fields as the input type names them."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def to_input(self) -> Any:
        """Return the action's typed input from the cleaned data."""
        return self.input_type(**self.input_fields())


class AssignForm(ActionForm):
    input_type = AssignInput
    suggests_units = True
    handling_unit = forms.ModelChoiceField(label=_("承办单位"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.user is not None:
            field = cast("forms.ModelChoiceField[Unit]", self.fields["handling_unit"])
            field.queryset = assignable_units(self.user)

    def input_fields(self) -> dict[str, Any]:
        d = super().input_fields()
        return {"handling_unit_id": d.pop("handling_unit").pk, **d}


class ForwardForm(ActionForm):
    input_type = ForwardInput
    forwarded_to = forms.CharField(label=_("转送机关"), max_length=100)


class NotAcceptForm(ActionForm):
    input_type = NotAcceptInput
    reason = _note(True, _("不予受理理由"))
    legal_channel = forms.ChoiceField(
        label=_("引导法定途径"), choices=[("", "—"), *LegalChannel.choices], required=False
    )


class MergeForm(ActionForm):
    input_type = MergeInput
    original = forms.IntegerField(label=_("原信访事项内部编号"), min_value=1)

    def input_fields(self) -> dict[str, Any]:
        d = super().input_fields()
        return {"original_id": d.pop("original"), **d}


class ReasonForm(ActionForm):
    input_type = ReasonInput
    reason = _note(True, _("理由"))


class NoteRequiredForm(ActionForm):
    input_type = HandlingInput
    note = _note(True, _("办理情况"))


class ExtensionForm(ActionForm):
    input_type = ExtensionInput
    days = forms.IntegerField(label=_("延期天数"), min_value=1, max_value=30)
    reason = _note(True, _("延期理由"))


class ReplyForm(ActionForm):
    input_type = ReplyInput
    reply_kind = forms.ChoiceField(label=_("处理意见类型"), choices=ReplyKind.choices)
    text = forms.CharField(
        label=_("处理意见书正文（事实、处理决定及依据）"), widget=forms.Textarea(attrs={"rows": 8})
    )


class EvaluateForm(ActionForm):
    input_type = EvaluateInput
    satisfaction_unit = forms.ChoiceField(label=_("对承办单位"), choices=Satisfaction.choices)
    satisfaction_office = forms.ChoiceField(label=_("对信访部门"), choices=Satisfaction.choices)


class FollowUpForm(ActionForm):
    input_type = FollowUpInput
    solved = forms.TypedChoiceField(
        label=_("问题是否实际解决"),
        choices=[("true", _("已解决")), ("false", _("未解决"))],
        coerce=lambda v: v == "true",
    )


class SuperviseForm(ActionForm):
    input_type = SuperviseInput
    due = forms.DateField(label=_("督办期限"), widget=forms.DateInput(attrs={"type": "date"}))
    note = _note(True, _("督办意见"))


# The form of each action; a test checks that each builds the input its action takes.
ACTION_FORMS: dict[Action, type[ActionForm]] = {
    Action.ACCEPT: AssignForm,
    Action.FORWARD: ForwardForm,
    Action.NOT_ACCEPT: NotAcceptForm,
    Action.MERGE: MergeForm,
    Action.OBJECT: ReasonForm,
    Action.REASSIGN: AssignForm,
    Action.RECORD_HANDLING: NoteRequiredForm,
    Action.REQUEST_EXTENSION: ExtensionForm,
    Action.APPROVE_EXTENSION: ActionForm,
    Action.REJECT_EXTENSION: ActionForm,
    Action.START_HEARING: ActionForm,
    Action.END_HEARING: ActionForm,
    Action.REPLY: ReplyForm,
    Action.EVALUATE: EvaluateForm,
    Action.FOLLOW_UP: FollowUpForm,
    Action.REQUEST_REVIEW: ActionForm,
    Action.ANSWER_REVIEW: ReplyForm,
    Action.REQUEST_REREVIEW: ActionForm,
    Action.ANSWER_REREVIEW: ReplyForm,
    Action.SUPERVISE: SuperviseForm,
}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("关键词/编号"), required=False)
    status = forms.CharField(required=False)
    channel = forms.ChoiceField(choices=[("", _("全部形式")), *Channel.choices], required=False)
    category = forms.IntegerField(required=False)
    unit = forms.IntegerField(required=False)
    created_after = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    created_before = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.NullBooleanField(required=False)
