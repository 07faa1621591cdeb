"""The register pages: disputes and their screening, key persons, sensitive periods, key projects."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError
from xinfang.common.http import or_404
from xinfang.common.pagination import PAGE_SIZE, CappedPaginator
from xinfang.early_warnings import selectors, services
from xinfang.early_warnings.forms import (
    ContactForm,
    DisputeForm,
    KeyPersonForm,
    LinkForm,
    PeriodForm,
    ProjectForm,
    VisitForm,
)
from xinfang.early_warnings.models import Dispute, KeyPerson, RiskLevel, SensitivePeriod
from xinfang.petitions.access import may_register, visible_q
from xinfang.petitions.validators import MAX_DATE, MIN_DATE


def _form_page(
    request: AuthenticatedHttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    title: str,
    back: str,
) -> HttpResponse:
    """Render a register's form; on a valid POST save it and go to the saved object."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.data_for_service())
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect(saved)
    return render(
        request,
        "early_warnings/register_form.html",
        {"form": form, "title": title, "back": back},
        status=400 if form.errors else 200,
    )


@login_required
def dispute_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the disputes of the user's units, filtered by status, risk and kind."""
    get = request.GET
    status, risk, kind = get.get("status", "active"), get.get("risk", ""), get.get("kind", "")
    rows = selectors.dispute_list(
        request.user,
        status=status if status in {"active", *Dispute.Status.values} else "",
        risk_level=risk if risk in RiskLevel.values else "",
        kind=kind if kind in Dispute.Kind.values else "",
    )
    page = CappedPaginator(rows, PAGE_SIZE).get_page(get.get("page"))
    query = get.copy()
    query.pop("page", None)
    return render(
        request,
        "early_warnings/dispute_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "status": status,
            "risk": risk,
            "kind": kind,
            "statuses": Dispute.Status.choices,
            "risks": RiskLevel.choices,
            "kinds": Dispute.Kind.choices,
        },
    )


@login_required
def dispute_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a dispute."""
    if request.user.is_read_only:
        raise Http404
    form = DisputeForm(
        request.POST or None, user=request.user, initial={"owner_unit": request.user.unit}
    )
    return _form_page(
        request,
        form,
        lambda data: services.dispute_save(actor=request.user, data=data, ip=client_ip(request)),
        _("登记矛盾纠纷"),
        reverse("early_warnings:dispute_list"),
    )


@login_required
def dispute_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a dispute: its risk, measures, status."""
    dispute = or_404(selectors.access_dispute, request.user, pk)
    if request.user.is_read_only:
        raise Http404
    initial = {f: getattr(dispute, f) for f in services.DISPUTE_FIELDS if not f.endswith("_id")}
    initial |= {
        "owner_unit": dispute.owner_unit_id,
        "cadre": dispute.cadre_id,
        "project": dispute.project_id,
    }
    form = DisputeForm(request.POST or None, user=request.user, initial=initial)
    return _form_page(
        request,
        form,
        lambda data: services.dispute_save(
            actor=request.user, data=data, dispute_id=dispute.pk, ip=client_ip(request)
        ),
        _("修改矛盾纠纷"),
        dispute.get_absolute_url(),
    )


@login_required
def dispute_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a dispute with its visits, its linked cases the user may see, and its alerts."""
    dispute = or_404(selectors.access_dispute, request.user, pk)
    return render(
        request,
        "early_warnings/dispute_detail.html",
        {
            "dispute": dispute,
            "visits": dispute.visits.all(),
            "petitions": dispute.petitions.filter(visible_q(request.user)).order_by(
                "-registered_at"
            ),
            "visit_form": VisitForm(initial={"on": clock.today()}),
            "link_form": LinkForm(),
            "may_edit": not request.user.is_read_only,
        },
    )


def _sub_step(
    get: Callable[[Any, int], Any],
    form_class: type[forms.Form],
    service: Callable[..., Any],
    id_name: str,
    done: str,
) -> Callable[..., HttpResponse]:
    """Return a POST view adding to a register entry (a visit, a link, a contact)."""

    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        obj = or_404(get, request.user, pk)
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(
                request,
                _("填写有误：")
                + "；".join(str(e) for errors in form.errors.values() for e in errors),
            )
            return redirect(obj)
        try:
            service(
                actor=request.user, **{id_name: obj.pk}, **form.cleaned_data, ip=client_ip(request)
            )
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, done)
        return redirect(obj)

    return view


dispute_visit = _sub_step(
    selectors.access_dispute,
    VisitForm,
    services.dispute_visit_add,
    "dispute_id",
    _("已记录摸排情况。"),
)
dispute_link = _sub_step(
    selectors.access_dispute,
    LinkForm,
    services.dispute_link_petition,
    "dispute_id",
    _("已关联信访事项。"),
)


@login_required
def key_person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the key persons of the user's units, overdue contacts and proposals first."""
    status = request.GET.get("status", "")
    rows = selectors.key_person_list(
        request.user,
        today=clock.today(),
        status=status if status in KeyPerson.Status.values else "",
    )
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "early_warnings/key_person_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "status": status,
            "statuses": KeyPerson.Status.choices,
            "today": clock.today(),
        },
    )


@login_required
def key_person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List a key person."""
    if request.user.is_read_only:
        raise Http404
    form = KeyPersonForm(
        request.POST or None,
        user=request.user,
        initial={"owner_unit": request.user.unit, "cadre": request.user},
    )
    return _form_page(
        request,
        form,
        lambda data: services.key_person_save(actor=request.user, data=data, ip=client_ip(request)),
        _("列管重点人员"),
        reverse("early_warnings:key_person_list"),
    )


@login_required
def key_person_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a key person's level, cadre or cadence."""
    person = or_404(selectors.access_key_person, request.user, pk)
    if request.user.is_read_only:
        raise Http404
    initial = {f: getattr(person, f) for f in services.KEY_PERSON_FIELDS if not f.endswith("_id")}
    initial |= {
        "owner_unit": person.owner_unit_id,
        "cadre": person.cadre_id,
        "project": person.project_id,
    }
    form = KeyPersonForm(request.POST or None, user=request.user, initial=initial)
    return _form_page(
        request,
        form,
        lambda data: services.key_person_save(
            actor=request.user, data=data, person_id=person.pk, ip=client_ip(request)
        ),
        _("修改重点人员"),
        person.get_absolute_url(),
    )


@login_required
def key_person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a key person with the contact log and when the next contact is due."""
    person = or_404(selectors.access_key_person, request.user, pk)
    return render(
        request,
        "early_warnings/key_person_detail.html",
        {
            "person": person,
            "overdue": person.status == KeyPerson.Status.CONFIRMED
            and person.next_contact_on < clock.today(),
            "contacts": person.contacts.select_related("by"),
            "contact_form": ContactForm(initial={"on": clock.today()}),
            "may_edit": not request.user.is_read_only,
        },
    )


key_person_contact = _sub_step(
    selectors.access_key_person,
    ContactForm,
    services.key_person_contact_add,
    "person_id",
    _("已记录联系情况。"),
)


class _ConfirmForm(forms.Form):
    keep = forms.BooleanField(required=False)


key_person_confirm = _sub_step(
    selectors.access_key_person,
    _ConfirmForm,
    services.key_person_confirm,
    "person_id",
    _("已处理。"),
)


@login_required
def period_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the sensitive periods; the petition office enters new ones here."""
    may_enter = may_register(request.user)
    form = PeriodForm(request.POST or None)
    if request.method == "POST":
        if not may_enter:
            raise Http404
        if form.is_valid():
            try:
                services.period_save(
                    actor=request.user, data=form.cleaned_data, ip=client_ip(request)
                )
            except DomainError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, _("已保存。"))
                return redirect("early_warnings:period_list")
    today = clock.today()
    current = selectors.period_in_force(today)
    return render(
        request,
        "early_warnings/period_list.html",
        {
            "periods": SensitivePeriod.objects.all()[:100],
            "current": current,
            "limits": selectors.limits_under(current),
            "form": form if may_enter else None,
            "today": today,
        },
        status=400 if form.errors else 200,
    )


@login_required
def screening(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the month's screening (排查): what each community reported, and who reported nothing."""
    today = clock.today()
    try:
        first = dt.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        first = today.replace(day=1)
    if not MIN_DATE <= first <= MAX_DATE:
        first = today.replace(day=1)
    rows = selectors.screening_month(request.user, first)
    return render(
        request,
        "early_warnings/screening.html",
        {"rows": rows, "month": first, "silent": sum(not r.reported for r in rows)},
    )


@login_required
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the key projects of the user's units."""
    rows = selectors.projects_for_user(request.user).select_related("owner_unit")
    return render(
        request,
        "early_warnings/project_list.html",
        {"projects": rows.order_by("-started_on", "pk")[:200]},
    )


@login_required
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a key project."""
    if request.user.is_read_only:
        raise Http404
    form = ProjectForm(
        request.POST or None,
        user=request.user,
        initial={"owner_unit": request.user.unit, "started_on": clock.today()},
    )
    return _form_page(
        request,
        form,
        lambda data: services.project_save(actor=request.user, data=data, ip=client_ip(request)),
        _("登记重点项目"),
        reverse("early_warnings:project_list"),
    )


@login_required
def project_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a key project: its disputes, cases and people, its timeline and figures."""
    project = or_404(selectors.access_project, request.user, pk)
    return render(
        request,
        "early_warnings/project_detail.html",
        {
            "project": project,
            "page": selectors.project_page(request.user, project),
            "may_edit": not request.user.is_read_only,
        },
    )


project_link = _sub_step(
    selectors.access_project,
    LinkForm,
    services.project_link_petition,
    "project_id",
    _("已关联信访事项。"),
)
