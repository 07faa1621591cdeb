"""Routing's handlers of case events: the choices recorded after commit, through the queue."""

from typing import Any

import pytest

from xinfang.petitions import events
from xinfang.petitions.models import EventDelivery, PetitionEvent
from xinfang.petitions.tests.factories import drive, register
from xinfang.petitions.workflow import Action
from xinfang.routing import handlers
from xinfang.routing.models import Kind, SuggestionRecord
from xinfang.routing.tests.factories import about, train

pytestmark = pytest.mark.django_db


def test_routing_subscribes_its_handlers_at_start_up() -> None:
    subscribed = {kind: set(named.values()) for kind, named in events._subscriptions.items()}
    assert handlers.record_category_choice in subscribed["register"]
    assert handlers.record_unit_choice in subscribed[Action.ACCEPT]


def test_assigning_a_case_records_the_unit_against_the_unit_router(
    street: Any, django_capture_on_commit_callbacks: Any
) -> None:
    train(
        Kind.UNIT,
        {
            "property": street.lakeside,
            "demolition": street.renovation,
            "environment": street.yashiyuan,
        },
    )
    petition = register(street.registrar, title="拆迁", content=about("demolition"))
    with django_capture_on_commit_callbacks(execute=True):
        drive(petition, street, (Action.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar"))
    record = SuggestionRecord.objects.get(kind=Kind.UNIT)
    assert record.petition_id == petition.pk
    assert record.chosen == str(street.lakeside.pk)
    assert not record.accepted_top1
    accept = PetitionEvent.objects.get(petition=petition, action=Action.ACCEPT)
    # Done once for the router (the KPI summary's handler has its own delivery).
    name = events.handler_name(handlers.record_unit_choice)
    assert EventDelivery.objects.get(event=accept, handler=name).done_at is not None


def test_a_choice_delivered_twice_is_recorded_once(
    street: Any, categories: dict[str, Any], category_router: Any
) -> None:
    petition = register(
        street.registrar, content=about("demolition"), category_id=categories["demolition"].pk
    )
    event = PetitionEvent.objects.get(petition=petition, action="register")
    events.deliver_case_event(event.pk)
    events.deliver_case_event(event.pk)
    assert SuggestionRecord.objects.filter(petition=petition, kind=Kind.CATEGORY).count() == 1
