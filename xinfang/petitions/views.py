"""The work pages: workbench, intake, case page and its actions, search, petitioner page.

Views validate input, call one service or selector, and render; DomainErrors become
form errors or messages, never half-done work.
"""

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError, NotFound
from xinfang.common.http import or_404
from xinfang.common.pagination import PAGE_SIZE, CappedPaginator
from xinfang.organization.selectors import units_visible_to
from xinfang.petitions import (
    access,
    deadlines,
    effects,
    exports,
    notices,
    repeats,
    selectors,
    services,
    tracking,
)
from xinfang.petitions.forms import (
    ACTION_FORMS,
    IntakeForm,
    IntakeLookupForm,
    PersonFormSet,
    SearchForm,
)
from xinfang.petitions.models import Channel, LegalChannel, Petition, ReplyKind
from xinfang.petitions.workflow import Action, Status


@login_required
def workbench(request: AuthenticatedHttpRequest) -> HttpResponse:
    bench = selectors.workbench_for_user(request.user)
    statuses = [(s, bench.status_counts[s.value]) for s in Status if s.value in bench.status_counts]
    return render(
        request,
        "petitions/workbench.html",
        {"bench": bench, "statuses": statuses, "today": clock.today()},
    )


@login_required
def petition_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = SearchForm(request.GET or None)
    filters, page_number = selectors.PetitionFilters(), None
    if form.is_valid():
        filters, page_number = form.filters(), form.cleaned_data["page"]
    people = selectors.person_search(request.user, filters.q)
    found = selectors.petition_search(request.user, filters, people=people)
    services.petitioners_searched(actor=request.user, search=people, ip=client_ip(request))
    # A search that cannot be run (a date past 2100, an id beyond any row) shows its
    # errors and no rows, rather than every case as if no filter had been given.
    if form.errors:
        found = found.none()
    fmt = request.GET.get("export", "")
    if fmt in exports.FORMATS and not form.errors:
        return exports.ledger_response(
            user=request.user, cases=found, fmt=fmt, name=_("信访事项台账"), ip=client_ip(request)
        )
    page = CappedPaginator(found, PAGE_SIZE).get_page(page_number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "petitions/petition_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "statuses": list(Status),
            "channels": Channel.choices,
            "units": units_visible_to(request.user),
            "categories": selectors.categories_tree(),
            "today": clock.today(),
            "sees_people": access.sees_personal_data(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def petition_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.may_register(request.user):
        raise Http404
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user)
    formset = PersonFormSet(request.POST or None, prefix="person")
    asked: set[str | None] = set()  # the choices a refusal asks for, shown with it
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            petition = services.petition_register(
                actor=request.user,
                data=form.registration(formset.people()),
                files=request.FILES.getlist("attachments"),
                ip=client_ip(request),
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
            asked.add(e.field)
        else:
            messages.success(
                request,
                _("已登记 %(n)s，查询码 %(c)s。")
                % {"n": petition.number, "c": petition.query_code},
            )
            return redirect(petition)
    return render(
        request,
        "petitions/petition_form.html",
        {
            "form": form,
            "formset": formset,
            "ask_on_record": "on_record" in asked or _any_value(formset, "on_record"),
            "ask_not_repeat": "repeat_of" in asked or bool(form["not_repeat"].value()),
        },
    )


def _any_value(formset: Any, field: str) -> bool:
    return any(f[field].value() for f in formset.forms)


@login_required
def petitioner_match_panel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Return the known-person panel for the intake form (HTMX).

    It names each person found, offers what their record knows for the empty fields,
    warns when the ID number is on file under another name or phone, and shows the
    cases of the last 30 days with a similar title, each one key from "link as repeat".
    """
    if not access.may_register(request.user):
        raise Http404
    lookup = IntakeLookupForm(request.GET)
    # A lookup the form refuses (a NUL, an over-long value) simply finds nobody.
    typed = lookup.cleaned_data if lookup.is_valid() else {}
    matches = (
        selectors.petitioner_matches(request.user, **{k: typed[k] for k in IntakeLookupForm.PERSON})
        if typed
        else []
    )
    # The panel shows each person found, and hands the page their address and phone to
    # fill in: a read of personal data like any other.
    services.petitioners_viewed(
        actor=request.user,
        people=[m.petitioner for m in matches],
        fields=("name", "phone", "address"),
        where=_("登记时信访人匹配"),
        ip=client_ip(request),
    )
    rows = [
        (
            m,
            list(selectors.petitioner_history(request.user, m.petitioner)[:5]),
            m.petitioner.differs_from(
                id_number=typed["id_number"], name=typed["name"], phone=typed["phone"]
            ),
        )
        for m in matches
    ]
    similar = repeats.likely_repeats(
        request.user, [m.petitioner.pk for m in matches], typed.get("title", ""), clock.now()
    )
    return render(
        request, "petitions/_known_person.html", {"matches": rows, "likely_repeats": similar}
    )


def _action_form(act: Action, *args: Any, **kwargs: Any) -> Any:
    """Return the form of `act`, its field ids its own: the case page shows several forms."""
    return ACTION_FORMS[act](*args, auto_id=f"id_{act.value}_%s", **kwargs)


def _action_forms(
    request: AuthenticatedHttpRequest, petition: Petition, actions: list[Action]
) -> list[Any]:
    return [
        (
            a,
            _action_form(
                a, petition=petition, user=request.user, initial={"version": petition.version}
            ),
        )
        for a in actions
    ]


@login_required
def petition_detail(
    request: AuthenticatedHttpRequest, pk: int, *, failed: Any = None
) -> HttpResponse:
    petition = or_404(access.access_petition, request.user, pk)
    actions = access.allowed_actions(request.user, petition)
    shown = access.disclosure(request.user, petition)
    representatives = list(petition.representatives.all()) if shown.identity else []
    if shown.personal:
        # Every person the page shows in full: the petitioner and each representative.
        people = [petition.petitioner, *representatives] if petition.petitioner else representatives
        services.petitioners_viewed(
            actor=request.user, people=people, where=petition.number, ip=client_ip(request)
        )
    forms = _action_forms(request, petition, actions)
    refusal = None
    if failed is not None:
        forms = [(a, failed[1] if a == failed[0] else f) for a, f in forms]
        # The refused action may not be one the user can take at all: say why up top.
        if failed[0] not in actions:
            refusal = " ".join(failed[1].non_field_errors())
    today = clock.today()
    events = list(selectors.petition_timeline(petition))
    return render(
        request,
        "petitions/petition_detail.html",
        {
            "extension_request": _extension_request(petition, events),
            "confirmed_actions": CONFIRMED_ACTIONS,
            "p": petition,
            "forms": forms,
            "refusal": refusal,
            "events": events,
            "show_identity": shown.identity,
            "query_code": notices.format_query_code(petition.query_code),
            "full_personal": shown.personal,
            "representatives": representatives,
            "attachments": access.attachments_shown(request.user, petition),
            # The accused unit is told only how many files there are.
            "attachment_count": 0 if shown.identity else petition.attachments.count(),
            "supervisions": list(petition.supervisions.select_related("opened_by")),
            "notices": [(k, notices.NOTICE_KINDS[k]) for k in notices.available_notices(petition)]
            if shown.identity
            else [],
            "days_left": deadlines.days_left(petition.due_date, today)
            if petition.due_date
            else None,
            "repeats": list(petition.repeats.all()[:10]),
            "calendar_known": deadlines.calendar_known((petition.due_date or today).year),
            "read_only": request.user.is_read_only,
        },
        status=400 if failed is not None and failed[1].errors else 200,
    )


@login_required
@require_POST
def petition_act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    petition = or_404(access.access_petition, request.user, pk)
    try:
        act = Action(action)
    except ValueError:
        raise Http404 from None
    form = _action_form(act, request.POST, petition=petition, user=request.user)
    if form.is_valid() and "back" in request.POST:
        # Back from the confirmation, to change what was entered.
        return petition_detail(request, pk, failed=(act, form))
    if form.is_valid() and act in CONFIRMED_ACTIONS and request.POST.get("confirmed") != "1":
        try:
            shown = _confirmation(request, petition, act, form)
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            return render(request, "petitions/petition_confirm.html", shown)
    elif form.is_valid():
        try:
            services.petition_transition(
                actor=request.user,
                petition_id=petition.pk,
                action=act,
                data=form.to_input(),
                expected_version=form.cleaned_data["version"],
                ip=client_ip(request),
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, _("已完成：%(a)s") % {"a": act.label})
            return redirect(petition)
    return petition_detail(request, pk, failed=(act, form))


def _extension_request(petition: Petition, events: list[Any]) -> dict[str, Any] | None:
    """Return the days and reason of the extension waiting for approval, if one is."""
    if petition.status != Status.EXTENSION_REQUESTED:
        return None
    asked = next((e for e in reversed(events) if e.action == Action.REQUEST_EXTENSION), None)
    return {"days": petition.extension_requested_days, "reason": selectors.extension_reason(asked)}


# The steps that end a case or speak to the petitioner for good: shown before they are taken.
CONFIRMED_ACTIONS = frozenset({Action.REPLY, Action.NOT_ACCEPT, Action.MERGE})


def _notice_preview(
    request: AuthenticatedHttpRequest, petition: Petition, kind: str, **decision: Any
) -> str:
    """Return the notice of `kind` as it will be printed once `decision` is taken; "" if hidden."""
    if not access.can_see_identity(request.user, petition):
        return ""  # the unit complained about prints no notice (Art. 46)
    draft = copy.copy(petition)
    for name, value in decision.items():
        setattr(draft, name, value)
    base = tracking.public_base(request.build_absolute_uri("/"))
    return notices.render_notice_html(draft, kind, base=base)


def _confirmation(
    request: AuthenticatedHttpRequest, petition: Petition, act: Action, form: Any
) -> dict[str, Any]:
    """Return what the confirmation page of `act` shows: the notice to be issued, or the target."""
    d = form.cleaned_data
    now = clock.now()
    shown: dict[str, Any] = {
        "p": petition,
        "action": act,
        "posted": [
            (k, v)
            for k, values in request.POST.lists()
            if k not in ("csrfmiddlewaretoken", "confirmed", "back")
            for v in values
        ],
    }
    if act == Action.REPLY:
        shown["notice"] = _notice_preview(
            request,
            petition,
            "reply",
            reply_kind=d["reply_kind"],
            reply_text=d["text"],
            replied_at=now,
        )
        shown["reply_kind"] = ReplyKind(d["reply_kind"]).label
        shown["text"] = d["text"]
    elif act == Action.NOT_ACCEPT:
        shown["notice"] = _notice_preview(
            request,
            petition,
            "non_acceptance",
            status=Status.NOT_ACCEPTED,
            routed_at=now,
            not_accept_reason=d["reason"],
            legal_channel=d["legal_channel"],
        )
        shown["reason"] = d["reason"]
        shown["legal_channel"] = (
            notices.LEGAL_CHANNEL_GUIDANCE[d["legal_channel"]] if d["legal_channel"] else ""
        )
        shown["legal_channel_label"] = (
            LegalChannel(d["legal_channel"]).label if d["legal_channel"] else ""
        )
    else:
        try:
            original = access.access_petition(request.user, d["original"])
        except NotFound as e:
            raise NotFound(e.message, field="original") from None
        effects.check_merge_target(petition, original)
        shown["original"] = original
        shown["original_identity"] = access.can_see_identity(request.user, original)
    return shown


@login_required
def petitioner_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    person = or_404(access.access_petitioner, request.user, pk)
    full = access.sees_personal_data(request.user)
    if full:
        services.petitioners_viewed(actor=request.user, people=[person], ip=client_ip(request))
    cases = selectors.petitioner_history(request.user, person)
    if (fmt := request.GET.get("export", "")) in exports.FORMATS:
        name = _("信访人%(name)s的信访记录") % {"name": person.name}
        return exports.ledger_response(
            user=request.user, cases=cases, fmt=fmt, name=name, ip=client_ip(request)
        )
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "petitions/petitioner_detail.html",
        {"person": person, "page": page, "full_personal": full, "query": ""},
    )
