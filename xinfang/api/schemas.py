"""What goes in and out of the API: request bodies, query parameters and representations.

The bodies and queries that the pages also take are derived from the pages' forms
(xinfang.api.formschema): they declare the forms' rules, and the endpoints pass every
value through the same form, so the API and the pages refuse the same input alike; the
domain rules stay in services. The representations are built from already-decided
flags (may this reader see the identity, the full personal data), so this module reads
no permissions and writes nothing.
"""

import datetime as dt
from typing import Annotated, Any

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from ninja.params.functions import Path
from pydantic import ConfigDict

from xinfang.api.formschema import schema_from_form
from xinfang.organization.models import Unit
from xinfang.petitions import deadlines
from xinfang.petitions.forms import (
    ACTION_FORMS,
    ActionForm,
    IntakeForm,
    PersonForm,
    PersonFormSet,
    PetitionerForm,
    PetitionerLookupForm,
    SearchForm,
)
from xinfang.petitions.inputs import COLLECTIVE_MIN_PEOPLE
from xinfang.petitions.models import Petition, Petitioner, PetitionEvent
from xinfang.petitions.selectors import PetitionerMatch
from xinfang.petitions.validators import MAX_ID
from xinfang.petitions.workflow import OPEN_STATUSES, Action, Status
from xinfang.routing.selectors import Acceptance, Rate
from xinfang.routing.services import Suggestions

# Shown instead of the petitioner to readers in the accused unit (Regulations, Art. 46).
HIDDEN_NAME = _("（身份保护）")
MAX_PAGE_SIZE = 100


class ErrorOut(Schema):
    code: str = Field(description="机器可读的原因，如 invalid、not_found、conflict")
    message: str
    fields: dict[str, list[str]] | None = Field(None, description="各字段的错误提示")


class BodyIn(Schema):
    """A request body; an unknown key is refused rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")


class TokenIn(BodyIn):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class Ref(Schema):
    id: int
    name: str

    @classmethod
    def of(cls, obj: Any) -> "Ref | None":
        return None if obj is None else cls(id=obj.pk, name=str(obj))


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    parent: int | None

    @classmethod
    def of(cls, unit: Unit) -> "UnitOut":
        return cls(
            id=unit.pk,
            name=unit.name,
            kind=unit.kind,
            kind_label=unit.get_kind_display(),
            parent=unit.parent_id,
        )


# ---------------------------------------------------------------- petitioners


PersonIn = schema_from_form(PersonForm, name="PersonIn", doc="一位信访人或推选的代表。")
PetitionerIn = schema_from_form(
    PetitionerForm, name="PetitionerIn", doc="建档的信访人；community 为所在社区的单位编号。"
)


class PersonOut(Schema):
    id: int | None
    name: str
    phone: str
    id_number: str

    @classmethod
    def of(cls, person: Petitioner, *, full: bool) -> "PersonOut":
        """Return the person with their ID number and phone in full or masked."""
        if full:
            return cls(
                id=person.pk, name=person.name, phone=person.phone, id_number=person.id_number
            )
        return cls(
            id=person.pk,
            name=person.name,
            phone=person.masked_phone,
            id_number=person.masked_id_number,
        )

    @classmethod
    def hidden(cls) -> "PersonOut":
        """Return a stand-in that says nothing about who the petitioner is."""
        return cls(id=None, name=str(HIDDEN_NAME), phone="", id_number="")


class PetitionerMatchOut(PersonOut):
    total: int = Field(description="该信访人的信访事项总数")
    open: int = Field(description="其中尚未办结的件数")
    reasons: list[str] = Field(description="匹配依据")

    @classmethod
    def of_match(cls, match: PetitionerMatch, *, full: bool) -> "PetitionerMatchOut":
        person = PersonOut.of(match.petitioner, full=full)
        return cls(**person.model_dump(), total=match.total, open=match.open, reasons=match.reasons)


PetitionerQuery = schema_from_form(PetitionerLookupForm, name="PetitionerQuery")


# ---------------------------------------------------------------- petitions


MAX_PETITIONERS = PersonFormSet.max_num
PETITIONERS_RULE = (
    f"信访人（petitioners，1–{MAX_PETITIONERS}人；集体访为推选的代表，人数 head_count 不少于"
    f"{COLLECTIVE_MIN_PEOPLE}）与匿名（is_anonymous: true）二者必居其一。"
)
PetitionIn = schema_from_form(
    IntakeForm,
    name="PetitionIn",
    doc=f"登记员登记的一件信访事项，字段与登记页相同。{PETITIONERS_RULE}",
    # Files come only through the page's upload; a JSON body has none.
    exclude=("attachments",),
    extra={
        "petitioners": (
            list[PersonIn],  # type: ignore[valid-type]
            Field(
                default_factory=list,
                description=f"信访人；集体访时为推选的代表。{PETITIONERS_RULE}",
                json_schema_extra={"maxItems": MAX_PETITIONERS},
            ),
        )
    },
    json_schema_extra={
        "anyOf": [
            {"required": ["petitioners"], "properties": {"petitioners": {"minItems": 1}}},
            {"required": ["is_anonymous"], "properties": {"is_anonymous": {"const": True}}},
        ]
    },
)

PetitionQuery = schema_from_form(
    SearchForm,
    name="PetitionQuery",
    extra={"page_size": (int, Field(20, ge=1, le=MAX_PAGE_SIZE, description="每页件数"))},
)

# Ids in paths are positive 63-bit integers, as every row id is.
PetitionId = Annotated[int, Path(ge=1, le=MAX_ID, description="信访事项的内部编号")]


def action_form(action: Action) -> type[ActionForm]:
    """Return the form whose fields an action takes, on the pages and in the API alike."""
    return ACTION_FORMS[action]


ACTION_BODIES: dict[Action, type[Schema]] = {
    action: schema_from_form(
        action_form(action),
        name="".join(part.title() for part in action.value.split("_")) + "In",
        doc=f"“{action.label}”的字段；version 为读取事项时得到的版本号。",
    )
    for action in Action
}


class DeadlineOut(Schema):
    due_date: dt.date | None = Field(description="当前状态下的期限")
    days_left: int | None = Field(description="距期限的天数，逾期为负数")
    overdue: bool

    @classmethod
    def of(cls, petition: Petition, today: dt.date) -> "DeadlineOut":
        due = petition.due_date
        return cls(
            due_date=due,
            days_left=None if due is None else deadlines.days_left(due, today),
            overdue=petition.status in OPEN_STATUSES and deadlines.is_overdue(due, today),
        )


def _petitioner(p: Petition, *, identity: bool, full: bool) -> PersonOut | None:
    if p.petitioner is None:
        return None
    return PersonOut.of(p.petitioner, full=full) if identity else PersonOut.hidden()


class PetitionFields(Schema):
    """What a list row and the full case both show; each is built by its own of()."""

    id: int
    number: str
    title: str
    channel: str
    channel_label: str
    status: str
    status_label: str
    registered_at: dt.datetime
    head_count: int
    is_anonymous: bool
    category: Ref | None
    registered_unit: Ref
    handling_unit: Ref | None
    petitioner: PersonOut | None
    deadline: DeadlineOut

    @classmethod
    def fields_of(
        cls, p: Petition, *, identity: bool, full: bool, today: dt.date
    ) -> dict[str, Any]:
        """Return the summary's values; `identity` and `full` say what the reader may see."""
        return {
            "id": p.pk,
            "number": p.number,
            "title": p.title,
            "channel": p.channel,
            "channel_label": p.get_channel_display(),
            "status": p.status,
            "status_label": Status(p.status).label,
            "registered_at": p.registered_at,
            "head_count": p.head_count,
            "is_anonymous": p.is_anonymous,
            "category": Ref.of(p.category),
            "registered_unit": Ref.of(p.registered_unit),
            "handling_unit": Ref.of(p.handling_unit),
            "petitioner": _petitioner(p, identity=identity, full=full),
            "deadline": DeadlineOut.of(p, today),
        }


class PetitionSummary(PetitionFields):
    @classmethod
    def of(cls, p: Petition, *, identity: bool, today: dt.date) -> "PetitionSummary":
        """Return the list row; lists never show personal data in full."""
        return cls(**cls.fields_of(p, identity=identity, full=False, today=today))


class PetitionPage(Schema):
    count: int = Field(description="符合条件的件数；超过1000件时为1001，并置 count_capped")
    count_capped: bool = Field(description="件数超过1000、未精确计数")
    page: int
    page_size: int
    results: list[PetitionSummary]


class EventOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    from_status: str
    to_status: str
    note: str
    details: dict[str, Any]

    @classmethod
    def of(cls, e: PetitionEvent, details: dict[str, Any]) -> "EventOut":
        """Return the event with the details its reader may see (access.event_details)."""
        return cls(
            at=e.at,
            actor=str(e.actor) if e.actor else "",
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            note=e.note,
            details=details,
        )


class SuggestionOut(Schema):
    id: int
    name: str
    confidence: float
    by_rule: bool


class RouterSuggestionsOut(Schema):
    items: list[SuggestionOut]
    preselect: int | None = Field(description="置信度达到阈值时预选的建议；低于阈值为空")
    model_version: int | None
    hint: str

    @classmethod
    def of(cls, s: Suggestions) -> "RouterSuggestionsOut":
        return cls(
            items=[SuggestionOut(**item) for item in s.as_json()],
            preselect=s.preselect,
            model_version=s.model_version,
            hint=s.hint,
        )


class SuggestionsOut(Schema):
    category: RouterSuggestionsOut
    unit: RouterSuggestionsOut


class RateOut(Schema):
    label: str
    shown: int
    accepted: int
    rate: float | None

    @classmethod
    def of(cls, r: Rate) -> "RateOut":
        return cls(label=r.label, shown=r.shown, accepted=r.accepted, rate=r.rate)


class AcceptanceOut(Schema):
    kind: str
    total: RateOut
    by_month: list[RateOut]
    by_target: list[RateOut]

    @classmethod
    def of(cls, a: Acceptance) -> "AcceptanceOut":
        return cls(
            kind=a.kind,
            total=RateOut.of(a.total),
            by_month=[RateOut.of(r) for r in a.by_month],
            by_target=[RateOut.of(r) for r in a.by_target],
        )


class PetitionDetail(PetitionFields):
    query_code: str = Field(description="信访人查询码；被反映单位的用户不可见（空）")
    version: int = Field(description="提交操作时回传，用于发现他人的并发修改")
    content: str
    representatives: list[PersonOut]
    community: Ref | None
    address: str
    accused: str
    accused_unit: Ref | None
    merit: str
    is_litigation: bool
    is_first_time: bool
    repeat_of: int | None
    merged_into: int | None
    origin_authority: str
    origin_reference: str
    origin_deadline: dt.date | None
    handling_due: dt.date | None
    extension_days: int
    forwarded_to: str
    not_accept_reason: str
    legal_channel: str
    reply_kind: str
    reply_text: str
    replied_at: dt.datetime | None
    satisfaction_unit: str
    satisfaction_office: str
    solved: bool | None
    responsible_leader: Ref | None = Field(description="包案领导")
    instruction_pending_since: dt.datetime | None = Field(
        description="领导批示待承办单位落实的起始时间；承办单位记录办理情况或答复后为空"
    )
    allowed_actions: list[Action]
    events: list[EventOut]
    suggestions: "SuggestionsOut | None" = Field(
        None, description="智能分派建议（仅登记部门可见）：问题分类与承办单位各前三位及置信度"
    )

    @classmethod
    def of(
        cls,
        p: Petition,
        *,
        identity: bool,
        full: bool,
        today: dt.date,
        allowed: list[Action],
        events: list[PetitionEvent],
        event_details: list[dict[str, Any]],
        representatives: list[Petitioner],
    ) -> "PetitionDetail":
        """Return the case as its page shows it, the persons as the reader may see them."""
        shown = [PersonOut.of(r, full=full) for r in representatives] if identity else []
        return cls(
            **cls.fields_of(p, identity=identity, full=full, today=today),
            query_code=p.query_code if identity else "",
            version=p.version,
            content=p.content,
            representatives=shown,
            community=Ref.of(p.community),
            address=p.address,
            accused=p.accused,
            accused_unit=Ref.of(p.accused_unit),
            merit=p.merit,
            is_litigation=p.is_litigation,
            is_first_time=p.is_first_time,
            repeat_of=p.repeat_of_id,
            merged_into=p.merged_into_id,
            origin_authority=p.origin_authority,
            origin_reference=p.origin_reference,
            origin_deadline=p.origin_deadline,
            handling_due=p.handling_due,
            extension_days=p.extension_days,
            forwarded_to=p.forwarded_to,
            not_accept_reason=p.not_accept_reason,
            legal_channel=p.legal_channel,
            reply_kind=p.reply_kind,
            reply_text=p.reply_text,
            replied_at=p.replied_at,
            satisfaction_unit=p.satisfaction_unit,
            satisfaction_office=p.satisfaction_office,
            solved=p.solved,
            responsible_leader=Ref.of(p.responsible_leader),
            instruction_pending_since=p.instruction_pending_since,
            allowed_actions=allowed,
            events=[EventOut.of(e, d) for e, d in zip(events, event_details, strict=True)],
        )
