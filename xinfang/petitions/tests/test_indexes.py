"""The petition table's partial indexes, on whichever database runs the suite."""

import pytest
from django.db import connection

from xinfang.petitions.models import SPARSE_REFERENCES, Petition

pytestmark = pytest.mark.django_db


def _index_definitions(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                [table],
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
            )
        return {name: sql or "" for name, sql in cursor.fetchall()}


def test_each_sparse_reference_has_one_index_and_it_leaves_out_the_empty_rows() -> None:
    definitions = _index_definitions(Petition._meta.db_table)
    for name in SPARSE_REFERENCES:
        column = Petition._meta.get_field(name).column
        on_column = {
            n: sql for n, sql in definitions.items() if f"({column})" in sql.replace('"', "")
        }
        assert list(on_column) == [f"pet_{name}"], (name, on_column)
        assert "IS NOT NULL" in on_column[f"pet_{name}"]


def test_a_lookup_by_value_or_by_having_one_reads_the_partial_index() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # an empty table is read whole otherwise
            cursor.execute("SET enable_seqscan = off")
        try:
            for name in SPARSE_REFERENCES:
                for lookup in ({name: 1}, {f"{name}__in": [1, 2]}, {f"{name}__isnull": False}):
                    plan = Petition.objects.filter(**lookup).order_by().explain()
                    assert f"pet_{name}" in plan, (lookup, plan)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("RESET enable_seqscan")
