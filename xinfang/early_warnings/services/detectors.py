"""The detectors' writes: the thresholds, and the alerts each detector raises or grows."""

import datetime as dt
from typing import Final

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.common import clock
from xinfang.common.errors import ValidationFailed
from xinfang.early_warnings import rules, selectors
from xinfang.early_warnings.models import (
    Alert,
    AlertEvent,
    Dispute,
    KeyPerson,
    TextSignature,
    Thresholds,
)
from xinfang.early_warnings.services.alerts import (
    alert_event_record,
    alert_leaders_notify,
    alert_raise,
)
from xinfang.organization.models import Unit
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.selectors import DUE_SOON_DAYS

REFUSALS = {
    "too_few_people": gettext_lazy("至少需要 2 人：1 人即预警会对每一件信访都发出预警。"),
    "window_too_short": gettext_lazy("时间窗口至少为 1 天。"),
    "escalation_too_short": gettext_lazy("未签收上报时限至少为 1 小时。"),
    "period_reversed": gettext_lazy("结束日期不能早于开始日期。"),
}


@transaction.atomic
def thresholds_update(
    *, min_people: int, window_days: int, escalate_after_hours: int | None = None
) -> Thresholds:
    """Set the detection thresholds; refuse ones that would alert on everything."""
    errors = rules.check_thresholds(min_people, window_days)
    if escalate_after_hours is not None and escalate_after_hours < 1:
        errors.append(("escalate_after_hours", "escalation_too_short"))
    if errors:
        field, reason = errors[0]
        raise ValidationFailed(str(REFUSALS[reason]), field=field)
    row = Thresholds.objects.select_for_update().order_by("pk").first() or Thresholds()
    row.min_people, row.window_days = min_people, window_days
    if escalate_after_hours is not None:
        row.escalate_after_hours = escalate_after_hours
    row.save()
    return row


@transaction.atomic
def collective_detect(*, petition: Petition, now: dt.datetime | None = None) -> Alert | None:
    """Raise or grow the alert of a collective petition `petition` completes; None if none."""
    row = TextSignature.objects.filter(petition_id=petition.pk).first()
    if row is None:
        return None
    # During a sensitive period the thresholds tighten (rules.limits_in_force).
    limits = selectors.limits_in_force(clock.local_date(row.registered_at))
    window = dt.timedelta(days=limits.window_days)
    similar = [pk for pk, _m in selectors.same_matter_here(row, since=row.registered_at - window)]
    people = selectors.people_of([petition.pk, *similar])
    times = dict(
        TextSignature.objects.filter(petition_id__in=people).values_list(
            "petition_id", "registered_at"
        )
    )
    members = {
        pk: rules.Member(petition_id=pk, people=people[pk], at=times[pk])
        for pk in people
        if pk in times
    }
    group = rules.forming_group(
        members[petition.pk],
        [m for pk, m in members.items() if pk != petition.pk],
        min_people=limits.min_people,
        window=window,
    )
    if group is None:
        return None
    ids = {m.petition_id for m in group}
    persons = set().union(*(m.people for m in group))
    now = now or clock.now()
    # The alert these cases already feed: a growing group updates it, never a second one.
    alert = (
        Alert.objects.select_for_update()
        .filter(kind=Alert.Kind.COLLECTIVE, petitions__in=ids)
        .exclude(status=Alert.Status.CLOSED)
        .order_by("pk")
        .first()
    )
    if alert is not None:
        known = set(alert.petitions.values_list("pk", flat=True))
        if ids <= known:
            return alert
        ids |= known
        persons |= set(alert.people.values_list("pk", flat=True))
    else:
        alert = Alert(
            kind=Alert.Kind.COLLECTIVE, owner_unit_id=petition.owner_unit_id, raised_at=now
        )
    alert.severity = rules.severity(len(persons), limits.min_people)
    summary = _("%(people)d 人在 %(days)d 天内就同一事项信访：%(title)s") % {
        "people": len(persons),
        "days": limits.window_days,
        "title": petition.title,
    }
    alert.summary = summary[:300]
    alert.updated_at = now
    raised = alert.pk is None
    alert.save()
    alert.petitions.add(*ids)
    alert.people.add(*persons)
    alert_event_record(alert, AlertEvent.Action.RAISE if raised else AlertEvent.Action.GROW, at=now)
    if raised:
        alert_leaders_notify(alert, alert.owner_unit_id, _("新预警"))
    return alert


@transaction.atomic
def key_persons_check_contacts(*, today: dt.date | None = None) -> list[Alert]:
    """Raise one alert per key person whose contact is overdue and has none open yet."""
    today = today or clock.today()
    people = (
        KeyPerson.objects.filter(status=KeyPerson.Status.CONFIRMED, next_contact_on__lt=today)
        .exclude(
            alerts__in=Alert.objects.filter(kind=Alert.Kind.CONTACT_OVERDUE).exclude(
                status=Alert.Status.CLOSED
            )
        )
        .order_by("pk")
    )
    return [
        alert_raise(
            kind=Alert.Kind.CONTACT_OVERDUE,
            severity=Alert.Severity.HIGH
            if person.level == KeyPerson.Level.STRICT
            else Alert.Severity.MEDIUM,
            owner_unit_id=person.owner_unit_id,
            summary=_("重点人员%(name)s应于 %(due)s 前联系，已逾期")
            % {"name": person.name, "due": person.next_contact_on.isoformat()},
            key_person=person,
        )
        for person in people
    ]


@transaction.atomic
def surges_detect(*, today: dt.date | None = None) -> list[Alert]:
    """Raise, or update, one alert per category or community whose week so far is a surge.

    The week runs from Monday to `today`; it is compared with the SURGE_TRAILING_WEEKS
    whole weeks before it (rules.surge). An alert's subject names the series and the week,
    so a week's surge is raised once and grows as the week's cases come in.
    """
    today = today or clock.today()
    this_week = rules.week_start(today)
    first_week = this_week - dt.timedelta(weeks=rules.SURGE_TRAILING_WEEKS)
    mondays = [first_week + dt.timedelta(weeks=i) for i in range(rules.SURGE_TRAILING_WEEKS + 1)]
    end = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    series = {
        (what, key): [weeks.get(monday, 0) for monday in mondays]
        for what in ("category", "community")
        for key, weeks in selectors.weekly_counts(
            f"{what}_id", first_week, today + dt.timedelta(days=1)
        ).items()
    }
    limits = selectors.limits_in_force(today)
    raised = []
    for (what, key), counts in sorted(series.items()):
        found = rules.surge(counts[-1], counts[:-1], p=limits.surge_p)
        if found is None:
            continue
        field = "category_id" if what == "category" else "community_id"
        week_cases = Petition.objects.filter(
            **{field: key}, registered_at__gte=timezone.make_aware(
                dt.datetime.combine(this_week, dt.time.min)
            ), registered_at__lt=end
        )  # fmt: skip
        ids = list(week_cases.order_by("pk").values_list("pk", flat=True)[:500])
        owner_id: int | None = key
        if what == "community":
            name = str(Unit.objects.get(pk=key).name)
        else:
            # A category's surge goes to the office registering most of its week's cases.
            owner_id = (
                week_cases.values("registered_unit_id")
                .annotate(n=Count("pk"))
                .order_by("-n", "registered_unit_id")
                .values_list("registered_unit_id", flat=True)
                .first()
            )
            name = str(Category.objects.get(pk=key).name)
        assert owner_id is not None  # the week has cases, so a registering office
        subject = f"surge:{what}:{key}:{this_week.isoformat()}"
        summary = _(
            "%(name)s本周已有 %(n)d 件信访，前 %(w)d 周平均每周 %(mean)s 件（泊松尾概率 %(p).1e）"
        ) % {
            "name": name,
            "n": found.count,
            "w": rules.SURGE_TRAILING_WEEKS,
            "mean": found.mean,
            "p": found.p,
        }
        # A tail a thousand times smaller than the rule's: no ordinary week looks like this.
        severity = Alert.Severity.HIGH if found.p < rules.SURGE_P / 1000 else Alert.Severity.MEDIUM
        alert = (
            Alert.objects.select_for_update().filter(kind=Alert.Kind.SURGE, subject=subject).first()
        )
        if alert is None:
            alert = alert_raise(
                kind=Alert.Kind.SURGE,
                severity=severity,
                owner_unit_id=owner_id,
                summary=summary,
                petition_ids=ids,
                subject=subject,
            )
        elif alert.summary != summary:
            alert.summary, alert.severity, alert.updated_at = summary[:300], severity, clock.now()
            alert.save(update_fields=["summary", "severity", "updated_at"])
            alert.petitions.add(*ids)
            alert_event_record(alert, AlertEvent.Action.GROW, at=alert.updated_at)
        raised.append(alert)
    return raised


def sensitive_detect(*, petition: Petition) -> Alert | None:
    """Alert when a key person, or a party to a high-risk dispute, petitions in a sensitive period.

    A party is the petitioner of a case linked to a dispute of high or critical risk not
    yet resolved. One alert per period and person; the summary names no one, since the
    alert's readers need not all know who petitioned (access.py decides on its page).
    """
    person_id = petition.petitioner_id
    period = selectors.period_in_force(clock.local_date(petition.registered_at))
    if person_id is None or period is None:
        return None
    key_person = KeyPerson.objects.filter(
        petitioner_id=person_id, status=KeyPerson.Status.CONFIRMED
    ).first()
    dispute = (
        Dispute.objects.filter(
            risk_level__in=("high", "critical"),
            status__in=(Dispute.Status.OPEN, Dispute.Status.RESOLVING),
            petitions__petitioner_id=person_id,
        )
        .order_by("pk")
        .first()
    )
    if key_person is None and dispute is None:
        return None
    subject = f"sensitive:{period.pk}:person:{person_id}"
    alert = Alert.objects.filter(kind=Alert.Kind.SENSITIVE, subject=subject).first()
    if alert is not None:
        alert.petitions.add(petition.pk)
        return alert
    who = _("重点人员") if key_person else _("高风险矛盾纠纷当事人")
    return alert_raise(
        kind=Alert.Kind.SENSITIVE,
        severity=Alert.Severity.HIGH,
        owner_unit_id=petition.owner_unit_id,
        summary=_("%(who)s在敏感时期“%(period)s”信访：%(title)s")
        % {"who": who, "period": period.name, "title": petition.title},
        petition_ids=[petition.pk],
        people_ids=[person_id],
        subject=subject,
        key_person=key_person,
        dispute=dispute,
    )


# A unit's deadline alert lists at most this many cases, the nearest deadlines first; its
# summary counts them all.
DEADLINE_EVIDENCE: Final = 500


@transaction.atomic
def deadlines_detect(*, today: dt.date | None = None) -> list[Alert]:
    """Raise, or grow, one alert per unit and day on its open cases past or near their deadline.

    Near is within DUE_SOON_DAYS, as the workbench says. A unit whose cases all stand in its
    latest deadline alert already, closed or not, is not alerted again: the same evidence
    is never raised twice; a new case makes the day's alert, or grows it.
    """
    today = today or clock.today()
    cases = Petition.objects.open().filter(due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    counts = (
        cases.order_by()
        .values_list("owner_unit_id")
        .annotate(overdue=Count("pk", filter=Q(due_date__lt=today)), total=Count("pk"))
        .order_by("owner_unit_id")
    )
    alerts = []
    for unit_id, overdue, total in counts:
        ids = list(
            cases.filter(owner_unit_id=unit_id)
            .order_by("due_date", "pk")
            .values_list("pk", flat=True)[:DEADLINE_EVIDENCE]
        )
        latest = (
            Alert.objects.select_for_update()
            .filter(kind=Alert.Kind.DEADLINE, owner_unit_id=unit_id)
            .order_by("-raised_at", "-pk")
            .first()
        )
        if latest is not None and set(ids) <= set(latest.petitions.values_list("pk", flat=True)):
            continue
        subject = f"deadline:{unit_id}:{today.isoformat()}"
        summary = _("%(overdue)d 件信访事项已超期，%(soon)d 件 %(days)d 日内到期") % {
            "overdue": overdue,
            "soon": total - overdue,
            "days": DUE_SOON_DAYS,
        }
        severity = Alert.Severity.HIGH if overdue else Alert.Severity.MEDIUM
        if latest is not None and latest.subject == subject and not latest.is_closed:
            latest.summary, latest.severity, latest.updated_at = summary, severity, clock.now()
            latest.save(update_fields=["summary", "severity", "updated_at"])
            latest.petitions.add(*ids)
            alert_event_record(latest, AlertEvent.Action.GROW, at=latest.updated_at)
            alerts.append(latest)
            continue
        alerts.append(
            alert_raise(
                kind=Alert.Kind.DEADLINE,
                severity=severity,
                owner_unit_id=unit_id,
                summary=summary,
                petition_ids=ids,
                subject=subject,
            )
        )
    return alerts
