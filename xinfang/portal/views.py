"""The petitioner's side: follow a case with its query code.

The answer shows only the public label of the status and public dates, never internal
states, handlers or other people's data. A wrong code and a forged one get the same
answer, so codes cannot be probed one by one.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from xinfang.petitions.models import QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH, Petition
from xinfang.petitions.workflow import PUBLIC_LABELS, Status


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace("-", "").replace(" ", "").upper()
        if len(code) != QUERY_CODE_LENGTH or any(c not in QUERY_CODE_ALPHABET for c in code):
            raise forms.ValidationError(_("查询码应为12位字母和数字，请核对告知书上的查询码。"))
        return code


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    petition = None
    if form.is_valid():
        petition = (
            Petition.objects.filter(query_code=form.cleaned_data["code"])
            .only("pk", "title", "status", "registered_at", "replied_at", "channel")
            .first()
        )
        if petition is None:
            form.add_error("code", _("未找到该查询码对应的信访事项，请核对后重试。"))
    label = PUBLIC_LABELS[Status(petition.status)] if petition else ""
    return render(
        request,
        "portal/track.html",
        {"form": form, "petition": petition, "label": label},
        status=200 if petition or not form.is_bound else 404,
    )
