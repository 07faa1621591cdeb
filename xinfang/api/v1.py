"""Version 1 of the API: tokens, petitions and their workflow actions, petitioners, units.

Each endpoint checks the shape of its input, calls one service or selector and returns a
representation: the selectors decide what a user may see, the services what they may do,
and the action forms hold the field rules the pages use too. Showing anyone a
petitioner's ID number or phone in full writes a view_personal audit entry.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import authenticate
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.params.functions import Body

from xinfang.accounts.models import ApiToken, User
from xinfang.api.auth import api_user, api_writer
from xinfang.api.errors import InvalidFields, NotAuthenticated
from xinfang.api.kpis import KpiCasesQuery
from xinfang.api.schemas import (
    AcceptanceOut,
    ErrorOut,
    PersonOut,
    PetitionDetail,
    PetitionerIn,
    PetitionerMatchOut,
    PetitionerQuery,
    PetitionIn,
    PetitionPage,
    PetitionQuery,
    PetitionSummary,
    RouterSuggestionsOut,
    SuggestionsOut,
    TokenIn,
    TokenOut,
    UnitOut,
)
from xinfang.common import clock
from xinfang.common.audit import audit_record, client_ip
from xinfang.common.errors import PermissionDenied
from xinfang.common.models import AuditEntry
from xinfang.common.pagination import CappedPaginator
from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions import access, selectors, services
from xinfang.petitions.forms import ACTION_FORMS, IntakeForm
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.validators import normalize_id_number, normalize_phone
from xinfang.petitions.workflow import Action
from xinfang.routing import selectors as routing_selectors
from xinfang.routing import services as routing
from xinfang.routing.models import Kind

router = Router()

ERRORS: dict[int, type[ErrorOut]] = {code: ErrorOut for code in (400, 401, 403, 404, 409)}


def _audit_personal_read(
    request: HttpRequest, user: User, people: Iterable[Petitioner], where: str
) -> None:
    """Record that `user` saw these people's ID numbers and phones in full."""
    services.petitioners_viewed(
        actor=user,
        people=people,
        fields=("id_number", "phone"),
        where=where,
        ip=client_ip(request),
    )


def _detail(request: HttpRequest, user: User, petition: Petition) -> PetitionDetail:
    """Return the case as `user` may see it, auditing a full read of personal data."""
    prefetch_related_objects([petition], "representatives")
    shown = access.disclosure(user, petition)
    if shown.personal:
        people = [petition.petitioner, *petition.representatives.all()]
        unique = {p.pk: p for p in people if p is not None}
        _audit_personal_read(request, user, unique.values(), petition.number)
    events = list(selectors.petition_timeline(petition))
    detail = PetitionDetail.of(
        petition,
        identity=shown.identity,
        full=shown.personal,
        today=clock.today(),
        allowed=access.allowed_actions(user, petition),
        events=events,
        event_details=[access.event_details(user, petition, e) for e in events],
    )
    if user.role in services.REGISTRAR_ROLES:
        detail.suggestions = SuggestionsOut(
            **{
                kind.value: RouterSuggestionsOut.of(
                    routing.suggest(kind, petition.title, petition.content)
                )
                for kind in Kind
            }
        )
    return detail


def _form_data(body: dict[str, Any]) -> dict[str, Any]:
    # Django's choice fields compare strings: JSON true must arrive as the form's "true".
    return {k: str(v).lower() if isinstance(v, bool) else v for k, v in body.items()}


# ---------------------------------------------------------------- auth


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut},
    tags=["auth"],
)
def token_issue(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Issue a bearer token for a username and password; it is shown only this once."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise NotAuthenticated(_("用户名或密码不正确，或账号已停用。"))
    token = ApiToken.issue(user)
    audit_record(
        actor=user,
        kind=AuditEntry.Kind.LOGIN,
        obj=user,
        summary=_("签发接口令牌"),
        ip=client_ip(request),
    )
    return TokenOut(token=token)


# ---------------------------------------------------------------- petitions


@router.post("/petitions", response={201: PetitionDetail, **ERRORS}, tags=["petitions"])
def petition_create(request: HttpRequest, payload: PetitionIn) -> tuple[int, PetitionDetail]:
    """Register a petition received through any channel."""
    user = api_writer(request)
    form = IntakeForm(data=payload.form_data())
    if not form.is_valid():
        raise InvalidFields.from_form(form)
    petition = services.petition_register(
        actor=user, data=form.registration(payload.people()), ip=client_ip(request)
    )
    return 201, _detail(request, user, petition)


@router.get("/petitions", response={200: PetitionPage, **ERRORS}, tags=["petitions"])
def petition_list(
    request: HttpRequest, query: Query[PetitionQuery], kpi: Query[KpiCasesQuery]
) -> PetitionPage:
    """List the petitions the user may see, newest first, a page at a time."""
    user = api_user(request)
    found = selectors.petition_search(user, query.filters())
    found = kpi.narrow(user, found, query.unit)  # kpi=&part=: the cases behind a figure
    start = (query.page - 1) * query.page_size
    # Each row is checked against Art. 46, which reads the accused unit, and names its
    # category with the parent.
    rows = found.select_related(
        "accused_unit", "category__parent", "registered_unit", "petitioner"
    )[start : start + query.page_size]
    today = clock.today()
    counted = CappedPaginator(found, query.page_size)
    return PetitionPage(
        count=counted.count,
        count_capped=counted.count_capped,
        page=query.page,
        page_size=query.page_size,
        results=[
            PetitionSummary.of(p, identity=access.can_see_identity(user, p), today=today)
            for p in rows
        ],
    )


@router.get(
    "/petitions/{petition_id}", response={200: PetitionDetail, **ERRORS}, tags=["petitions"]
)
def petition_get(request: HttpRequest, petition_id: int) -> PetitionDetail:
    """Return one petition with its deadline, history and the actions open to the user."""
    user = api_user(request)
    return _detail(request, user, access.access_petition(user, petition_id))


@router.post(
    "/petitions/{petition_id}/actions/{action}",
    response={200: PetitionDetail, **ERRORS},
    tags=["petitions"],
)
def petition_act(
    request: HttpRequest,
    petition_id: int,
    action: Action,
    body: dict[str, Any] = Body(default_factory=dict),  # noqa: B008
) -> PetitionDetail:
    """Take a workflow action; the body holds its fields and the `version` last seen."""
    user = api_writer(request)
    petition = access.access_petition(user, petition_id)
    form = ACTION_FORMS[action](data=_form_data(body), petition=petition, user=user)
    if not form.is_valid():
        # A step the user may not take now is refused with its reason (wrong status, not
        # their side of the case, the case's own rule); field errors would hide it.
        services.transition_check(
            actor=user, petition=petition, action=action, expected_version=None
        )
        raise InvalidFields.from_form(form)
    petition = services.petition_transition(
        actor=user,
        petition_id=petition.pk,
        action=action,
        data=form.to_input(),
        expected_version=form.cleaned_data["version"],
        ip=client_ip(request),
    )
    return _detail(request, user, petition)


# ---------------------------------------------------------------- petitioners and units


@router.get(
    "/petitioners", response={200: list[PetitionerMatchOut], **ERRORS}, tags=["petitioners"]
)
def petitioner_search(
    request: HttpRequest, query: Query[PetitionerQuery]
) -> list[PetitionerMatchOut]:
    """Find known petitioners by ID number, phone, or name and address together."""
    user = api_user(request)
    # The registry lookup is the registrar's intake tool; a handler in a unit complained
    # about must not be able to look their accuser up (Art. 46).
    if not access.may_search_registry(user):
        raise PermissionDenied(_("只有登记员可以查询信访人档案。"))
    matches = selectors.petitioner_matches(
        user,
        id_number=normalize_id_number(query.id_number),
        phone=normalize_phone(query.phone),
        name=query.name.strip(),
        address=query.address.strip(),
    )
    full = access.sees_personal_data(user)
    services.petitioners_viewed(
        actor=user,
        people=[m.petitioner for m in matches],
        fields=("name", "id_number", "phone") if full else ("name",),
        where=_("信访人查询"),
        ip=client_ip(request),
    )
    return [PetitionerMatchOut.of_match(m, full=full) for m in matches]


@router.post("/petitioners", response={200: PersonOut, **ERRORS}, tags=["petitioners"])
def petitioner_create(request: HttpRequest, payload: PetitionerIn) -> PersonOut:
    """Return the known petitioner this person is, or register them."""
    user = api_writer(request)
    if user.role not in services.REGISTRAR_ROLES:
        raise PermissionDenied(_("只有登记员可以建立信访人档案。"))
    communities = units_visible_to(user).filter(kind=Unit.Kind.COMMUNITY)
    if payload.community is not None and not communities.filter(pk=payload.community).exists():
        raise InvalidFields({"community": [_("所在社区不存在或不在本单位管辖范围内。")]})
    person = services.petitioner_resolve(actor=user, data=payload.data(), ip=client_ip(request))
    full = access.sees_personal_data(user)
    if full:
        _audit_personal_read(request, user, [person], _("信访人建档"))
    return PersonOut.of(person, full=full)


@router.get("/units", response={200: list[UnitOut], **ERRORS}, tags=["units"])
def unit_list(request: HttpRequest) -> list[UnitOut]:
    """List the units whose cases the user may see."""
    return [UnitOut.of(u) for u in units_visible_to(api_user(request))]


# ---------------------------------------------------------------- routing


@router.get("/routing/acceptance", response={200: AcceptanceOut, **ERRORS}, tags=["routing"])
def routing_acceptance(request: HttpRequest, kind: Kind = Kind.CATEGORY) -> AcceptanceOut:
    """Return how often registrars took the first suggestion, overall, by month and target."""
    user = api_user(request)
    if user.role not in routing_selectors.ACCEPTANCE_ROLES:
        raise PermissionDenied(_("无权查看智能分派统计。"))
    return AcceptanceOut.of(routing_selectors.acceptance(kind))
