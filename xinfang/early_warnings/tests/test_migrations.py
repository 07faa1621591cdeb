"""The upgrade of the similarity index: migration 0006 on an index in 0005's layout."""

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xinfang.early_warnings import selectors, services
from xinfang.early_warnings.models import TextBand
from xinfang.early_warnings.tests.conftest import ELECTION, START, petition_by

BEFORE = ("early_warnings", "0005_binary_signatures")
pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target: list[tuple[str, str]] | None = None) -> Any:
    """Migrate to `target` (default: every app's latest); return the state's apps."""
    executor = MigrationExecutor(connection)
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_an_index_in_0005_s_layout_is_the_lookup_s_after_the_upgrade(street: Any) -> None:
    cases = [petition_by(street, i, ELECTION[i], START) for i in range(4)]
    for petition in cases:
        services.signature_index(petition=petition)
    written = set(TextBand.objects.values_list("petition_id", "key", "owner_unit_id"))
    assert len(written) == 4 * 72
    try:
        old = migrate([BEFORE]).get_model("early_warnings", "TextBand")
        # 0005's layout: 32 bands of 2 on either part (its title bands are the first 24
        # of them), no owner column.
        before = set(old.objects.values_list("petition_id", "key"))
        assert len(before) == 4 * 64
        assert len(before & {(p, k) for p, k, _o in written}) == 4 * 24
    finally:
        migrate()
    assert set(TextBand.objects.values_list("petition_id", "key", "owner_unit_id")) == written
    # The constraints the load drops on PostgreSQL, and the lookup's index, are back.
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, TextBand._meta.db_table)
    assert found["ew_band_unique"]["unique"]
    assert found["ew_band_lookup"]["columns"] == ["key", "petition_id", "owner_unit_id"]
    assert any(c["foreign_key"] and c["columns"] == ["petition_id"] for c in found.values())
    similar = selectors.similar_petitions(street.registrar, cases[0], limit=10)
    assert {s.petition.pk for s in similar} == {p.pk for p in cases[1:]}
