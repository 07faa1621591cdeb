"""The staff pages of publicity events, trainings and their yearly counts; the merit
labels and legal-channel guidance the office words; the case page's conduct panel.

Views validate input, call one service or selector, and render.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common import clock
from xinfang.common.audit import audit_record, client_ip
from xinfang.common.errors import DomainError
from xinfang.common.http import or_404
from xinfang.common.pagination import PAGE_SIZE, CappedPaginator
from xinfang.organization.selectors import units_visible_to
from xinfang.outreach import labels, selectors, services
from xinfang.outreach.forms import (
    ConductForm,
    EventForm,
    GuidanceForm,
    MeritLabelsForm,
    TrainingForm,
    year_of,
)
from xinfang.outreach.models import PublicityEvent
from xinfang.petitions import access
from xinfang.petitions.models import LegalChannel
from xinfang.petitions.notices import LEGAL_CHANNEL_GUIDANCE


def _form_page(
    request: AuthenticatedHttpRequest,
    form: Any,
    save: Callable[[], Any],
    title: str,
    back: str,
    template: str = "outreach/record_form.html",
) -> HttpResponse:
    """Render a record's form; on a valid POST save it and go to the saved record."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect(saved)
    return render(
        request,
        template,
        {"form": form, "title": title, "back": back},
        status=400 if form.errors else 200,
    )


def _year(request: AuthenticatedHttpRequest) -> int:
    return year_of(request.GET.get("year"), clock.today().year)


# ---------------------------------------------------------------- publicity events


@login_required
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the publicity events of the user's units in a year, of one form if asked."""
    year = _year(request)
    form = request.GET.get("form", "")
    form = form if form in PublicityEvent.Form.values else ""
    rows = selectors.event_list(request.user, year=year, form=form)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outreach/event_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "year": year,
            "form": form,
            "forms": PublicityEvent.Form.choices,
        },
    )


@login_required
def event_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a publicity event with its photos."""
    if request.user.is_read_only:
        raise Http404
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"owner_unit": request.user.unit_id, "held_on": clock.today()},
    )
    return _form_page(
        request,
        form,
        lambda: services.event_save(
            actor=request.user,
            data=form.data_for_service(),
            photos=request.FILES.getlist("photos"),
            ip=client_ip(request),
        ),
        _("登记宣传活动"),
        reverse("outreach:event_list"),
    )


@login_required
def event_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a publicity event, or add photos to it."""
    event = or_404(selectors.access_event, request.user, pk)
    if request.user.is_read_only:
        raise Http404
    initial = {f: getattr(event, f) for f in services.EVENT_FIELDS if not f.endswith("_id")}
    initial["owner_unit"] = event.owner_unit_id
    form = EventForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    return _form_page(
        request,
        form,
        lambda: services.event_save(
            actor=request.user,
            data=form.data_for_service(),
            photos=request.FILES.getlist("photos"),
            event_id=event.pk,
            ip=client_ip(request),
        ),
        _("修改宣传活动"),
        event.get_absolute_url(),
    )


@login_required
def event_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a publicity event with its photos."""
    event = or_404(selectors.access_event, request.user, pk)
    return render(
        request,
        "outreach/event_detail.html",
        {"event": event, "photos": event.photos.all(), "may_edit": not request.user.is_read_only},
    )


@login_required
def photo_download(request: AuthenticatedHttpRequest, pk: int, photo_pk: int) -> FileResponse:
    """Send a photo of an event the user sees."""
    photo = or_404(selectors.access_photo, request.user, pk, photo_pk)
    audit_record(actor=request.user, kind="download", obj=photo, ip=client_ip(request))
    return FileResponse(
        photo.file.open("rb"),
        content_type=photo.content_type,
        filename=photo.name,
        as_attachment=photo.content_type == "application/pdf",
    )


# ---------------------------------------------------------------- trainings


@login_required
def training_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the trainings of the user's units in a year, with their attendance."""
    year = _year(request)
    rows = selectors.training_list(request.user, year=year)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outreach/training_list.html",
        {"page": page, "query": query.urlencode(), "year": year},
    )


@login_required
def training_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a training, who was called to it and who came."""
    if request.user.is_read_only:
        raise Http404
    form = TrainingForm(
        request.POST or None,
        user=request.user,
        initial={"owner_unit": request.user.unit_id, "held_on": clock.today()},
    )
    return _form_page(
        request,
        form,
        lambda: services.training_save(
            actor=request.user,
            data=form.data_for_service(),
            attendance=form.attendance(),
            ip=client_ip(request),
        ),
        _("登记条例培训"),
        reverse("outreach:training_list"),
        "outreach/training_form.html",
    )


@login_required
def training_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a training or its attendance."""
    training = or_404(selectors.access_training, request.user, pk)
    if request.user.is_read_only:
        raise Http404
    attendance = dict(training.attendance.values_list("user_id", "present"))
    initial = {f: getattr(training, f) for f in services.TRAINING_FIELDS if not f.endswith("_id")}
    initial |= {
        "owner_unit": training.owner_unit_id,
        "called": list(attendance),
        "present": [pk for pk, came in attendance.items() if came],
    }
    form = TrainingForm(request.POST or None, user=request.user, initial=initial)
    return _form_page(
        request,
        form,
        lambda: services.training_save(
            actor=request.user,
            data=form.data_for_service(),
            attendance=form.attendance(),
            training_id=training.pk,
            ip=client_ip(request),
        ),
        _("修改条例培训"),
        training.get_absolute_url(),
        "outreach/training_form.html",
    )


@login_required
def training_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a training with its attendance list."""
    training = or_404(selectors.access_training, request.user, pk)
    rows = list(selectors.training_attendance(training))
    present = sum(1 for a in rows if a.present)
    return render(
        request,
        "outreach/training_detail.html",
        {
            "training": training,
            "attendance": rows,
            "present": present,
            "may_edit": not request.user.is_read_only,
        },
    )


# ---------------------------------------------------------------- yearly counts


@login_required
def counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show each of the user's units' publicity and training figures of a year."""
    year = _year(request)
    units = list(units_visible_to(request.user).order_by("path"))
    figures = selectors.yearly_counts([u.pk for u in units], year)
    rows = [(u, figures[u.pk]) for u in units]
    return render(
        request,
        "outreach/counts.html",
        {
            "year": year,
            "rows": rows,
            "chart": {
                "units": [u.name for u, _c in rows],
                "events": [c.events for _u, c in rows],
                "trainings": [c.trainings for _u, c in rows],
            },
        },
    )


# ---------------------------------------------------------------- the office's wording


def _office_only(request: AuthenticatedHttpRequest) -> None:
    if not selectors.may_record_conduct(request.user):
        raise Http404


@login_required
def merit_labels(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Let the office word the merit classes; cases keep their codes."""
    _office_only(request)
    form = MeritLabelsForm(request.POST or None, labels=labels.merit_labels())
    if request.method == "POST" and form.is_valid():
        try:
            services.merit_labels_save(
                actor=request.user, wording=form.cleaned_data, ip=client_ip(request)
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("outreach:merit_labels")
    return render(
        request,
        "outreach/merit_labels.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def guidance(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Let the office write how each legal channel is started, linked to a publicity page."""
    _office_only(request)
    written = selectors.guidance_all()
    posted = request.POST.get("channel") if request.method == "POST" else None
    rows = []
    for channel, label in LegalChannel.choices:
        saved = written.get(channel)
        form = GuidanceForm(
            request.POST if posted == channel else None,
            instance=saved,
            prefix=channel,
            # Until the office writes its own, it starts from the notice's line.
            initial=None if saved else {"how_to": str(LEGAL_CHANNEL_GUIDANCE[channel])},
        )
        if posted == channel and form.is_valid():
            try:
                services.channel_guidance_save(
                    actor=request.user,
                    channel=channel,
                    how_to=form.cleaned_data["how_to"],
                    page_id=form.cleaned_data["page"].pk if form.cleaned_data["page"] else None,
                    ip=client_ip(request),
                )
            except DomainError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, _("已保存：%(c)s。") % {"c": label})
                return redirect("outreach:guidance")
        rows.append((channel, label, form, saved))
    failed = any(f.errors for _c, _l, f, _g in rows)
    return render(request, "outreach/guidance.html", {"rows": rows}, status=400 if failed else 200)


# ---------------------------------------------------------------- the case page's panel


@login_required
def conduct_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Return the case page's panel: the case's merit and its conduct records."""
    petition = or_404(access.access_petition, request.user, pk)
    records = selectors.conduct_of(request.user, petition)
    may_record = selectors.may_record_conduct(request.user) and records is not None
    return render(
        request,
        "outreach/_conduct.html",
        {
            "p": petition,
            "merit": labels.merit_label(petition.merit),
            "merits": labels.merit_choices(),
            "records": records,
            "may_record": may_record,
            "form": ConductForm(initial={"occurred_on": clock.today()}) if may_record else None,
        },
    )


@login_required
@require_POST
def conduct_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record unlawful conduct at the case and return to its page."""
    petition = or_404(access.access_petition, request.user, pk)
    form = ConductForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("填写有误：") + "；".join(str(e) for errs in form.errors.values() for e in errs),
        )
        return redirect(petition)
    try:
        services.conduct_record(
            actor=request.user,
            petition_id=petition.pk,
            data=form.cleaned_data,
            ip=client_ip(request),
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已记录违法行为。"))
    return redirect(petition)


@login_required
@require_POST
def merit_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Classify the case's merit and return to its page."""
    petition = or_404(access.access_petition, request.user, pk)
    try:
        services.petition_merit_set(
            actor=request.user,
            petition_id=petition.pk,
            merit=request.POST.get("merit", "")[:30],
            ip=client_ip(request),
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已保存信访性质。"))
    return redirect(petition)
