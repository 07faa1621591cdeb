"""Writes of the similarity index: each case's text signature and its LSH bands."""

from collections.abc import Iterable

from django.db import transaction

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
