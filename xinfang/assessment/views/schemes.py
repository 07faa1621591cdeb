"""Assessment schemes edited on their own page by the leading group, and copied to a year."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseInlineFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.assessment import selectors, services
from xinfang.assessment.forms import (
    SchemeAdjustmentFormSet,
    SchemeCopyForm,
    SchemeForm,
    SchemeItemFormSet,
)
from xinfang.assessment.models import Scheme
from xinfang.common.audit import client_ip
from xinfang.common.errors import DomainError


def _managers_only(user: Any) -> None:
    if user.role not in selectors.ASSESSMENT_MANAGERS or user.unit_id is None:
        raise Http404


def _rows(formset: BaseInlineFormSet[Any, Any, Any]) -> list[Any]:
    """Return the rows kept: the existing ones not deleted and the new ones filled in."""
    deleted = set(map(id, formset.deleted_forms))
    return [
        f.instance
        for f in formset.forms
        if id(f) not in deleted and (f.instance.pk is not None or f.has_changed())
    ]


@login_required
def scheme_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit a scheme with its items, deductions and bonuses, checked as a whole."""
    user = request.user
    _managers_only(user)
    scheme = Scheme() if pk is None else Scheme.objects.filter(pk=pk).first()
    if scheme is None:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = SchemeForm(data, instance=scheme)
    items = SchemeItemFormSet(data, instance=scheme, prefix="items")
    adjustments = SchemeAdjustmentFormSet(data, instance=scheme, prefix="adjustments")
    frozen = selectors.scheme_frozen_assessment(scheme) if scheme.pk else None
    errors: list[str] = []
    if data is not None and all([form.is_valid(), items.is_valid(), adjustments.is_valid()]):
        try:
            saved = services.scheme_edit(
                actor=user,
                scheme=form.save(commit=False),
                items=_rows(items),
                adjustments=_rows(adjustments),
                ip=client_ip(request),
            )
        except DomainError as e:
            errors.append(e.message)
        else:
            messages.success(request, _("考核办法“%(s)s”已保存。") % {"s": saved})
            return redirect("assessment:scheme_list")
    context = {
        "scheme": scheme,
        "form": form,
        "items": items,
        "adjustments": adjustments,
        "errors": errors,
        "frozen": frozen,
    }
    status = 400 if data is not None else 200
    return render(request, "assessment/scheme_form.html", context, status=status)


@login_required
@require_POST
def scheme_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Copy a scheme to another year and open the copy for editing."""
    user = request.user
    _managers_only(user)
    if not Scheme.objects.filter(pk=pk).exists():
        raise Http404
    form = SchemeCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写要复制到的年度（2000—2100）。"))
        return redirect("assessment:scheme_list")
    try:
        copy = services.scheme_copy(
            actor=user, scheme_id=pk, year=form.cleaned_data["year"], ip=client_ip(request)
        )
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("assessment:scheme_list")
    messages.success(request, _("已复制为“%(s)s”，请核对后保存。") % {"s": copy})
    return redirect("assessment:scheme_edit", pk=copy.pk)
