"""Detection on registration: the index row and the forming-collective alert, after commit."""

import datetime as dt
import inspect
from typing import Any

import pytest

from xinfang.early_warnings import handlers, rules, selectors, services
from xinfang.early_warnings.models import Alert, TextBand, TextSignature
from xinfang.early_warnings.tests.conftest import ELECTION, START, UNRELATED, petition_by
from xinfang.petitions import effects, events
from xinfang.petitions.actions import ACTIONS
from xinfang.petitions.models import EventDelivery, Petition, PetitionEvent
from xinfang.petitions.tests.factories import act
from xinfang.petitions.workflow import Action

KEYS = rules.FULL_BANDS + rules.TITLE_BANDS  # band rows a case has
pytestmark = pytest.mark.django_db


def _day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def test_early_warnings_subscribes_its_handler_to_registration_at_start_up() -> None:
    assert handlers.detect_on_register in events._subscriptions["register"].values()


def test_a_registration_indexes_its_text_after_commit_and_not_before(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        petition = petition_by(street, 1, ELECTION[0], START)
        assert not TextSignature.objects.exists()
    row = TextSignature.objects.get(petition=petition)
    assert row.community_id == street.lakeside.pk
    assert TextBand.objects.filter(petition=petition).count() == KEYS


def test_six_people_over_five_days_at_one_place_raise_one_collective_alert(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        cases = [petition_by(street, i, ELECTION[i], _day(i)) for i in range(6)]
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.COLLECTIVE
    assert alert.severity == Alert.Severity.MEDIUM
    assert alert.owner_unit_id == cases[-1].owner_unit_id
    # Raised at the fifth person, grown by the sixth.
    assert set(alert.petitions.all()) == set(cases)
    assert alert.people.count() == 6
    assert "6 人" in alert.summary


def test_six_unrelated_petitions_at_one_place_raise_nothing(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for i, text in enumerate(UNRELATED):
            petition_by(street, i, text, _day(i % 5))
    assert TextSignature.objects.count() == 6
    assert not Alert.objects.exists()


def test_six_similar_petitions_spread_over_three_months_raise_nothing(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(6):
            petition_by(street, i, ELECTION[i], _day(18 * i))
    assert not Alert.objects.exists()


def test_six_similar_petitions_at_different_places_raise_nothing(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    places = [street.lakeside, street.yashiyuan]
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(6):
            petition_by(street, i, ELECTION[i], _day(i), community_id=places[i % 2].pk)
    assert not Alert.objects.exists()


def test_the_same_address_counts_as_one_place_without_a_community(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            address = "湖滨花园 3 幢" if i % 2 else "湖滨花园3幢"
            petition_by(street, i, ELECTION[i], _day(i), community_id=None, address=address)
    assert Alert.objects.get().petitions.count() == 5


def test_one_person_petitioning_five_times_is_no_collective_petition(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            petition_by(street, 1, ELECTION[i], _day(i))
    assert not Alert.objects.exists()


def test_the_same_evidence_delivered_again_raises_no_second_alert(street: Any) -> None:
    cases = [petition_by(street, i, ELECTION[i], _day(i)) for i in range(5)]
    for petition in cases:
        services.signature_index(petition=petition)
    first = services.collective_detect(petition=cases[-1])
    again = services.collective_detect(petition=cases[-1])
    assert first is not None and again == first
    assert Alert.objects.count() == 1
    assert first.updated_at == Alert.objects.get().updated_at


def test_a_lower_threshold_set_by_the_office_is_used(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.thresholds_update(min_people=3, window_days=2)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            petition_by(street, i, ELECTION[i], _day(i))
    assert Alert.objects.get().people.count() == 3


def test_a_failing_detector_leaves_the_registration_saved_and_logs_the_failure(
    street: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the detector is down")

    monkeypatch.setattr(services, "collective_detect", broken)
    with django_capture_on_commit_callbacks(execute=True):
        petition = petition_by(street, 1, ELECTION[0], START)
    assert Petition.objects.filter(pk=petition.pk).exists()
    event = PetitionEvent.objects.get(petition=petition, action="register")
    delivery = EventDelivery.objects.get(
        event=event, handler=events.handler_name(handlers.detect_on_register)
    )
    assert delivery.done_at is None and "the detector is down" in delivery.last_error
    # The index row rolled back with the failed delivery, to be written by its retry.
    assert not TextSignature.objects.exists()
    assert "failed on case event" in caplog.text


def test_the_actions_that_move_a_case_to_another_owner_unit_are_those_synced() -> None:
    moving = {a for a, spec in ACTIONS.items() if spec.effect in (effects.accept, effects.assign)}
    assert moving == set(handlers.OWNER_MOVES)
    for action in handlers.OWNER_MOVES:
        assert handlers.owner_sync in events._subscriptions[action].values()
    # effects.assign is the one effect that writes the owner unit.
    source = inspect.getsource(effects)
    assert source.count("owner_unit =") == 1
    assert "owner_unit =" in inspect.getsource(effects.assign)


def test_a_case_moved_to_another_unit_takes_its_band_rows_along(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        target, mine, theirs = (petition_by(street, i, ELECTION[0], START) for i in range(3))
    assert set(TextBand.objects.values_list("owner_unit_id", flat=True)) == {street.street.pk}
    with django_capture_on_commit_callbacks(execute=True):
        for petition, unit in ((target, street.lakeside), (mine, street.lakeside)):
            act(petition, street.registrar, Action.ACCEPT, {"handling_unit": unit.pk})
        act(theirs, street.registrar, Action.ACCEPT, {"handling_unit": street.yashiyuan.pk})
    owners = dict(TextBand.objects.values_list("petition_id", "owner_unit_id").distinct())
    assert owners == {
        target.pk: street.lakeside.pk,
        mine.pk: street.lakeside.pk,
        theirs.pk: street.yashiyuan.pk,
    }
    found = selectors.similar_petitions(street.handler, target, limit=10)
    assert [s.petition.pk for s in found] == [mine.pk]


def test_a_band_row_not_yet_moved_never_shows_a_case_out_of_scope(street: Any) -> None:
    target, mine, theirs = (petition_by(street, i, ELECTION[0], START) for i in range(3))
    for petition, unit in (
        (target, street.lakeside),
        (mine, street.lakeside),
        (theirs, street.yashiyuan),
    ):
        act(petition, street.registrar, Action.ACCEPT, {"handling_unit": unit.pk})
        petition.refresh_from_db()
        services.signature_index(petition=petition)
    # As if `theirs` had left the handler's unit and its move were not yet delivered.
    TextBand.objects.filter(petition=theirs).update(owner_unit_id=street.lakeside.pk)
    found = selectors.similar_petitions(street.handler, target, limit=10)
    assert [s.petition.pk for s in found] == [mine.pk]


@pytest.mark.parametrize("rebuild", [False, True], ids=["index", "rebuild"])
def test_an_index_written_from_a_case_read_before_its_move_takes_the_owner_it_has_now(
    street: Any, rebuild: bool
) -> None:
    # The handler read the case; its move to the community committed before the write, so
    # the move's owner_sync found no band rows: the write itself must read the owner.
    petition = petition_by(street, 0, ELECTION[0], START)
    stale = Petition.objects.get(pk=petition.pk)
    act(petition, street.registrar, Action.ACCEPT, {"handling_unit": street.lakeside.pk})
    TextBand.objects.all().delete()
    if rebuild:
        services.signature_rebuild(petitions=[stale])
    else:
        services.signature_index(petition=stale)
    owners = set(TextBand.objects.values_list("owner_unit_id", flat=True))
    assert owners == {street.lakeside.pk}
