"""The daily briefing (每日信访动态): its figures for a unit and a day, as a page and a PDF.

The briefing of day D covers the day before (from 00:00 of D-1 to 00:00 of D, local
time), as leaders read it in the morning; the state figures (open alerts, disputes by
risk, key persons overdue) are as they stand when it is generated. Everything is read
within the unit's subtree, as its leaders see the cases (petitions.access.unit_q).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from xinfang.early_warnings import selectors
from xinfang.early_warnings.models import Alert, ContactLog, Dispute, KeyPerson, RiskLevel
from xinfang.organization.models import Unit
from xinfang.petitions import access
from xinfang.petitions.models import Channel, Petition

NEW_CASES_SHOWN = 10
HOT_DAYS = 7
HOT_SHOWN = 5


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def figures(unit: Unit, day: dt.date) -> dict[str, Any]:
    """Return the briefing's figures for `unit` on the morning of `day`, as JSON."""
    scope = access.unit_q(unit)
    start, end = _midnight(day - dt.timedelta(days=1)), _midnight(day)
    cases = Petition.objects.filter(scope, registered_at__gte=start, registered_at__lt=end)
    channels = dict(Channel.choices)
    by_channel = [
        [str(channels.get(c, c)), n]
        for c, n in cases.values_list("channel").annotate(n=Count("pk")).order_by("-n", "channel")
    ]
    new_cases = [
        [p.number, p.title, str(channels.get(p.channel, p.channel))]
        for p in cases.order_by("-registered_at")[:NEW_CASES_SHOWN]
    ]
    alerts = Alert.objects.filter(scope)
    new_alerts = [
        [a.get_kind_display(), a.get_severity_display(), a.summary]
        for a in alerts.filter(raised_at__gte=start, raised_at__lt=end).order_by("raised_at")
    ]
    forming = [
        [a.summary, a.n_people]
        for a in alerts.filter(kind=Alert.Kind.COLLECTIVE, status__in=selectors.OPEN_STATUSES)
        .annotate(n_people=Count("people"))
        .order_by("-updated_at")[:10]
    ]
    # The week's hot issues, grouped as the hot-issue page and API group them.
    hot = [
        [f"{h.group.title}（{h.place}）" if h.place else h.group.title, h.size]
        for h in selectors.hot_issues(
            scope, day - dt.timedelta(days=HOT_DAYS), day - dt.timedelta(days=1)
        )[:HOT_SHOWN]
    ]
    risks = dict(
        Dispute.objects.filter(scope, status__in=(Dispute.Status.OPEN, Dispute.Status.RESOLVING))
        .values_list("risk_level")
        .annotate(n=Count("pk"))
    )
    people = KeyPerson.objects.filter(scope)
    confirmed = people.filter(status=KeyPerson.Status.CONFIRMED)
    overdue = confirmed.filter(next_contact_on__lt=day).count()
    contacted = ContactLog.objects.filter(
        person__in=confirmed, on=day - dt.timedelta(days=1)
    ).count()
    period = selectors.period_in_force(day)
    limits = selectors.limits_under(period)
    return {
        "unit": unit.name,
        "day": day.isoformat(),
        "covers": (day - dt.timedelta(days=1)).isoformat(),
        "new_petitions": cases.count(),
        "by_channel": by_channel,
        "new_cases": new_cases,
        "new_alerts": new_alerts,
        "open_alerts": alerts.filter(status__in=selectors.OPEN_STATUSES).count(),
        "forming": forming,
        "hot": hot,
        "disputes": [
            [str(label), risks.get(level, 0)] for level, label in reversed(RiskLevel.choices)
        ],
        "key_persons": {
            "listed": confirmed.count(),
            "contacted": contacted,
            "overdue": overdue,
            "proposed": people.filter(status=KeyPerson.Status.PROPOSED).count(),
        },
        "period": (
            {
                "name": period.name,
                "level": period.get_level_display(),
                "ends": period.ends_on.isoformat(),
            }
            if period
            else None
        ),
        "limits": {"min_people": limits.min_people, "window_days": limits.window_days},
    }


def render_html(figures: dict[str, Any], *, printable: bool) -> str:
    """Return the briefing as the one-page A4 document the PDF is printed from."""
    return render_to_string(
        "early_warnings/briefing_print.html", {"f": figures, "printable": printable}
    )


def render_pdf(figures: dict[str, Any]) -> bytes:
    """Return the briefing as a one-page A4 PDF with its CJK font embedded."""
    pdf: bytes = HTML(
        string=render_html(figures, printable=True), base_url=str(settings.BASE_DIR)
    ).write_pdf()
    return pdf
