"""The demo command: the seed's street, its accounts, and cases consistent with their dates."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from xinfang.accounts.models import User
from xinfang.demo.street import DEMO_PASSWORD
from xinfang.organization.models import Unit
from xinfang.petitions.models import Channel, Petition, Petitioner
from xinfang.petitions.validators import validate_id_number, validate_phone
from xinfang.petitions.workflow import HANDLING_STATUSES, Status

pytestmark = pytest.mark.django_db
PETITIONS = 60


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Run the demo once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo", petitions=PETITIONS, seed=1, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_the_five_seed_accounts_exist_with_the_demo_password(demo: str) -> None:
    roles = {
        "admin": ("admin", "西湖区"),
        "registrar": ("registrar", "西溪街道"),
        "handler": ("handler", "湖滨花园社区"),
        "leader": ("leading_group", "西溪街道"),
        "auditor": ("auditor", "西湖区"),
    }
    for username, (role, unit) in roles.items():
        user = User.objects.select_related("unit").get(username=username)
        assert (user.role, user.unit.name) == (role, unit)
        assert user.check_password(DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert "xinfang-demo" in demo


def test_every_community_and_department_has_a_leader_and_a_handler(demo: str) -> None:
    street = Unit.objects.get(name="西溪街道", kind=Unit.Kind.STREET)
    below = Unit.objects.filter(parent=street)
    names = set(below.values_list("name", flat=True))
    assert {"湖滨花园社区", "雅仕苑社区", "桃源里社区", "城中村改造办公室", "城管科"} <= names
    assert below.filter(kind=Unit.Kind.COMMUNITY).count() == 5
    for unit in [street, *below]:
        assert unit.leader is not None
    for unit in below:
        assert unit.members.filter(role="handler").exists()


def test_every_status_appears_and_every_case_has_its_register_event(demo: str) -> None:
    assert Petition.objects.count() == PETITIONS
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    unregistered = Petition.objects.exclude(events__action="register")
    assert not unregistered.exists()


def test_event_history_matches_each_case_status(demo: str) -> None:
    for p in Petition.objects.prefetch_related("events"):
        events = list(p.events.all())
        assert events[-1].to_status == p.status
        assert events[0].at == p.registered_at
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert events[-1].at <= timezone.now()


def test_deadlines_agree_with_registration_and_acceptance_dates(demo: str) -> None:
    for p in Petition.objects.all():
        registered = timezone.localdate(p.registered_at)
        assert p.route_due == registered + dt.timedelta(days=15)
        if p.status == Status.REGISTERED:
            assert p.due_date == p.route_due
        if p.status in HANDLING_STATUSES - {Status.HEARING}:
            assert p.due_date == p.handling_due
        if p.accepted_at and not p.origin_deadline:
            accepted = timezone.localdate(p.accepted_at)
            extra = p.extension_days + p.paused_days
            assert p.handling_due == accepted + dt.timedelta(days=60 + extra)


def test_old_cases_are_mostly_concluded_and_some_open_ones_are_overdue(demo: str) -> None:
    today = timezone.localdate()
    old = Petition.objects.filter(registered_at__lt=timezone.now() - dt.timedelta(days=200))
    concluded = old.exclude(status__in=HANDLING_STATUSES | {Status.REGISTERED, Status.OBJECTED})
    assert concluded.count() >= 0.9 * old.count()
    assert Petition.objects.open().filter(due_date__lt=today).exists()
    oldest = Petition.objects.order_by("registered_at").first()
    assert oldest is not None and oldest.registered_at.date() >= today - dt.timedelta(days=735)


def test_collective_visits_have_five_people_or_more_and_at_most_five_representatives(
    demo: str,
) -> None:
    collective = Petition.objects.filter(channel=Channel.COLLECTIVE_VISIT).annotate(
        reps=Count("representatives")
    )
    assert collective.exists()
    for p in collective:
        assert p.head_count >= 5
        assert 1 <= p.reps <= 5


def test_channels_repeats_anonymity_and_accusations_are_all_represented(demo: str) -> None:
    assert set(Petition.objects.values_list("channel", flat=True)) == set(Channel.values)
    assigned = Petition.objects.filter(channel=Channel.ASSIGNED)
    assert not assigned.filter(origin_authority="").exists()
    assert Petition.objects.filter(is_anonymous=True, petitioner=None).exists()
    assert Petition.objects.filter(category__is_accusation=True).exists()
    for p in Petition.objects.exclude(repeat_of=None).select_related("repeat_of"):
        assert p.repeat_of.registered_at < p.registered_at
        assert p.repeat_of.title == p.title
        assert p.petitioner_id == p.repeat_of.petitioner_id
    merged = Petition.objects.filter(status=Status.MERGED)
    assert all(p.merged_into_id == p.repeat_of_id for p in merged)


def test_petitioners_have_valid_id_numbers_and_phones(demo: str) -> None:
    people = Petitioner.objects.all()
    assert people.exclude(id_number="").exists()
    for person in people:
        if person.id_number:
            validate_id_number(person.id_number)
        if person.phone:
            validate_phone(person.phone)


def test_demo_refuses_to_run_again_without_reset(demo: str) -> None:
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", petitions=5, stdout=StringIO())


def test_reset_replaces_the_demo_with_a_fresh_one(demo: str) -> None:
    call_command("demo", petitions=10, seed=2, reset=True, stdout=StringIO())
    assert Petition.objects.count() == 10
    assert User.objects.filter(username="registrar").count() == 1
    assert Unit.objects.filter(name="西湖区").count() == 1


def test_some_replies_come_late_and_each_is_marked_as_its_deadline_says(demo: str) -> None:
    replied = Petition.objects.exclude(replied_at=None)
    for p in replied:
        assert p.reply_overdue == (timezone.localdate(p.replied_at) > p.handling_due)
    assert replied.filter(reply_overdue=True).exists()
    assert replied.filter(reply_overdue=False).exists()


def test_cases_tried_and_rolled_back_leave_no_person_without_a_case(demo: str) -> None:
    orphans = Petitioner.objects.filter(petitions=None, represented_petitions=None)
    assert not orphans.exists()


def test_published_reception_days_held_with_check_ins_and_leader_owned_cases(demo: str) -> None:
    from xinfang.reception.models import Appointment, ReceptionDay, ReceptionRecord

    today = timezone.localdate()
    days = ReceptionDay.objects.filter(is_published=True, status=ReceptionDay.Status.SCHEDULED)
    past, future = days.filter(date__lt=today), days.filter(date__gt=today)
    assert past.count() >= 3 and future.count() >= 2
    assert not Appointment.objects.filter(day__in=past, status=Appointment.Status.BOOKED).exists()
    assert Appointment.objects.filter(day__in=past, status=Appointment.Status.CHECKED_IN).exists()
    assert Appointment.objects.filter(day__in=past, source=Appointment.Source.WALK_IN).exists()
    for day in future:
        assert day.appointments.filter(status=Appointment.Status.BOOKED).exists()
        assert all(s.booked <= s.capacity for s in day.slots.all())
    records = ReceptionRecord.objects.select_related("day", "petition")
    created = [r for r in records if r.created_case]
    assert created and records.filter(created_case=False).exists()
    for r in created:
        assert r.petition.channel == Channel.RECEPTION
        assert r.petition.responsible_leader_id == r.day.leader_id
        assert r.petition.registered_unit_id == r.day.owner_unit_id
    # The street's director, a unit leader without the office's roles, wrote some of them.
    assert {r.created_by.role for r in created} >= {"unit_leader"}
    assert Petition.objects.filter(channel=Channel.RECEPTION, solved=True).exists()


def test_publicity_training_pages_and_conduct_are_seeded(demo: str) -> None:
    from xinfang.outreach.models import (
        ChannelGuidance,
        ConductRecord,
        PublicityEvent,
        Training,
    )
    from xinfang.portal.models import PublicityPage

    assert PublicityEvent.objects.count() >= 4
    assert Training.objects.count() >= 2
    for training in Training.objects.all():
        assert training.attendance.filter(present=True).exists()
    pages = PublicityPage.objects.filter(is_published=True)
    assert set(pages.values_list("kind", flat=True)) == set(PublicityPage.Kind.values)
    assert pages.filter(kind=PublicityPage.Kind.FAQ).count() >= 3
    assert ChannelGuidance.objects.exclude(page=None).count() >= 3
    conduct = ConductRecord.objects.select_related("petition")
    assert conduct.exists()
    assert all(c.petition.merit == "reasonable_disorderly" for c in conduct)


def test_a_demo_of_no_petitions_is_the_street_and_its_accounts_alone(demo: str) -> None:
    from xinfang.outreach.models import PublicityEvent
    from xinfang.portal.models import PublicityPage
    from xinfang.reception.models import ReceptionDay

    call_command("demo", petitions=0, reset=True, stdout=StringIO())
    assert User.objects.filter(username="director", role="unit_leader").exists()
    assert not Petition.objects.exists() and not ReceptionDay.objects.exists()
    assert not PublicityPage.objects.exists() and not PublicityEvent.objects.exists()
