"""What the services take as input: plain typed data, built by forms and API schemas alike.

Forms and schemas import this module rather than the services, so the layers that
check input do not depend on the layer that writes.
"""

import datetime as dt
from dataclasses import dataclass, field

MAX_REPRESENTATIVES = 5
COLLECTIVE_MIN_PEOPLE = 5


@dataclass
class PetitionerData:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    community_id: int | None = None
    # When the ID number is on file under another name or phone: "keep" the record as it
    # is, or "update" it with what was typed. Undecided, registration asks (petitioners).
    on_record: str = ""


@dataclass
class RegistrationData:
    channel: str
    title: str
    content: str
    petitioners: list[PetitionerData] = field(default_factory=list)
    is_anonymous: bool = False
    head_count: int = 1
    category_id: int | None = None
    community_id: int | None = None
    address: str = ""
    accused: str = ""
    accused_unit_id: int | None = None
    repeat_of_id: int | None = None
    # Registered as a new matter although the person brought a similar one lately (repeats).
    not_repeat: bool = False
    origin_authority: str = ""
    origin_reference: str = ""
    origin_deadline: dt.date | None = None
    is_litigation: bool = False
    merit: str = ""


# ---------------------------------------------------------------- workflow actions
# One input per kind of action form; `note` goes onto the case's timeline.


@dataclass(frozen=True)
class NoteInput:
    note: str = ""


@dataclass(frozen=True)
class AssignInput:
    handling_unit_id: int
    note: str = ""


@dataclass(frozen=True)
class ForwardInput:
    forwarded_to: str
    note: str = ""


@dataclass(frozen=True)
class NotAcceptInput:
    reason: str
    legal_channel: str = ""
    note: str = ""


@dataclass(frozen=True)
class MergeInput:
    original_id: int
    note: str = ""


@dataclass(frozen=True)
class ReasonInput:
    reason: str
    note: str = ""


@dataclass(frozen=True)
class HandlingInput:
    note: str


@dataclass(frozen=True)
class ExtensionInput:
    days: int
    reason: str
    note: str = ""


@dataclass(frozen=True)
class ReplyInput:
    reply_kind: str
    text: str
    note: str = ""


@dataclass(frozen=True)
class EvaluateInput:
    satisfaction_unit: str
    satisfaction_office: str
    note: str = ""


@dataclass(frozen=True)
class FollowUpInput:
    solved: bool
    note: str = ""


@dataclass(frozen=True)
class LeaderInput:
    """The leader who takes personal charge of the case (a user id)."""

    leader_id: int
    note: str = ""


@dataclass(frozen=True)
class InstructionInput:
    """A leader's instruction (批示), written onto the case's timeline."""

    note: str


@dataclass(frozen=True)
class SuperviseInput:
    due: dt.date
    note: str
