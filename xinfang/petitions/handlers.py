"""What a case's committed events set off within petitions: a leader's instruction reaches
the handling unit by e-mail (run after commit through the outbox, events.py)."""

from django.utils.translation import gettext as _

from xinfang.accounts.models import User
from xinfang.notifications.models import Channel
from xinfang.notifications.services import notification_send
from xinfang.petitions.events import CaseEvent
from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.workflow import UNIT_ROLES


def notify_instruction(event: CaseEvent) -> None:
    """E-mail the case's handler, or the handling unit's staff, the leader's instruction."""
    row = PetitionEvent.objects.select_related("petition", "actor").filter(pk=event.id).first()
    unit_id = row.petition.handling_unit_id if row is not None else None
    if row is None or unit_id is None:
        return  # not yet assigned: the office that routes it sees it on the case page
    p = row.petition
    staff = User.objects.filter(is_active=True, role__in=UNIT_ROLES).exclude(email="")
    if p.handler_id is not None:
        staff = staff.filter(pk=p.handler_id)
    else:
        staff = staff.filter(unit_id=unit_id)
    # No petitioner's name or contact: the case number and the leader's words only.
    text = _(
        "%(leader)s对信访事项 %(number)s 批示：%(note)s\n请及时落实，并在系统中记录办理情况。"
    ) % {
        "leader": row.actor,
        "number": p.number,
        "note": row.note,
    }
    for email in staff.values_list("email", flat=True):
        notification_send(
            channel=Channel.EMAIL,
            to=email,
            subject=_("领导批示：%(number)s") % {"number": p.number},
            text=text,
            purpose="instruction",
        )
