"""Writes of the similarity index: each case's text signature and its LSH bands."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Subquery

from xinfang.early_warnings import rules
from xinfang.early_warnings.models import (
    TextBand,
    TextSignature,
)
from xinfang.petitions.models import Petition


def _signature_row(petition: Petition) -> tuple[TextSignature, list[int]] | None:
    sigs = rules.signatures(petition.title, petition.content)
    if sigs is None:
        return None
    row = TextSignature(
        petition_id=petition.pk,
        signature=sigs.to_bytes(),
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
    owner = _owners_locked([petition.pk]).get(petition.pk)
    TextBand.objects.bulk_create(
        TextBand(key=k, petition_id=petition.pk, owner_unit_id=owner) for k in keys
    )
    return row


def _owners_locked(ids: list[int]) -> dict[int, int | None]:
    """Return the cases' owner units as they stand, the cases locked till this commits.

    Not the owner the caller read: a reassignment that committed since is read here, and
    one still running waits for this write, so its owner_sync then finds these bands.
    """
    return dict(
        Petition.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "owner_unit_id")
    )


def owner_sync(*, petition_id: int) -> int:
    """Copy the case's owner unit onto its band rows (one statement); return how many."""
    owner = Petition.objects.filter(pk=petition_id).values("owner_unit_id")
    return TextBand.objects.filter(petition_id=petition_id).update(owner_unit_id=Subquery(owner))


@transaction.atomic
def signature_rebuild(*, petitions: Iterable[Petition], chunk: int = 1000) -> int:
    """Index `petitions` afresh in chunks of bulk writes; return how many were indexed."""
    done = 0
    batch: list[Petition] = []

    def flush() -> int:
        ids = [p.pk for p in batch]
        TextBand.objects.filter(petition_id__in=ids).delete()
        TextSignature.objects.filter(petition_id__in=ids).delete()
        built = [(p, b) for p in batch if (b := _signature_row(p)) is not None]
        TextSignature.objects.bulk_create([row for _p, (row, _k) in built])
        owners = _owners_locked(ids)
        TextBand.objects.bulk_create(
            [
                TextBand(key=k, petition_id=p.pk, owner_unit_id=owners.get(p.pk))
                for p, (_row, keys) in built
                for k in keys
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
