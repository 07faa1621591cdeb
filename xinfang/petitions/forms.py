"""Forms: the intake form and one small form per workflow action.

These fields are the one set of field rules: the API derives its schemas from them and
validates every body through them (xinfang.api.formschema), so a page and an API call
are refused alike, with the same message. Every text refuses what no database column
can hold, every number and date is bounded. Domain rules (deadlines, who may act) stay
in actions and services. Each action form builds the typed input its action
takes (to_input()).
"""

from collections.abc import Callable, Collection
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import User
from xinfang.common.pagination import MAX_PAGE
from xinfang.organization.models import Unit
from xinfang.organization.selectors import assignable_units, subtree_ids, units_visible_to
from xinfang.petitions.inputs import (
    MAX_REPRESENTATIVES,
    AssignInput,
    EvaluateInput,
    ExtensionInput,
    FollowUpInput,
    ForwardInput,
    HandlingInput,
    InstructionInput,
    LeaderInput,
    MergeInput,
    NotAcceptInput,
    NoteInput,
    PetitionerData,
    ReasonInput,
    RegistrationData,
    ReplyInput,
    SuperviseInput,
)
from xinfang.petitions.leaders import leader_candidates
from xinfang.petitions.models import (
    Category,
    Channel,
    LegalChannel,
    Merit,
    ReplyKind,
    Satisfaction,
)
from xinfang.petitions.selectors import PetitionFilters
from xinfang.petitions.validators import (
    CASE_NUMBER,
    MAX_DATE,
    MAX_ID,
    MIN_DATE,
    normalize_id_number,
    normalize_phone,
    validate_date_range,
    validate_id_number,
    validate_phone,
    validate_text,
)
from xinfang.petitions.workflow import CASE_LEADER_ROLES, STATUS_LABELS, Action, Status


class TextField(forms.CharField):
    """A text that refuses NUL characters and lone surrogates, with one Chinese message."""

    def to_python(self, value: Any) -> str:
        text = cast(str, super().to_python(value))
        # Checked before the validators, so Django's own NUL check never adds a second message.
        validate_text(text)
        return text


# Dates are written 2026-12-01 whatever the browser's language; a few other ways of
# writing the same are taken too.
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"]


class DateInput(forms.DateInput):
    """A date typed or picked as 2026-12-01 (static/js/app.js adds the calendar).

    Not `type=date`: the browser shows that in its own language's order (12/01/2026).
    """

    def __init__(self) -> None:
        super().__init__(
            format="%Y-%m-%d",
            attrs={
                "data-datepicker": "",
                "placeholder": "2026-12-01",
                "pattern": r"\d{4}[\-\/.]\d{1,2}[\-\/.]\d{1,2}|\d{8}",
                "inputmode": "numeric",
                "autocomplete": "off",
                "maxlength": "10",
                "data-invalid": _("请按 2026-12-01 的格式填写日期（年-月-日）。"),
            },
        )


class BoundedDateField(forms.DateField):
    """A date within the years 1900–2100."""

    min_value = MIN_DATE
    max_value = MAX_DATE
    default_validators = [validate_date_range]
    input_formats = DATE_FORMATS
    default_error_messages = {"invalid": _("请按 2026-12-01 的格式填写日期（年-月-日）。")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)


class IdField(forms.IntegerField):
    """An internal number: a positive 63-bit integer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class CaseNumberField(IdField):
    """A case by its number as people know it (XF2026-0000302), or the digits of it (302)."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("请填写事项编号，如XF2026-0000302。")}

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and (number := CASE_NUMBER.match(value.strip())):
            value = number.group(1)
        return super().to_python(value)

    def api_schema(self) -> tuple[Any, dict[str, Any]]:
        """Declare the number as people write it, or the id as an integer."""
        return str | int, {
            "anyOf": [
                {"type": "string", "maxLength": 30, "pattern": CASE_NUMBER.pattern},
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            ]
        }


class IdChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # of any model
    """A choice of a row by its id; an id out of the 63-bit range is not looked up at all."""

    min_value = 1
    max_value = MAX_ID

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


# Django's setter of ModelChoiceField.queryset (it also hands the widget its choices).
_SET_QUERYSET: Callable[[Any, Any], None] = vars(forms.ModelChoiceField)["queryset"].fset


class _LiveChoiceIterator(forms.models.ModelChoiceIterator):
    """Django's choice iterator, reading the field's queryset when iterated, not when made."""

    def __init__(self, field: forms.ModelChoiceField) -> None:  # type: ignore[type-arg]
        self.field = field  # and no queryset taken now: the field builds it on first read

    # A read of the field's queryset, where Django's iterator keeps a copy of it.
    @property
    def queryset(self) -> Any:  # type: ignore[override]
        return self.field.queryset


class KnownIdChoiceField(IdChoiceField):
    """A choice checked against the ids kept in memory (common/memo.py): no query on a POST.

    A submitted id is valid when it is in `known()` and is returned as the id itself. The
    queryset only lists the choices on the page: given as `choices_from`, it is built when
    the page first needs it, so a valid POST builds none.
    """

    iterator = _LiveChoiceIterator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.choices_from: Callable[[], QuerySet[Any]] | None = None
        super().__init__(*args, **kwargs)
        self.known: Callable[[], Collection[int]] = frozenset

    def __deepcopy__(self, memo: dict[int, Any]) -> "KnownIdChoiceField":
        # Each form copies its fields; Django's copy of a ModelChoiceField clones its
        # queryset twice. This one's is read only to list the page's choices: the copy
        # clones it then, and a valid POST never does.
        result = cast(KnownIdChoiceField, forms.Field.__deepcopy__(self, memo))  # type: ignore[attr-defined]
        queryset: QuerySet[Any] | None = vars(self).get("_queryset")
        if result.choices_from is None and queryset is not None:
            result.choices_from = queryset.all
        result.widget.choices = result.choices  # an iterator over the copy's own queryset
        return result

    def _lazy_queryset(self) -> QuerySet[Any] | None:
        if self.choices_from is not None:
            choices, self.choices_from = self.choices_from, None
            _SET_QUERYSET(self, choices())
        queryset: QuerySet[Any] | None = vars(self).get("_queryset")
        return queryset

    queryset = property(_lazy_queryset, lambda self, qs: _SET_QUERYSET(self, qs))

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if not _is_id(value) or int(value) not in self.known():
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return int(value)


def _unit_choice(form: forms.Form, name: str, user: Any, kind: str | None = None) -> None:
    """Offer the units of the user's subtree (of one kind) in the form's field `name`."""
    field = cast(KnownIdChoiceField, form.fields[name])
    field.known = lambda: subtree_ids(user.unit, kind)
    field.choices_from = lambda: (
        units_visible_to(user).filter(kind=kind) if kind else units_visible_to(user)
    )


def _is_id(value: Any) -> bool:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return False
    return 1 <= number <= MAX_ID


class PersonForm(forms.Form):
    # The identifiers first: intake looks the person up by them and fills in the rest.
    id_number = TextField(label=_("身份证号"), max_length=18, required=False)
    phone = TextField(label=_("联系电话"), max_length=20, required=False)
    name = TextField(label=_("姓名"), max_length=50)
    address = TextField(label=_("住址"), max_length=200, required=False)
    on_record = forms.ChoiceField(
        label=_("与档案不一致时"),
        choices=[("", "—"), ("keep", _("以档案为准")), ("update", _("以本次填写更新档案"))],
        required=False,
        help_text=_("身份证号已登记、但姓名或电话不同时选择"),
    )

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

    def person(self) -> PetitionerData:
        d = self.cleaned_data
        return PetitionerData(
            name=d["name"],
            id_number=d["id_number"],
            phone=d["phone"],
            address=d["address"],
            on_record=d["on_record"],
        )


class PetitionerForm(PersonForm):
    """A person entered into the registry, with the community they live in."""

    community = KnownIdChoiceField(
        label=_("所在社区"),
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("所在社区不存在或不在本单位管辖范围内。")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _unit_choice(self, "community", user, Unit.Kind.COMMUNITY)

    def person(self) -> PetitionerData:
        data = super().person()
        data.community_id = self.cleaned_data["community"]
        return data


class PetitionerLookupForm(forms.Form):
    """What the registry lookup takes: an ID number, a phone, or a name with an address."""

    id_number = TextField(label=_("身份证号"), max_length=18, required=False)
    phone = TextField(label=_("联系电话"), max_length=20, required=False)
    name = TextField(
        label=_("姓名"),
        max_length=50,
        required=False,
        help_text=_("与住址同时填写时按姓名+住址匹配"),
    )
    address = TextField(label=_("住址"), max_length=200, required=False)

    def clean_id_number(self) -> str:
        return normalize_id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class IntakeLookupForm(PetitionerLookupForm):
    """The intake panel's lookup: the person's fields, and the title typed so far."""

    PERSON = ("id_number", "phone", "name", "address")

    title = TextField(label=_("标题"), max_length=200, required=False)


class BasePersonFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # of PersonForm
    default_error_messages = {
        "too_many_forms": _("信访人不得超过%(num)d人（集体访填写推选的代表，不得超过%(num)d人）。"),
    }

    def people(self) -> list[PetitionerData]:
        """Return the persons entered, leaving out the blank rows of the page."""
        return [f.person() for f in self.forms if f.cleaned_data.get("name")]


# absolute_max: more rows than this are not even built (the API could send a thousand).
PersonFormSet = cast(
    type[BasePersonFormSet],
    forms.formset_factory(
        PersonForm,
        formset=BasePersonFormSet,
        extra=1,
        max_num=MAX_REPRESENTATIVES,
        validate_max=True,
        absolute_max=50,
    ),
)


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(label=_("信访形式"), choices=Channel.choices)
    title = TextField(label=_("标题"), max_length=200)
    content = TextField(
        label=_("信访内容"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = KnownIdChoiceField(
        label=_("问题分类"),
        queryset=Category.objects.filter(parent__isnull=False, is_active=True).select_related(
            "parent"
        ),
        required=False,
        help_text=_("二级问题分类编号"),
    )
    is_anonymous = forms.BooleanField(label=_("匿名信访"), required=False)
    head_count = forms.IntegerField(label=_("人数"), min_value=1, max_value=9999, initial=1)
    community = KnownIdChoiceField(
        label=_("问题发生地（社区）"),
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("社区不存在或不在本单位管辖范围内。")},
    )
    address = TextField(label=_("问题发生地址"), max_length=200, required=False)
    accused = TextField(label=_("被反映人/单位"), max_length=200, required=False)
    accused_unit = KnownIdChoiceField(
        label=_("被反映单位（本街道内）"),
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("被反映单位不存在或不在本单位管辖范围内。")},
    )
    repeat_of = CaseNumberField(
        label=_("重复信访：原事项编号"),
        required=False,
        help_text=_(
            "同一事项再次反映时填写原事项编号（如XF2026-0000302），系统据此判定是否初信初访。"
        ),
    )
    not_repeat = forms.BooleanField(
        label=_("确认为新事项"),
        required=False,
        help_text=_("信访人近30日内已登记相似事项、但本次确属新的事项时勾选"),
    )
    origin_authority = TextField(label=_("交办/转送机关"), max_length=100, required=False)
    origin_reference = TextField(label=_("来文编号"), max_length=60, required=False)
    origin_deadline = BoundedDateField(label=_("上级要求办结日期"), required=False)
    is_litigation = forms.BooleanField(label=_("涉法涉诉"), required=False)
    merit = forms.ChoiceField(
        label=_("信访性质"), choices=[("", "—"), *Merit.choices], required=False
    )
    attachments = forms.FileField(
        label=_("附件（PDF/JPEG/PNG，每个不超过20MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The place and the unit complained about lie within the registering office's units.
        _unit_choice(self, "accused_unit", user)
        _unit_choice(self, "community", user, Unit.Kind.COMMUNITY)
        cast(KnownIdChoiceField, self.fields["category"]).known = Category.active_leaf_ids

    def registration(self, people: list[PetitionerData]) -> RegistrationData:
        d = self.cleaned_data
        return RegistrationData(
            channel=d["channel"],
            title=d["title"],
            content=d["content"],
            petitioners=people,
            is_anonymous=d["is_anonymous"],
            head_count=d["head_count"],
            category_id=d["category"],
            community_id=d["community"],
            address=d["address"],
            accused=d["accused"],
            accused_unit_id=d["accused_unit"],
            repeat_of_id=d["repeat_of"],
            not_repeat=d["not_repeat"],
            origin_authority=d["origin_authority"],
            origin_reference=d["origin_reference"],
            origin_deadline=d["origin_deadline"],
            is_litigation=d["is_litigation"],
            merit=d["merit"],
        )


def _note(required: bool = False, label: Any = _("说明")) -> TextField:
    return TextField(
        label=label,
        required=required,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionForm(forms.Form):
    """Base of the action forms: a note, and the version of the case the user was looking at.

    Each form builds its action's typed input (actions.ACTIONS[...].input) in to_input().
    """

    input_type: type[Any] = NoteInput
    # The accept and re-assign forms show the unit suggestions above their fields.
    suggests_units = False

    # Required: without it a step would silently overwrite a change made meanwhile.
    version = IdField(
        label=_("版本号"),
        widget=forms.HiddenInput,
        help_text=_("读取事项时得到的 version，用于发现他人的并发修改"),
        error_messages={"required": _("请提交读取事项时得到的版本号（version）。")},
    )
    note = _note()

    def __init__(self, *args: Any, petition: Any = None, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.petition, self.user = petition, user
        # What must be filled in comes first, the optional note last.
        self.order_fields(
            sorted(self.fields, key=lambda n: (not self.fields[n].required, n == "note"))
        )

    def input_fields(self) -> dict[str, Any]:
        """Return the cleaned fields as the input type names them."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def to_input(self) -> Any:
        """Return the action's typed input from the cleaned data."""
        return self.input_type(**self.input_fields())


class AssignForm(ActionForm):
    input_type = AssignInput
    suggests_units = True
    handling_unit = IdChoiceField(label=_("承办单位"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.user is not None:
            field = cast(IdChoiceField, self.fields["handling_unit"])
            field.queryset = assignable_units(self.user)

    def input_fields(self) -> dict[str, Any]:
        d = super().input_fields()
        return {"handling_unit_id": d.pop("handling_unit").pk, **d}


class ForwardForm(ActionForm):
    input_type = ForwardInput
    forwarded_to = TextField(label=_("转送机关"), max_length=100)


class NotAcceptForm(ActionForm):
    input_type = NotAcceptInput
    reason = _note(True, _("不予受理理由"))
    legal_channel = forms.ChoiceField(
        label=_("引导法定途径"), choices=[("", "—"), *LegalChannel.choices], required=False
    )


class MergeForm(ActionForm):
    input_type = MergeInput
    original = CaseNumberField(
        label=_("并入的信访事项编号"),
        help_text=_("如 XF2026-0000302，或其数字部分 302"),
        error_messages={"invalid": _("请填写信访事项编号，如 XF2026-0000302。")},
    )

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
    # No choice is made for the officer: each is a decision with consequences.
    reply_kind = forms.ChoiceField(
        label=_("处理意见类型"),
        choices=ReplyKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择处理意见类型：支持、解释说明或不支持。")},
    )
    text = TextField(
        label=_("处理意见书正文（事实、处理决定及依据）"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class EvaluateForm(ActionForm):
    input_type = EvaluateInput
    satisfaction_unit = forms.ChoiceField(
        label=_("对承办单位"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择信访人对承办单位的评价。")},
    )
    satisfaction_office = forms.ChoiceField(
        label=_("对信访部门"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择信访人对信访部门的评价。")},
    )


class FollowUpForm(ActionForm):
    input_type = FollowUpInput
    solved = forms.TypedChoiceField(
        label=_("问题是否实际解决"),
        choices=[("true", _("已解决")), ("false", _("未解决"))],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择问题是否实际解决。")},
    )


class SuperviseForm(ActionForm):
    input_type = SuperviseInput
    due = BoundedDateField(label=_("督办期限"))
    note = _note(True, _("督办意见"))


class LeaderChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(_("%(leader)s（%(unit)s）") % {"leader": obj, "unit": obj.unit})


class LeaderForm(ActionForm):
    input_type = LeaderInput
    leader = LeaderChoiceField(
        label=_("包案领导"),
        queryset=User.objects.none(),
        error_messages={"invalid_choice": _("请选择本事项所在单位或其上级单位的领导。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.petition is not None:
            field = cast(IdChoiceField, self.fields["leader"])
            field.queryset = leader_candidates(self.petition)
        if self.user is not None and self.user.role in CASE_LEADER_ROLES:
            self.fields["leader"].initial = self.user.pk  # a leader usually takes it on

    def input_fields(self) -> dict[str, Any]:
        d = super().input_fields()
        return {"leader_id": d.pop("leader").pk, **d}


class InstructionForm(ActionForm):
    input_type = InstructionInput
    note = _note(True, _("批示内容"))


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
    Action.TAKE_CHARGE: LeaderForm,
    Action.INSTRUCT: InstructionForm,
}


class SearchForm(forms.Form):
    q = TextField(
        label=_("关键词/编号"),
        max_length=200,
        required=False,
        help_text=_(
            "标题、内容关键词，事项编号（如 XF2026-0000123 或 123），查询码；"
            "可查看个人信息的角色还可按信访人姓名、身份证号或电话查询"
        ),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[
            ("", _("全部状态")),
            ("open", _("在办（所有未办结状态）")),
            *((s.value, STATUS_LABELS[s]) for s in Status),
        ],
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("信访形式"), choices=[("", _("全部形式")), *Channel.choices], required=False
    )
    category = IdField(label=_("问题分类"), required=False, help_text=_("一级或二级分类编号"))
    unit = IdField(label=_("单位"), required=False, help_text=_("登记或承办单位编号"))
    created_after = BoundedDateField(label=_("登记自"), required=False)
    created_before = BoundedDateField(label=_("登记至"), required=False)
    overdue = forms.NullBooleanField(label=_("仅超期"), required=False)
    due_after = BoundedDateField(label=_("期限自"), required=False)
    due_before = BoundedDateField(label=_("期限至"), required=False)
    sort = forms.ChoiceField(
        label=_("排序"),
        choices=[
            ("", _("登记时间（新的在前）")),
            ("due", _("期限（近的在前）")),
            ("-due", _("期限（远的在前）")),
        ],
        required=False,
    )
    page = forms.IntegerField(label=_("页码"), min_value=1, max_value=MAX_PAGE, required=False)

    def filters(self) -> PetitionFilters:
        """Return the search the valid form describes."""
        d = self.cleaned_data
        return PetitionFilters(
            q=d["q"],
            status=d["status"],
            channel=d["channel"],
            category=d["category"],
            unit=d["unit"],
            created_after=d["created_after"],
            created_before=d["created_before"],
            overdue=d["overdue"],
            due_after=d["due_after"],
            due_before=d["due_before"],
            sort=d["sort"],
        )
