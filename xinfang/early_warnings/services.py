"""Writes: the similarity index of a case, the forming-collective alert, the thresholds."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.common import clock
from xinfang.common.errors import ValidationFailed
from xinfang.early_warnings import rules, selectors
from xinfang.early_warnings.models import Alert, TextBand, TextSignature, Thresholds
from xinfang.petitions.models import Petition

_REFUSALS = {
    "too_few_people": gettext_lazy("至少需要 2 人：1 人即预警会对每一件信访都发出预警。"),
    "window_too_short": gettext_lazy("时间窗口至少为 1 天。"),
}


def _signature_row(petition: Petition) -> tuple[TextSignature, list[int]] | None:
    sigs = rules.signatures(petition.title, petition.content)
    if sigs is None:
        return None
    row = TextSignature(
        petition_id=petition.pk,
        signature=sigs.as_json(),
        community_id=petition.community_id,
        address=rules.place_key(petition.address)[:200],
        registered_at=petition.registered_at,
    )
    return row, rules.band_keys(sigs)


@transaction.atomic
def signature_index(*, petition: Petition) -> TextSignature | None:
    """Write (or rewrite) the case's signature and bands; None for a text too short to index."""
    TextBand.objects.filter(petition_id=petition.pk).delete()
    TextSignature.objects.filter(petition_id=petition.pk).delete()
    built = _signature_row(petition)
    if built is None:
        return None
    row, keys = built
    row.save(force_insert=True)
    TextBand.objects.bulk_create(TextBand(key=k, petition_id=petition.pk) for k in keys)
    return row


@transaction.atomic
def signature_rebuild(*, petitions: Iterable[Petition], chunk: int = 1000) -> int:
    """Index `petitions` afresh in chunks of bulk writes; return how many were indexed."""
    done = 0
    batch: list[Petition] = []

    def flush() -> int:
        ids = [p.pk for p in batch]
        TextBand.objects.filter(petition_id__in=ids).delete()
        TextSignature.objects.filter(petition_id__in=ids).delete()
        built = [b for b in map(_signature_row, batch) if b is not None]
        TextSignature.objects.bulk_create([row for row, _k in built])
        TextBand.objects.bulk_create(
            [
                TextBand(key=k, petition_id=row.petition_id)
                for row, keys in built
                for k in set(keys)
            ],
            batch_size=5000,
        )
        batch.clear()
        return len(built)

    for petition in petitions:
        batch.append(petition)
        if len(batch) >= chunk:
            done += flush()
    return done + flush()


@transaction.atomic
def thresholds_update(*, min_people: int, window_days: int) -> Thresholds:
    """Set the forming-collective thresholds; refuse ones that would alert on everything."""
    errors = rules.check_thresholds(min_people, window_days)
    if errors:
        field, reason = errors[0]
        raise ValidationFailed(str(_REFUSALS[reason]), field=field)
    row = Thresholds.objects.select_for_update().order_by("pk").first() or Thresholds()
    row.min_people, row.window_days = min_people, window_days
    row.save()
    return row


@transaction.atomic
def collective_detect(*, petition: Petition, now: dt.datetime | None = None) -> Alert | None:
    """Raise or grow the alert of a collective petition `petition` completes; None if none."""
    row = TextSignature.objects.filter(petition_id=petition.pk).first()
    if row is None:
        return None
    limits = selectors.thresholds()
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
        .filter(kind=Alert.Kind.COLLECTIVE, status=Alert.Status.OPEN, petitions__in=ids)
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
    alert.save()
    alert.petitions.add(*ids)
    alert.people.add(*persons)
    return alert
