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
    origin_authority: str = ""
    origin_reference: str = ""
    origin_deadline: dt.date | None = None
    is_litigation: bool = False
    merit: str = ""
