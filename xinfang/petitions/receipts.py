"""The registration receipt (登记回执) and the tracking address with its QR code.

The receipt is handed to a visitor at intake: the case number, the query code, what
happens next and by when, where to follow the case and whom to call. The caller checks
access and writes the audit record.
"""

from typing import Any

from django.conf import settings

from xinfang.common import clock
from xinfang.petitions import limits, notices, tracking
from xinfang.petitions.models import Petition, TimeLimitRule

K = TimeLimitRule.Key


def receipt_context(petition: Petition, *, base: str) -> dict[str, Any]:
    """Return what the receipt of `petition` prints, the tracking address on `base`."""
    in_force = limits.time_limits()
    url = tracking.tracking_url(petition.query_code, base=base)
    return {
        "petition": petition,
        "number": petition.number,
        "query_code": notices.format_query_code(petition.query_code),
        "issuer": petition.registered_unit.name,
        "registered": clock.local_date(petition.registered_at),
        "route_due": petition.route_due,
        "route_days": in_force[K.ROUTE].days,
        "handle_days": in_force[K.HANDLE].days,
        "petitioner_name": petition.petitioner.name if petition.petitioner else "",
        "tracking_url": url,
        "qr": tracking.qr_svg(url),
        "phone": settings.XINFANG_OFFICE_PHONE,
    }
