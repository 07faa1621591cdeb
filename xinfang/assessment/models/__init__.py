"""What the assessment holds beside the register: incidents, schemes, assessments, findings,
letters and spot checks; the KPI summary."""

from xinfang.assessment.models.incidents import MajorIncident
from xinfang.assessment.models.letters import LetterTarget, ResponsibilityLetter
from xinfang.assessment.models.schemes import (
    LEVEL_CHOICES,
    RATE_KPI_CHOICES,
    AccountabilityRecord,
    Assessment,
    AssessmentResult,
    Commendation,
    Scheme,
    SchemeAdjustment,
    SchemeItem,
)
from xinfang.assessment.models.spot_checks import SpotCheck, SpotCheckCase
from xinfang.assessment.models.summary import (
    DueDay,
    KpiCounted,
    KpiMark,
    KpiState,
    RegisteredDay,
    RegisteredSlice,
    RepliedDay,
)

__all__ = [
    "LEVEL_CHOICES",
    "RATE_KPI_CHOICES",
    "AccountabilityRecord",
    "Assessment",
    "AssessmentResult",
    "Commendation",
    "DueDay",
    "KpiCounted",
    "KpiMark",
    "KpiState",
    "LetterTarget",
    "MajorIncident",
    "RegisteredDay",
    "RegisteredSlice",
    "RepliedDay",
    "ResponsibilityLetter",
    "Scheme",
    "SchemeAdjustment",
    "SchemeItem",
    "SpotCheck",
    "SpotCheckCase",
]
