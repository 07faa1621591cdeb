"""Full-text search: the analysis (pure) and the index on whichever database runs the suite."""

from typing import Any

import pytest
from django.db import connection

from xinfang.petitions import fts, search, selectors
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import register


def test_the_document_holds_content_words_and_title_windows() -> None:
    words = search.document("湖滨花园业委会换届", "业主委员会未公示候选人名单").split()
    assert {"业委", "委会", "湖滨", "换届"} <= set(words)  # title windows
    assert {"业主", "委员会", "候选人", "名单"} <= set(words)  # content words


def test_a_query_offers_its_words_and_its_windows_as_alternatives() -> None:
    assert search.query_groups("拆迁") == [["拆迁"]]
    assert ["噪声", "声扰", "扰民"] in search.query_groups("噪声扰民")


def test_a_query_without_indexable_words_asks_for_a_scan() -> None:
    assert search.query_groups("噪") == []
    assert search.query_groups('"') == []


def test_operators_in_the_query_cannot_reach_the_database() -> None:
    for group in search.query_groups('拆迁" OR 1=1 -- & | !补偿'):
        assert all(search._UNSAFE.search(t) is None for t in group)


@pytest.fixture
def cases(street: Any) -> dict[str, Any]:
    return {
        "noise": register(
            street.registrar, title="夜间施工噪声扰民", content="工地凌晨仍在施工，影响休息。"
        ),
        "election": register(
            street.registrar, title="业委会换届", content="业主委员会换届选举未公示候选人名单。"
        ),
        "demolition": register(
            street.registrar, title="补偿款未到位", content="城中村改造拆迁补偿款至今未发放。"
        ),
    }


def _found(user: Any, q: str) -> set[int]:
    return set(
        selectors.petition_search(user, selectors.PetitionFilters(q=q)).values_list("pk", flat=True)
    )


def test_a_two_character_title_word_is_found(street: Any, cases: dict[str, Any]) -> None:
    assert _found(street.registrar, "噪声") == {cases["noise"].pk}


def test_a_word_of_the_content_is_found(street: Any, cases: dict[str, Any]) -> None:
    assert _found(street.registrar, "拆迁") == {cases["demolition"].pk}
    assert _found(street.registrar, "候选人") == {cases["election"].pk}


def test_every_word_must_occur(street: Any, cases: dict[str, Any]) -> None:
    assert _found(street.registrar, "拆迁 噪声") == set()


def test_a_case_number_finds_its_case(street: Any, cases: dict[str, Any]) -> None:
    assert _found(street.registrar, cases["noise"].number) == {cases["noise"].pk}


def test_a_single_character_falls_back_to_a_scan(street: Any, cases: dict[str, Any]) -> None:
    assert _found(street.registrar, "噪") == {cases["noise"].pk}


def test_search_respects_visibility(street: Any, cases: dict[str, Any]) -> None:
    assert _found(street.other_handler, "拆迁") == set()


def test_a_common_word_is_found_the_same_by_the_newest_first_walk(
    street: Any, cases: dict[str, Any], monkeypatch: Any
) -> None:
    expected = _found(street.registrar, "拆迁")
    monkeypatch.setattr(selectors, "COMMON_TERM_MATCHES", 1)
    assert _found(street.registrar, "拆迁") == expected
    assert _found(street.handler, "拆迁") == set()


def test_the_search_index_survives_a_rebuild_of_the_petition_table(
    street: Any, cases: dict[str, Any]
) -> None:
    # Django rebuilds a SQLite table to alter it, dropping its triggers; PostgreSQL
    # alters in place. Either way, after a migrate the index is whole again.

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER petitions_petition_fts_{name}")
            cursor.execute("DELETE FROM petitions_petition_fts")
    else:
        with connection.cursor() as cursor:
            # Within the test's transaction the deferred foreign-key checks must run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("DROP INDEX petitions_petition_search")
    fts.ensure_index()
    assert _found(street.registrar, "拆迁") == {cases["demolition"].pk}
    later = register(street.registrar, title="拆迁安置", content="安置房迟迟未交付。")
    assert _found(street.registrar, "拆迁") == {cases["demolition"].pk, later.pk}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'petitions_petition_search'")
            assert cursor.fetchone() == (1,)


def _sqlite_index_rows() -> tuple[int, int]:
    """The cases the SQLite index holds, and the cases with words (after its check)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO petitions_petition_fts(petitions_petition_fts) VALUES ('integrity-check')"
        )
        cursor.execute("SELECT count(*) FROM petitions_petition_fts_docsize")
        held = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM petitions_petition WHERE search_text != ''")
        return held, cursor.fetchone()[0]


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's GIN index needs no triggers"
)


@sqlite_only
def test_the_sqlite_index_holds_the_cases_with_words_through_every_change(
    street: Any, cases: dict[str, Any]
) -> None:
    noise = Petition.objects.filter(pk=cases["noise"].pk)
    noise.update(search_text="")  # as an imported case is until its words are written
    assert _sqlite_index_rows() == (2, 2)
    assert _found(street.registrar, "噪声") == set()
    noise.update(search_text=search.document("夜间施工噪声扰民", ""))
    assert _sqlite_index_rows() == (3, 3)
    assert _found(street.registrar, "噪声") == {cases["noise"].pk}
    Petition.objects.filter(pk=cases["election"].pk).update(search_text="")
    Petition.objects.filter(pk__in=[cases["election"].pk, cases["demolition"].pk]).delete()
    assert _sqlite_index_rows() == (1, 1)


@sqlite_only
def test_triggers_written_differently_are_replaced_and_the_index_made_whole(
    street: Any, cases: dict[str, Any]
) -> None:
    with connection.cursor() as cursor:  # as first written: every case indexed, words or not
        cursor.execute("DROP TRIGGER petitions_petition_fts_au")
        cursor.execute(
            "CREATE TRIGGER petitions_petition_fts_au AFTER UPDATE OF search_text "
            "ON petitions_petition BEGIN "
            "INSERT INTO petitions_petition_fts(petitions_petition_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO petitions_petition_fts(rowid, search_text) "
            "VALUES (new.id, new.search_text); END"
        )
    Petition.objects.filter(pk=cases["noise"].pk).update(search_text="")
    assert _sqlite_index_rows() == (3, 2)

    assert fts.ensure_sqlite_index(connection) is True
    assert _sqlite_index_rows() == (2, 2)
    assert fts.ensure_sqlite_index(connection) is False
    assert _found(street.registrar, "拆迁") == {cases["demolition"].pk}
