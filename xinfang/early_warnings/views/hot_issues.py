"""The hot-issue page (热点问题): the groups of one matter, as the API and the briefing read them."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.http import AuthenticatedHttpRequest
from xinfang.common import clock
from xinfang.early_warnings import rules, selectors
from xinfang.organization.models import Unit
from xinfang.organization.selectors import units_visible_to


class HotIssueFilter(forms.Form):
    start = forms.DateField(label=_("登记日期自"), required=False)
    end = forms.DateField(label=_("至"), required=False)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user).order_by("path")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


@login_required
def hot_issue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List a period's hot issues among the cases the user may see, most people first."""
    form = HotIssueFilter(request.GET or None, user=request.user)
    start: dt.date | None = None
    end: dt.date | None = None
    unit: Unit | None = None
    if form.is_bound and form.is_valid():
        start, end, unit = (form.cleaned_data[k] for k in ("start", "end", "unit"))
    start, end = selectors.hot_period(start, end, clock.today())
    issues = selectors.hot_issues_for_user(request.user, start, end, unit)
    return render(
        request,
        "early_warnings/hot_issue_list.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "issues": issues,
            "half_life": rules.HOT_HALF_LIFE_DAYS,
            "chart": [[h.group.title[:16], h.group.hot_index] for h in issues[:10]],
        },
    )
