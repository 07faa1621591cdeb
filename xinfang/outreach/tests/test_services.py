import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xinfang.common.errors import NotFound, PermissionDenied, ValidationFailed
from xinfang.common.models import AuditEntry
from xinfang.outreach import labels, selectors, services
from xinfang.outreach.models import ConductRecord, EventPhoto
from xinfang.outreach.tests.factories import CONDUCT, DAY, event, training
from xinfang.petitions import access
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import accepted, act, register
from xinfang.petitions.workflow import Action, Status

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _photo(name: str = "现场.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


# ---------------------------------------------------------------- events


def test_an_event_is_seen_by_its_unit_and_the_units_above_it_only(street):
    mine = event(street.handler, street.lakeside)
    assert list(selectors.events_for_user(street.handler)) == [mine]
    assert list(selectors.events_for_user(street.registrar)) == [mine]
    assert list(selectors.events_for_user(street.other_handler)) == []
    with pytest.raises(NotFound):
        selectors.access_event(street.other_handler, mine.pk)


def test_an_event_of_a_unit_outside_the_actors_is_refused(street):
    with pytest.raises(ValidationFailed) as refused:
        event(street.handler, street.yashiyuan)
    assert refused.value.field == "owner_unit"


def test_an_event_in_the_future_is_refused(street):
    with pytest.raises(ValidationFailed):
        event(street.handler, street.lakeside, held_on=dt.date(2027, 1, 1))


def test_the_auditor_records_no_event(street):
    with pytest.raises(PermissionDenied):
        event(street.auditor, street.street)


def test_photos_are_sniffed_like_intake_attachments_and_stored_audited(street):
    recorded = services.event_save(
        actor=street.handler,
        data={"held_on": DAY, "place": "社区", "form": "board", "audience": 0,
              "owner_unit_id": street.lakeside.pk},
        photos=[_photo()],
    )  # fmt: skip
    (photo,) = recorded.photos.all()
    assert (photo.content_type, photo.name) == ("image/png", "现场.png")
    assert AuditEntry.objects.filter(object_type="eventphoto", object_id=str(photo.pk)).exists()


def test_a_photo_that_is_no_image_refuses_the_whole_event_and_stores_no_file(street, tmp_path):
    with pytest.raises(ValidationFailed, match="不是PDF、JPEG或PNG"):
        services.event_save(
            actor=street.handler,
            data={"held_on": DAY, "place": "社区", "form": "board", "audience": 0,
                  "owner_unit_id": street.lakeside.pk},
            photos=[_photo(), _photo("宣传.exe", b"MZ\x90\x00")],
        )  # fmt: skip
    assert EventPhoto.objects.count() == 0
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_photo_over_the_intake_limit_is_refused(street, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    recorded = event(street.handler, street.lakeside)
    with pytest.raises(ValidationFailed, match="超过"):
        services.event_save(
            actor=street.handler,
            data={"held_on": DAY, "place": "社区", "form": "board", "audience": 0,
                  "owner_unit_id": street.lakeside.pk},
            photos=[_photo()],
            event_id=recorded.pk,
        )  # fmt: skip


def test_changing_an_event_audits_the_fields_changed(street):
    recorded = event(street.handler, street.lakeside)
    services.event_save(
        actor=street.registrar,
        data={"held_on": DAY, "place": "湖滨花园广场", "form": "square", "audience": 55,
              "materials": "", "owner_unit_id": street.lakeside.pk},
        event_id=recorded.pk,
    )  # fmt: skip
    entry = AuditEntry.objects.filter(object_type="publicityevent", kind="change").get()
    assert sorted(entry.fields) == ["audience", "materials"]


# ---------------------------------------------------------------- trainings


def test_a_training_calls_the_units_people_and_records_who_came(street):
    done = training(
        street.registrar,
        street.street,
        {street.handler.pk: True, street.other_handler.pk: False},
    )
    assert dict(done.attendance.values_list("user_id", "present")) == {
        street.handler.pk: True,
        street.other_handler.pk: False,
    }


def test_a_training_may_not_call_someone_outside_the_actors_units(street):
    with pytest.raises(ValidationFailed) as refused:
        training(street.handler, street.lakeside, {street.other_handler.pk: True})
    assert refused.value.field == "attendees"


def test_changing_the_attendance_replaces_it_and_is_audited(street):
    done = training(street.registrar, street.street, {street.handler.pk: False})
    services.training_save(
        actor=street.registrar,
        data={"topic": done.topic, "trainer": done.trainer, "held_on": DAY, "place": done.place,
              "owner_unit_id": street.street.pk},
        attendance={street.handler.pk: True, street.leader.pk: True},
        training_id=done.pk,
    )  # fmt: skip
    assert dict(done.attendance.values_list("user_id", "present")) == {
        street.handler.pk: True,
        street.leader.pk: True,
    }
    change = AuditEntry.objects.get(object_type="training", kind="change")
    assert change.fields == ["attendance"]


# ---------------------------------------------------------------- yearly counts


def test_yearly_counts_give_each_unit_its_own_events_audience_trainings_and_attendance(
    street, django_assert_num_queries
):
    event(street.handler, street.lakeside, audience=40)
    event(street.handler, street.lakeside, audience=25, form="lecture")
    event(street.handler, street.lakeside, audience=99, held_on=dt.date(2025, 12, 31))
    event(street.registrar, street.street, audience=300)
    training(street.registrar, street.lakeside,
             {street.handler.pk: True, street.community_leader.pk: False})  # fmt: skip
    training(street.registrar, street.lakeside, {street.handler.pk: True})
    units = [street.street.pk, street.lakeside.pk, street.yashiyuan.pk]
    with django_assert_num_queries(2):
        counts = selectors.yearly_counts(units, 2026)
    assert counts[street.lakeside.pk] == selectors.Counts(
        events=2, audience=65, trainings=2, called=3, present=2
    )
    assert counts[street.lakeside.pk].attendance_rate == pytest.approx(2 / 3)
    assert counts[street.street.pk] == selectors.Counts(events=1, audience=300)
    assert counts[street.yashiyuan.pk] == selectors.Counts()
    assert counts[street.yashiyuan.pk].attendance_rate is None


# ---------------------------------------------------------------- merit labels


def test_the_office_rewords_a_merit_class_and_every_label_follows_while_the_code_stays(street):
    petition = register(street.registrar, merit="reasonable_disorderly")
    services.merit_labels_save(
        actor=street.registrar,
        wording={"reasonable_orderly": "有理有序", "reasonable_disorderly": "诉求合理但方式失当",
                "unreasonable_disorderly": "无理无序"},
    )  # fmt: skip
    assert labels.merit_label(petition.merit) == "诉求合理但方式失当"
    assert Petition.objects.get(pk=petition.pk).merit == "reasonable_disorderly"
    assert AuditEntry.objects.filter(object_type="meritlabel").count() == 1


def test_only_the_office_rewords_the_merit_classes(street):
    with pytest.raises(PermissionDenied):
        services.merit_labels_save(actor=street.handler, wording={"reasonable_orderly": "甲"})


def test_the_office_classifies_a_case_by_its_code_audited(street):
    petition = register(street.registrar)
    services.petition_merit_set(
        actor=street.leader, petition_id=petition.pk, merit="unreasonable_disorderly"
    )
    assert Petition.objects.get(pk=petition.pk).merit == "unreasonable_disorderly"
    assert AuditEntry.objects.filter(object_type="petition", fields=["merit"]).exists()
    with pytest.raises(ValidationFailed):
        services.petition_merit_set(actor=street.leader, petition_id=petition.pk, merit="bad")


# ---------------------------------------------------------------- conduct


def test_the_office_and_the_leading_group_record_conduct_audited(street):
    petition = accepted(street)
    for actor in (street.registrar, street.leader):
        services.conduct_record(actor=actor, petition_id=petition.pk, data=CONDUCT)
    assert ConductRecord.objects.filter(petition=petition).count() == 2
    assert AuditEntry.objects.filter(object_type="conductrecord", kind="create").count() == 2


@pytest.mark.parametrize("who", ["handler", "community_leader", "auditor"])
def test_no_one_else_records_conduct(street, who):
    petition = accepted(street)
    with pytest.raises(PermissionDenied):
        services.conduct_record(actor=getattr(street, who), petition_id=petition.pk, data=CONDUCT)


def test_the_accused_unit_neither_sees_nor_records_conduct_at_a_case_against_it(street):
    against_lakeside = accepted(street, accused_unit_id=street.lakeside.pk, accused="湖滨花园社区")
    services.conduct_record(actor=street.registrar, petition_id=against_lakeside.pk, data=CONDUCT)
    assert selectors.conduct_of(street.community_leader, against_lakeside) is None
    assert len(selectors.conduct_of(street.registrar, against_lakeside) or []) == 1
    against_street = register(street.registrar, accused_unit_id=street.street.pk, accused="街道")
    with pytest.raises(NotFound):
        services.conduct_record(actor=street.leader, petition_id=against_street.pk, data=CONDUCT)


def test_conduct_recorded_before_routing_takes_no_step_away_from_the_office(street):
    petition = register(street.registrar)
    before = access.allowed_actions(street.registrar, petition)
    services.conduct_record(actor=street.registrar, petition_id=petition.pk, data=CONDUCT)
    petition = Petition.objects.get(pk=petition.pk)
    assert access.allowed_actions(street.registrar, petition) == before
    accepted_now = act(petition, street.registrar, Action.ACCEPT,
                       {"handling_unit": street.lakeside.pk})  # fmt: skip
    assert accepted_now.status == Status.HANDLING


def test_conduct_at_a_case_changes_nothing_of_the_case(street):
    petition = accepted(street)
    before = Petition.objects.values("status", "version", "merit").get(pk=petition.pk)
    services.conduct_record(actor=street.registrar, petition_id=petition.pk, data=CONDUCT)
    assert Petition.objects.values("status", "version", "merit").get(pk=petition.pk) == before
