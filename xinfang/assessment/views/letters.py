"""Responsibility letters: drafted, their targets set, signed, printed."""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.assessment import letters, selectors, services
from xinfang.assessment.forms import (
    LetterCreateForm,
    LetterSignForm,
    LetterTargetsForm,
)
from xinfang.common import clock
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError, PermissionDenied
from xinfang.organization.selectors import units_visible_to


def _letter_units(user: Any) -> Any:
    return units_visible_to(user).exclude(pk=user.unit_id)


@login_required
def letter_list(request: AuthenticatedHttpRequest, form: Any = None) -> HttpResponse:
    """List the letters of the units in scope; managers also get the form to draft one."""
    user = request.user
    manages = user.role in selectors.ASSESSMENT_MANAGERS and user.unit_id is not None
    if manages and form is None:
        form = LetterCreateForm(units=_letter_units(user), initial={"year": clock.today().year})
    return render(
        request,
        "assessment/letter_list.html",
        {"letters": selectors.letters_for_user(user), "form": form if manages else None},
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_POST
def letter_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in selectors.ASSESSMENT_MANAGERS or user.unit_id is None:
        raise Http404
    form = LetterCreateForm(request.POST, units=_letter_units(user))
    if form.is_valid():
        try:
            letter = services.letter_create(
                actor=user,
                unit_id=form.cleaned_data["unit"].pk,
                year=form.cleaned_data["year"],
                signatory=form.cleaned_data["signatory"],
                ip=client_ip(request),
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            return redirect("assessment:letter_detail", pk=letter.pk)
    return letter_list(request, form)


def _letter(user: Any, pk: int) -> Any:
    try:
        return selectors.access_letter(user, pk)
    except DomainError:
        raise Http404 from None


@login_required
def letter_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show a letter: its parties, its targets against the unit's live figures, its signing."""
    user = request.user
    letter = _letter(user, pk)
    handles = selectors.may_handle_letter(user, letter) and not letter.is_signed
    today = clock.today()
    return render(
        request,
        "assessment/letter_detail.html",
        {
            "letter": letter,
            "rows": selectors.letter_progress(letter, today),
            "targets_form": LetterTargetsForm(targets=letter.targets.all()) if handles else None,
            "sign_form": LetterSignForm(
                initial={
                    "signed_on": today,
                    "issuer_signatory": letter.issuer_signatory,
                    "signatory": letter.signatory,
                }
            )
            if handles
            else None,
            "today": today,
        },
    )


def _letter_step(request: AuthenticatedHttpRequest, pk: int, form: Any, step: Any) -> HttpResponse:
    letter = _letter(request.user, pk)
    if not selectors.may_handle_letter(request.user, letter):
        return HttpResponse(_("目标责任书由上级单位的领导小组成员或系统管理员办理。"), status=403)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("assessment:letter_detail", pk=letter.pk)
    try:
        step()
    except PermissionDenied as e:
        return HttpResponse(e.message, status=403)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("assessment:letter_detail", pk=letter.pk)


@login_required
@require_POST
def letter_targets(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request.user, pk)
    form = LetterTargetsForm(request.POST, targets=letter.targets.all())
    return _letter_step(
        request,
        pk,
        form,
        lambda: services.letter_targets_set(
            actor=request.user, letter_id=pk, targets=form.targets(), ip=client_ip(request)
        ),
    )


@login_required
@require_POST
def letter_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = LetterSignForm(request.POST)
    return _letter_step(
        request,
        pk,
        form,
        lambda: services.letter_sign(
            actor=request.user, letter_id=pk, ip=client_ip(request), **form.cleaned_data
        ),
    )


@login_required
def letter_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Download the letter as a PDF in the official layout."""
    letter = _letter(request.user, pk)
    response = HttpResponse(letters.render_letter_pdf(letter), content_type="application/pdf")
    name = quote(f"{letter.year}年目标责任书-{letter.unit}.pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
    return response
