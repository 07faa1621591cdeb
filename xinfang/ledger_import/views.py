"""The import page: upload with a mapping, the dry run's report, the run and its progress.

Only the office of a unit (its registrars and administrators, access.may_register)
imports; every other role gets the 404 of a page that is not theirs.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError
from xinfang.common.http import or_404
from xinfang.ledger_import import jobs, selectors
from xinfang.ledger_import.forms import StartForm, UploadForm, shipped_mappings
from xinfang.ledger_import.models import ImportJob
from xinfang.petitions.access import may_register


def _job(request: AuthenticatedHttpRequest, pk: int) -> ImportJob:
    return or_404(selectors.access_import_job, request.user, pk)


@login_required
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the upload form and the recent imports; on POST, keep the file and dry-run it."""
    if not may_register(request.user):
        raise Http404
    examples = shipped_mappings()
    chosen = request.GET.get("example", "")
    form = UploadForm(initial={"mapping": examples.get(chosen, "")})
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = jobs.import_job_create(
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    mapping_text=form.cleaned_data["mapping"],
                    ip=client_ip(request),
                )
            except DomainError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                return redirect(job)
    recent = selectors.import_jobs_for_user(request.user)[:20]
    return render(
        request,
        "ledger_import/upload.html",
        {"form": form, "examples": examples, "chosen": chosen, "jobs": recent},
        status=400 if form.errors else 200,
    )


@login_required
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a job's dry-run report, the button to run it, and its progress or result."""
    job = _job(request, pk)
    return render(request, "ledger_import/job_detail.html", {"job": job, "start": StartForm()})


@login_required
@require_POST
def job_run(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Queue the real run of a checked job and come back to its page."""
    job = _job(request, pk)
    form = StartForm(request.POST)
    form.is_valid()
    try:
        jobs.import_job_start(
            actor=request.user,
            job=job,
            skip_invalid=form.cleaned_data.get("skip_invalid", False),
            ip=client_ip(request),
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已开始导入，可离开本页，稍后回来查看结果。"))
    return redirect(job)


@login_required
@require_POST
def job_index(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Queue the search index of an imported job's cases again, after it failed."""
    job = _job(request, pk)
    try:
        jobs.import_job_index_start(actor=request.user, job=job, ip=client_ip(request))
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已开始重建检索索引，稍后刷新本页查看。"))
    return redirect(job)


@login_required
def job_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Return the progress panel of a job; htmx polls it while the job runs."""
    job = _job(request, pk)
    return render(request, "ledger_import/_progress.html", {"job": job})
