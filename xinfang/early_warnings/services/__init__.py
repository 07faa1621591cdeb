"""Every write of early warnings: the similarity index, alerts, detectors, registers, briefings.

Callers use the names below; the modules group what belongs together. Each service is one
atomic unit that audits its change; alerts also record an AlertEvent.
"""

from xinfang.early_warnings.services.alerts import (
    alert_acknowledge,
    alert_act,
    alert_close,
    alert_raise,
    alerts_escalate,
)
from xinfang.early_warnings.services.briefings import (
    BRIEFING_UNIT_KINDS,
    briefing_generate,
    briefings_generate,
)
from xinfang.early_warnings.services.detectors import (
    REFUSALS,
    collective_detect,
    deadlines_detect,
    key_persons_check_contacts,
    sensitive_detect,
    surges_detect,
    thresholds_update,
)
from xinfang.early_warnings.services.registers import (
    DISPUTE_FIELDS,
    KEY_PERSON_FIELDS,
    dispute_link_petition,
    dispute_save,
    dispute_visit_add,
    key_person_confirm,
    key_person_contact_add,
    key_person_propose_repeat,
    key_person_save,
    period_save,
    project_link_petition,
    project_save,
)
from xinfang.early_warnings.services.similarity import (
    owner_sync,
    signature_index,
    signature_rebuild,
)

__all__ = [
    "BRIEFING_UNIT_KINDS",
    "DISPUTE_FIELDS",
    "KEY_PERSON_FIELDS",
    "REFUSALS",
    "alert_acknowledge",
    "alert_act",
    "alert_close",
    "alert_raise",
    "alerts_escalate",
    "briefing_generate",
    "briefings_generate",
    "collective_detect",
    "deadlines_detect",
    "dispute_link_petition",
    "dispute_save",
    "dispute_visit_add",
    "key_person_confirm",
    "key_person_contact_add",
    "key_person_propose_repeat",
    "key_person_save",
    "key_persons_check_contacts",
    "owner_sync",
    "period_save",
    "project_link_petition",
    "project_save",
    "sensitive_detect",
    "signature_index",
    "signature_rebuild",
    "surges_detect",
    "thresholds_update",
]
