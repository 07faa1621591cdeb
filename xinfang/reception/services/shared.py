"""What the reception services share: who may manage days, a day locked, the SMS sign."""

from typing import Any

from django.utils.translation import gettext as _

from xinfang.common.errors import NotFound, PermissionDenied
from xinfang.reception import selectors
from xinfang.reception.models import ReceptionDay

SMS_SIGN = "【信访工作平台】"


def check_manager(actor: Any) -> None:
    """Refuse anyone but the petition office."""
    if not selectors.may_manage(actor):
        raise PermissionDenied(_("只有信访部门可以安排领导接访日和预约。"))


def day_for_update(actor: Any, day_id: int) -> ReceptionDay:
    """Return the day `actor` may see, locked; NotFound otherwise."""
    day = selectors.days_for_user(actor).select_for_update(of=("self",)).filter(pk=day_id).first()
    if day is None:
        raise NotFound(_("接访日不存在。"))
    return day
