"""Transitions: one workflow action on one case, with its effect, event and audit entry.

What each action may do and changes is declared in `actions.ACTIONS`; this module runs
it in one transaction. Only this module assigns `Petition.status`.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.accounts.models import User
from xinfang.common import clock
from xinfang.common.audit import audit_record
from xinfang.common.errors import ActionNotAllowed, Conflict, NotFound, PermissionDenied
from xinfang.organization.models import Unit
from xinfang.organization.selectors import unit_subtree_ids
from xinfang.petitions import access, actions, effects, limits
from xinfang.petitions.inputs import LeaderInput
from xinfang.petitions.models import Petition
from xinfang.petitions.services.history import record_event
from xinfang.petitions.workflow import CASE_LEADER_ROLES, Action, Status


def _context(petition: Petition, actor: Any) -> effects.Ctx:
    now = clock.now()

    def find_case(pk: int) -> Petition | None:
        try:
            return access.access_petition(actor, pk)
        except NotFound:
            return None

    return effects.Ctx(
        petition=petition,
        actor=actor,
        now=now,
        today=clock.local_date(now),
        limits=limits.time_limits(),
        actor_unit_ids=frozenset(unit_subtree_ids(actor.unit)),
        find_unit=lambda pk: Unit.objects.filter(pk=pk).first(),
        find_case=find_case,
        find_leader=lambda pk: User.objects.select_related("unit")
        .filter(pk=pk, is_active=True, role__in=CASE_LEADER_ROLES)
        .first(),
    )


def transition_check(
    *, actor: Any, petition: Petition, action: Action | str, expected_version: int | None
) -> actions.ActionSpec[Any]:
    """Return the action's spec if `actor` may take it on the case now; raise why not.

    The reasons, in order: an unknown action, a version the user did not see (skipped
    when None, for a caller that only wants the reason), the status, the user's role and
    side, and the case's own guard (actions.ActionSpec.guard).
    """
    try:
        spec = actions.ACTIONS[Action(action)]
    except ValueError:
        raise ActionNotAllowed(_("未知的操作：%(a)s") % {"a": action}) from None
    act = spec.action
    if expected_version is not None and expected_version != petition.version:
        raise Conflict(_("该事项已被他人修改，请刷新页面查看最新情况后再操作。"))
    current = Status(petition.status)
    if current not in spec.moves:
        raise ActionNotAllowed(
            _("当前状态“%(s)s”下不能执行“%(a)s”。") % {"s": current.label, "a": act.label}
        )
    if actor.is_read_only or not actions.may_take(
        spec, actor.role, access.sides_of(actor, petition)
    ):
        raise PermissionDenied(_("您无权对该事项执行“%(a)s”。") % {"a": act.label})
    refusal = spec.refusal(petition, clock.today(), limits.time_limits())
    if refusal:
        raise ActionNotAllowed(refusal)
    return spec


@transaction.atomic
def petition_transition(
    *,
    actor: Any,
    petition_id: int,
    action: Action | str,
    data: Any,
    expected_version: int,
    ip: str | None = None,
) -> Petition:
    """Take `action` on the petition with its typed input and return it.

    `expected_version` is the version the user saw: a case changed since is refused
    (Conflict), so nobody overwrites a change they have not seen. Refusals write nothing.
    """
    petition = access.access_petition(actor, petition_id, for_update=True)
    spec = transition_check(
        actor=actor, petition=petition, action=action, expected_version=expected_version
    )
    return _take(petition, actor, spec, data, ip)


@dataclass(frozen=True)
class _Petitioner:
    """The petitioner acting on their own case through the portal: no account, unit or side."""

    role: str = actions.PETITIONER
    pk: None = None
    unit: None = None
    unit_id: None = None
    is_read_only: bool = False
    is_authenticated: bool = False


PETITIONER = _Petitioner()


@transaction.atomic
def petition_transition_by_petitioner(
    *, code: str, phone_last4: str, action: Action | str, data: Any, ip: str | None = None
) -> Petition:
    """Take the petitioner's own `action` on the case their query code and phone digits name.

    No version is asked: the petitioner's step waits on the case's status alone, which the
    locked row shows as it is now.
    """
    petition = access.access_petition_by_code(code, phone_last4, for_update=True)
    spec = transition_check(
        actor=PETITIONER, petition=petition, action=action, expected_version=None
    )
    return _take(petition, PETITIONER, spec, data, ip)


@transaction.atomic
def petition_take_charge(
    *, petition: Petition, leader: Any, by: Any, note: str = "", ip: str | None = None
) -> Petition:
    """Make `leader` the case's 包案 leader as `by` records it, whatever its version now.

    For a step taken elsewhere than on the case page (a leader's reception joining the
    case), where nobody looked at one version of the case; the action's other rules hold.
    """
    locked = access.access_petition(by, petition.pk, for_update=True)
    spec = transition_check(
        actor=by, petition=locked, action=Action.TAKE_CHARGE, expected_version=None
    )
    return _take(locked, by, spec, LeaderInput(leader_id=leader.pk, note=note), ip)


def _take(
    petition: Petition, actor: Any, spec: actions.ActionSpec[Any], data: Any, ip: str | None
) -> Petition:
    act, current = spec.action, Status(petition.status)
    if not isinstance(data, spec.input):
        raise TypeError(f"{act} takes {spec.input.__name__}, not {type(data).__name__}")
    ctx = _context(petition, actor)
    spec.effect(ctx, data)
    new = spec.moves[current]
    petition.status = new
    petition.due_date = actions.current_due(petition, ctx.limits)
    petition.version += 1
    petition.save()
    for row in ctx.created:
        row.save()
    note = str(getattr(data, "note", "") or getattr(data, "reason", "") or "")
    staff = actor if actor.pk is not None else None
    if staff is None:
        # The timeline names the petitioner as the one who acted (no account to name).
        ctx.details["by"] = actions.PETITIONER
    record_event(petition, staff, ctx.now, act.value, current.value, new.value, note, ctx.details)
    audit_record(
        actor=staff, kind="change", obj=petition, summary=f"{act.value}: {current}→{new}", ip=ip
    )
    return petition
