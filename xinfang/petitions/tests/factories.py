"""Factories of petitions; cases in a given status are driven there through the services."""

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import factory
import time_machine

from xinfang.petitions import inputs, services
from xinfang.petitions.actions import ACTIONS
from xinfang.petitions.models import Category, Channel, Petitioner, ReplyKind
from xinfang.petitions.workflow import Action


class PetitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Petitioner

    name = factory.Sequence(lambda n: f"信访人{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    address = factory.Sequence(lambda n: f"湖滨花园{n}幢")


def registration(**overrides: Any) -> inputs.RegistrationData:
    """Return valid registration data for one petitioner, with `overrides` applied."""
    data = inputs.RegistrationData(
        channel=Channel.VISIT,
        title="小区业委会换届选举程序不规范",
        content="湖滨花园小区业主委员会换届选举未按规定公示候选人名单，请求街道督促依法重新组织。",
        petitioners=[
            inputs.PetitionerData(name="张三", phone="13800000001", address="湖滨花园1幢")
        ],
        category_id=Category.objects.filter(parent__isnull=False)
        .values_list("pk", flat=True)
        .first(),
        # Tests register this one person's one matter many times; the likely-repeat check
        # has tests of its own (not_repeat=False).
        not_repeat=True,
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def register(actor: Any, **overrides: Any):  # type: ignore[no-untyped-def]
    """Register a petition as `actor` through the service."""
    return services.petition_register(actor=actor, data=registration(**overrides))


# The action forms' field names that the typed inputs name otherwise.
_INPUT_NAMES = {
    "handling_unit": "handling_unit_id",
    "original": "original_id",
    "leader": "leader_id",
}


def action_input(action: Action, data: dict[str, Any] | None = None) -> Any:
    """Return the typed input of `action` from a test's fields, named as the forms name them."""
    fields = {_INPUT_NAMES.get(k, k): v for k, v in (data or {}).items()}
    if isinstance(fields.get("due"), str):
        fields["due"] = dt.date.fromisoformat(fields["due"])
    # A field the test leaves out arrives blank, so that the service's own check answers.
    kind = ACTIONS[action].input
    for name, f in kind.__dataclass_fields__.items():
        if name not in fields and f.default is dataclasses.MISSING:
            fields[name] = {int: 0, bool: False}.get(f.type, "")  # type: ignore[call-overload]
    return kind(**fields)


def act(petition: Any, actor: Any, action: Action, data: dict[str, Any] | None = None) -> Any:
    """Take `action` on the case as `actor`, on the version the case has now."""
    version = type(petition).objects.values_list("version", flat=True).get(pk=petition.pk)
    return services.petition_transition(
        actor=actor,
        petition_id=petition.pk,
        action=action,
        data=action_input(action, data),
        expected_version=version,
    )


def drive(petition: Any, street: Any, *steps: tuple[Action, dict[str, Any], str]) -> Any:
    """Apply workflow steps, each as the named user of the `street` fixture, and return the case."""
    for action, data, who in steps:
        petition = act(petition, getattr(street, who), action, data)
    return petition


SHANGHAI = ZoneInfo("Asia/Shanghai")
REPLY = {
    "reply_kind": ReplyKind.SUPPORTED,
    "text": "经核查，业委会已重新公示候选人名单并依法组织换届。",
}


def travel(day: dt.date, hour: int = 10) -> time_machine.travel:
    """Return a frozen time travel to `hour` o'clock of `day`, office time."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), SHANGHAI), tick=False)


def accepted(street: Any, unit: str = "lakeside", **overrides: Any) -> Any:
    """Register a case as the street's registrar and assign it to the named unit of `street`."""
    petition = register(street.registrar, **overrides)
    assign = {"handling_unit": getattr(street, unit).pk}
    return drive(petition, street, (Action.ACCEPT, assign, "registrar"))


def replied(street: Any, **overrides: Any) -> Any:
    """Return a case assigned to Lakeside Garden and answered by its handler."""
    return drive(accepted(street, **overrides), street, (Action.REPLY, REPLY, "handler"))
