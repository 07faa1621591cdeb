"""Version 1 of the API: petitions and their workflow actions, petitioners, units.

Each endpoint checks the shape of its input, calls one service or selector and returns a
representation: the selectors decide what a user may see, the services what they may do,
and the action forms hold the field rules the pages use too. Showing anyone a
petitioner's ID number or phone in full writes a view_personal audit entry.
"""

from collections.abc import Callable, Iterable

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from xinfang.accounts.models import User
from xinfang.api.auth import api_user, api_writer
from xinfang.api.errors import InvalidFields
from xinfang.api.formschema import form_data, formset_data
from xinfang.api.kpis import KpiCasesQuery, kpi_narrow
from xinfang.api.schemas import (
    ACTION_BODIES,
    AcceptanceOut,
    ErrorOut,
    PersonOut,
    PetitionDetail,
    PetitionerIn,
    PetitionerMatchOut,
    PetitionerQuery,
    PetitionId,
    PetitionIn,
    PetitionPage,
    PetitionQuery,
    PetitionSummary,
    RouterSuggestionsOut,
    SuggestionsOut,
    UnitOut,
    action_form,
)
from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.errors import PermissionDenied
from xinfang.common.pagination import CappedPaginator
from xinfang.organization.selectors import units_by_id, units_visible_to
from xinfang.petitions import access, selectors, services
from xinfang.petitions.forms import (
    IntakeForm,
    PersonFormSet,
    PetitionerForm,
    PetitionerLookupForm,
    SearchForm,
)
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.workflow import Action
from xinfang.routing import selectors as routing_selectors
from xinfang.routing import services as routing
from xinfang.routing.models import Kind

router = Router()

ERRORS: dict[int, type[ErrorOut]] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413)}


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
    """Return the case as `user` may see it, auditing a full read of personal data.

    The office's roles get the routers' suggestions too.
    """
    representatives = list(petition.representatives.all())
    shown = access.disclosure(user, petition)
    if shown.personal:
        people = [petition.petitioner, *representatives]
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
        representatives=representatives,
    )
    if access.may_register(user):
        detail.suggestions = SuggestionsOut(
            **{
                kind.value: RouterSuggestionsOut.of(
                    routing.suggest(kind, petition.title, petition.content)
                )
                for kind in Kind
            }
        )
    return detail


def _registered(user: User, done: services.Registered) -> PetitionDetail:
    """Return a new case for its registration's answer, from what the registration wrote.

    Nothing is read back: the case, its event and its people are the service's objects,
    the registering unit is the user's, the category and the units it names are the ones
    kept in memory (common/memo.py). The people's ID numbers and phones are masked, as in
    a list, so that the answer is no read of personal data to audit (GET shows them).
    """
    petition = done.petition
    if user.unit is not None and petition.registered_unit_id == user.unit_id:
        petition.registered_unit = user.unit
    units, categories = units_by_id(), selectors.categories_by_id()
    for field, rows in (("community", units), ("accused_unit", units), ("category", categories)):
        row = rows.get(getattr(petition, f"{field}_id"))
        if row is not None:  # one added in another process this half-minute is read
            setattr(petition, field, row)
    identity = access.can_see_identity(user, petition)
    return PetitionDetail.of(
        petition,
        identity=identity,
        full=False,
        today=clock.today(),
        allowed=access.allowed_actions(user, petition),
        events=[done.event],
        event_details=[access.event_details(user, petition, done.event)],
        representatives=done.representatives,
    )


# ---------------------------------------------------------------- petitions


@router.post("/petitions", response={201: PetitionDetail, **ERRORS}, tags=["petitions"])
def petition_create(
    request: HttpRequest,
    payload: PetitionIn,  # type: ignore[valid-type]  # a schema derived from IntakeForm
) -> tuple[int, PetitionDetail]:
    """Register a petition received through any channel.

    The answer is the case as `GET /petitions/{id}` returns it, with two differences:
    the petitioner's and representatives' ID numbers and phones are masked (GET shows
    them in full to the roles that may see them), and there are no routing suggestions
    (GET has them): registering runs no prediction and reads nothing back.
    """
    user = api_writer(request)
    data = form_data(payload)
    # Every person is a row of the page's formset; none may be left blank and skipped.
    people = PersonFormSet(
        data=formset_data("person", data.pop("petitioners")),
        prefix="person",
        form_kwargs={"empty_permitted": False},
    )
    form = IntakeForm(data=data, user=user)
    if not (form.is_valid() & people.is_valid()):  # both, to report every error at once
        raise InvalidFields.from_form(form, formsets={"petitioners": people})
    done = services.petition_registration(
        actor=user, data=form.registration(people.people()), ip=client_ip(request)
    )
    return 201, _registered(user, done)


@router.get("/petitions", response={200: PetitionPage, **ERRORS}, tags=["petitions"])
def petition_list(
    request: HttpRequest,
    query: Query[PetitionQuery],  # type: ignore[valid-type]  # derived from SearchForm
    kpi: Query[KpiCasesQuery],  # type: ignore[valid-type]  # derived from KpiCasesForm
) -> PetitionPage:
    """List the petitions the user may see, newest first, a page at a time."""
    user = api_user(request)
    data = form_data(query)
    page_size = data.pop("page_size")
    form = SearchForm(data=data)
    if not form.is_valid():
        raise InvalidFields.from_form(form)
    page = form.cleaned_data["page"] or 1
    filters = form.filters()
    people = selectors.person_search(user, filters.q)
    found = selectors.petition_search(user, filters, people=people)
    services.petitioners_searched(actor=user, search=people, ip=client_ip(request))
    # kpi=&part=: exactly the cases behind a figure of the KPI engine.
    found = kpi_narrow(user, found, kpi, form.cleaned_data["unit"])
    start = (page - 1) * page_size
    # Each row is checked against Art. 46, which reads the accused unit, and names its
    # category with the parent.
    rows = found.select_related(
        "accused_unit", "category__parent", "registered_unit", "petitioner"
    )[start : start + page_size]
    today = clock.today()
    counted = CappedPaginator(found, page_size)
    return PetitionPage(
        count=counted.count,
        count_capped=counted.count_capped,
        page=page,
        page_size=page_size,
        results=[
            PetitionSummary.of(p, identity=access.can_see_identity(user, p), today=today)
            for p in rows
        ],
    )


@router.get(
    "/petitions/{petition_id}", response={200: PetitionDetail, **ERRORS}, tags=["petitions"]
)
def petition_get(request: HttpRequest, petition_id: PetitionId) -> PetitionDetail:
    """Return one petition with its deadline, history and the actions open to the user."""
    user = api_user(request)
    return _detail(request, user, access.access_petition(user, petition_id))


def petition_act(
    request: HttpRequest, petition_id: int, action: Action, body: Schema
) -> PetitionDetail:
    """Take a workflow action; the body holds its fields and the `version` last seen."""
    user = api_writer(request)
    petition = access.access_petition(user, petition_id)
    form = action_form(action)(data=form_data(body), petition=petition, user=user)
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


def _action_endpoint(action: Action) -> Callable[..., PetitionDetail]:
    body_schema = ACTION_BODIES[action]

    def take(
        request: HttpRequest,
        petition_id: PetitionId,
        body: body_schema,  # type: ignore[valid-type]  # derived from the action's form
    ) -> PetitionDetail:
        return petition_act(request, petition_id, action, body)

    take.__name__ = take.__qualname__ = f"petition_{action.value}"
    take.__doc__ = body_schema.__doc__
    return take


# One operation per action, so that the schema documents each action's own body.
for _action in Action:
    router.post(
        f"/petitions/{{petition_id}}/actions/{_action.value}",
        response={200: PetitionDetail, **ERRORS},
        tags=["petitions"],
        summary=_action.label,
        operation_id=f"petition_{_action.value}",
    )(_action_endpoint(_action))


@router.post(
    "/petitions/{petition_id}/actions/{action}",
    response={400: ErrorOut},
    tags=["petitions"],
    include_in_schema=False,
)
def petition_act_unknown(request: HttpRequest, petition_id: str, action: str) -> None:
    """Refuse an action the workflow does not have, in the API's JSON shape."""
    raise InvalidFields({"action": [_("没有这项操作。")]})


# ---------------------------------------------------------------- petitioners and units


@router.get(
    "/petitioners", response={200: list[PetitionerMatchOut], **ERRORS}, tags=["petitioners"]
)
def petitioner_search(
    request: HttpRequest,
    query: Query[PetitionerQuery],  # type: ignore[valid-type]  # from PetitionerLookupForm
) -> list[PetitionerMatchOut]:
    """Find known petitioners by ID number, phone, or name and address together."""
    user = api_user(request)
    # The registry lookup is the registrar's intake tool; a handler in a unit complained
    # about must not be able to look their accuser up (Art. 46).
    if not access.may_register(user):
        raise PermissionDenied(_("只有登记员可以查询信访人档案。"))
    form = PetitionerLookupForm(data=form_data(query))
    if not form.is_valid():
        raise InvalidFields.from_form(form)
    matches = selectors.petitioner_matches(user, **form.cleaned_data)
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
def petitioner_create(
    request: HttpRequest,
    payload: PetitionerIn,  # type: ignore[valid-type]  # derived from PetitionerForm
) -> PersonOut:
    """Return the known petitioner this person is, or register them."""
    user = api_writer(request)
    if not access.may_register(user):
        raise PermissionDenied(_("只有登记员可以建立信访人档案。"))
    form = PetitionerForm(data=form_data(payload), user=user)
    if not form.is_valid():
        raise InvalidFields.from_form(form)
    person = services.petitioner_resolve(actor=user, data=form.person(), ip=client_ip(request))
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
