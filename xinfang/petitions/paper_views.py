"""The case's papers: attachments uploaded and downloaded, notices and the receipt printed.

Every download and print is audited; who may have which paper is `access`'s to say.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common.audit import audit_record, client_ip
from xinfang.common.errors import DomainError
from xinfang.common.http import or_404
from xinfang.petitions import access, notices, receipts, services, tracking
from xinfang.petitions.models import Petition


@login_required
@require_POST
def petition_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    petition = or_404(access.access_petition, request.user, pk)
    try:
        services.petition_attach(
            actor=request.user,
            petition_id=petition.pk,
            files=request.FILES.getlist("attachments"),
            ip=client_ip(request),
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("附件已上传。"))
    return redirect(petition)


@login_required
def attachment_download(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> FileResponse:
    petition = or_404(access.access_petition, request.user, pk)
    attachment = or_404(access.access_attachment, request.user, petition, attachment_pk)
    audit_record(actor=request.user, kind="download", obj=attachment, ip=client_ip(request))
    return FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        filename=attachment.name,
        as_attachment=attachment.content_type == "application/pdf",
    )


def _paper(
    request: AuthenticatedHttpRequest,
    pk: int,
    kind: str,
    kinds: Callable[[Petition], list[str]] = notices.available_notices,
) -> Petition:
    """Return the case a notice or the receipt of `kind` is printed for, audited; else 404."""
    petition = or_404(access.access_petition, request.user, pk)
    or_404(access.check_notice, request.user, petition, kind, kinds(petition))
    audit_record(
        actor=request.user,
        kind="download",
        obj=petition,
        summary=f"notice:{kind}",
        ip=client_ip(request),
    )
    return petition


@login_required
def notice_html(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    petition = _paper(request, pk, kind)
    base = tracking.public_base(request.build_absolute_uri("/"))
    return HttpResponse(notices.render_notice_html(petition, kind, base=base, print_button=True))


@login_required
def notice_pdf(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    petition = _paper(request, pk, kind)
    response = HttpResponse(
        notices.render_notice_pdf(
            petition, kind, base=tracking.public_base(request.build_absolute_uri("/"))
        ),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{petition.number}-{kind}.pdf"'
    return response


@login_required
def receipt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the registration receipt to print for the visitor; never to the accused unit."""
    petition = _paper(request, pk, "receipt", lambda p: ["receipt"])
    base = tracking.public_base(request.build_absolute_uri("/"))
    return render(request, "petitions/receipt.html", receipts.receipt_context(petition, base=base))
