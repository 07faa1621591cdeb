"""Every write of the assessment app, each recorded with an audit entry.

Major incidents; assessments run, recomputed and frozen; accountability records;
responsibility letters drafted, their targets set, signed; spot checks drawn and scored.
Callers use the names below; the modules group what belongs together.
"""

from xinfang.assessment.services.accountability import (
    accountability_record,
)
from xinfang.assessment.services.assessments import (
    assessment_freeze,
    assessment_recompute,
    assessment_run,
)
from xinfang.assessment.services.letters import (
    letter_create,
    letter_sign,
    letter_targets_set,
)
from xinfang.assessment.services.reference import (
    commendation_save,
    major_incident_delete,
    major_incident_save,
    scheme_save,
)
from xinfang.assessment.services.schemes import (
    scheme_copy,
    scheme_edit,
)
from xinfang.assessment.services.spot_checks import (
    spot_check_draw,
    spot_check_score,
)

__all__ = [
    "accountability_record",
    "assessment_freeze",
    "assessment_recompute",
    "assessment_run",
    "commendation_save",
    "letter_create",
    "letter_sign",
    "letter_targets_set",
    "major_incident_delete",
    "major_incident_save",
    "scheme_copy",
    "scheme_edit",
    "scheme_save",
    "spot_check_draw",
    "spot_check_score",
]
