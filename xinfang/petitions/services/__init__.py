"""Every write to petitions, petitioners and their reference data (categories, time limits).

Each function is one atomic unit: it locks the row, checks who may do what from where,
applies the change, appends a PetitionEvent and an AuditEntry. Only this package assigns
`Petition.status`. Refusals raise DomainError subclasses and leave nothing written.
Callers use the names below; the modules group what belongs together.
"""

from xinfang.petitions.services.attachments import petition_attach
from xinfang.petitions.services.petitioners import petitioner_resolve, petitioners_viewed
from xinfang.petitions.services.reference import (
    category_delete,
    category_save,
    time_limit_delete,
    time_limit_save,
)
from xinfang.petitions.services.registration import (
    Registered,
    petition_register,
    petition_register_at_reception,
    petition_registration,
)
from xinfang.petitions.services.searches import petitioners_searched
from xinfang.petitions.services.transitions import (
    petition_take_charge,
    petition_transition,
    transition_check,
)

__all__ = [
    "Registered",
    "category_delete",
    "category_save",
    "petition_attach",
    "petition_register",
    "petition_register_at_reception",
    "petition_registration",
    "petition_take_charge",
    "petition_transition",
    "petitioner_resolve",
    "petitioners_searched",
    "petitioners_viewed",
    "time_limit_delete",
    "time_limit_save",
    "transition_check",
]
