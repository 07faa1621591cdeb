import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xinfang.outreach import services
from xinfang.outreach.models import PublicityEvent, Training
from xinfang.outreach.tests.factories import CONDUCT, event, training
from xinfang.petitions.tests.factories import accepted, register

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _as(client, user):
    client.force_login(user)
    return client


def test_a_cadre_records_an_event_with_a_photo_and_its_unit_opens_it(client, street):
    response = _as(client, street.handler).post(
        reverse("outreach:event_create"),
        {"held_on": "2026-03-02", "place": "湖滨花园广场", "form": "square", "audience": "40",
         "materials": "宣传册", "owner_unit": street.lakeside.pk,
         "photos": SimpleUploadedFile("现场.png", PNG, content_type="image/png")},
    )  # fmt: skip
    recorded = PublicityEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == recorded.get_absolute_url()
    page = client.get(recorded.get_absolute_url()).content.decode()
    assert "湖滨花园广场" in page and "现场.png" in page
    photo = recorded.photos.get()
    url = reverse("outreach:photo_download", args=[recorded.pk, photo.pk])
    assert client.get(url).status_code == 200
    assert _as(client, street.other_handler).get(url).status_code == 404
    assert client.get(recorded.get_absolute_url()).status_code == 404


def test_an_upload_that_is_no_image_comes_back_with_the_reason(client, street):
    response = _as(client, street.handler).post(
        reverse("outreach:event_create"),
        {"held_on": "2026-03-02", "place": "社区", "form": "board", "audience": "0",
         "owner_unit": street.lakeside.pk,
         "photos": SimpleUploadedFile("a.png", b"<script>", content_type="image/png")},
    )  # fmt: skip
    assert response.status_code == 400
    assert "不是PDF、JPEG或PNG文件" in response.content.decode()
    assert not PublicityEvent.objects.exists()


def test_the_event_list_shows_the_users_units_events_of_the_year(client, street):
    event(street.handler, street.lakeside, place="湖滨花园广场")
    event(street.other_handler, street.yashiyuan, place="雅仕苑门口")
    body = _as(client, street.handler).get(reverse("outreach:event_list"), {"year": "2026"})
    text = body.content.decode()
    assert "湖滨花园广场" in text and "雅仕苑门口" not in text
    assert (
        "湖滨花园广场"
        not in client.get(reverse("outreach:event_list"), {"year": "2025"}).content.decode()
    )


def test_a_training_is_recorded_with_who_was_called_and_who_came(client, street):
    response = _as(client, street.registrar).post(
        reverse("outreach:training_create"),
        {"topic": "条例解读", "trainer": "王科长", "held_on": "2026-03-02", "place": "",
         "owner_unit": street.street.pk, "called": [street.handler.pk, street.other_handler.pk],
         "present": [street.handler.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    done = Training.objects.get()
    assert dict(done.attendance.values_list("user_id", "present")) == {
        street.handler.pk: True,
        street.other_handler.pk: False,
    }
    page = client.get(done.get_absolute_url()).content.decode()
    assert "缺席" in page
    edit = client.get(reverse("outreach:training_edit", args=[done.pk])).content.decode()
    assert f'name="present" value="{street.handler.pk}"' in edit


def test_the_yearly_counts_page_shows_each_units_figures(client, street):
    event(street.handler, street.lakeside, audience=40)
    training(street.registrar, street.lakeside,
             {street.handler.pk: True, street.community_leader.pk: False})  # fmt: skip
    page = _as(client, street.registrar).get(reverse("outreach:counts"), {"year": "2026"})
    text = page.content.decode()
    row = text[text.index(f'data-unit="{street.lakeside.pk}"') :].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert cells == ["湖滨花园社区", "1", "40", "1", "2", "1", "50%"]


def test_the_merit_labels_the_office_sets_show_in_the_intake_form_and_on_the_case(client, street):
    petition = register(street.registrar, merit="reasonable_disorderly")
    _as(client, street.registrar).post(
        reverse("outreach:merit_labels"),
        {"reasonable_orderly": "有理有序", "reasonable_disorderly": "有理但方式失当",
         "unreasonable_disorderly": "无理无序"},
    )  # fmt: skip
    form = client.get(reverse("petitions:petition_create")).content.decode()
    assert '<option value="reasonable_disorderly">有理但方式失当</option>' in form
    panel = client.get(reverse("outreach:conduct_panel", args=[petition.pk])).content.decode()
    assert "有理但方式失当" in panel
    assert _as(client, street.handler).get(reverse("outreach:merit_labels")).status_code == 404


def test_the_case_page_loads_the_conduct_panel(client, street):
    petition = accepted(street)
    page = _as(client, street.registrar).get(petition.get_absolute_url()).content.decode()
    assert reverse("outreach:conduct_panel", args=[petition.pk]) in page


def test_the_conduct_panel_shows_the_records_to_the_office_and_not_to_the_accused_unit(
    client, street
):
    petition = accepted(street, accused_unit_id=street.lakeside.pk, accused="湖滨花园社区")
    services.conduct_record(actor=street.registrar, petition_id=petition.pk, data=CONDUCT)
    url = reverse("outreach:conduct_panel", args=[petition.pk])
    office = _as(client, street.registrar).get(url).content.decode()
    assert CONDUCT["conduct"] in office and "记录违法行为" in office
    accused = _as(client, street.community_leader).get(url)
    assert accused.status_code == 200
    assert CONDUCT["conduct"] not in accused.content.decode()
    assert "违法行为记录" not in accused.content.decode()
    assert _as(client, street.other_handler).get(url).status_code == 404


def test_conduct_recorded_on_the_case_page_returns_to_it(client, street):
    petition = accepted(street)
    data = CONDUCT | {"occurred_on": "2026-03-02"}
    response = _as(client, street.leader).post(
        reverse("outreach:conduct_create", args=[petition.pk]), data
    )
    assert response.status_code == 302
    assert petition.conduct_records.count() == 1
    _as(client, street.handler).post(reverse("outreach:conduct_create", args=[petition.pk]), data)
    assert petition.conduct_records.count() == 1


def test_the_office_writes_the_guidance_of_a_channel_on_its_page(client, street):
    response = _as(client, street.registrar).post(
        reverse("outreach:guidance"),
        {"channel": "litigation", "litigation-how_to": "向区人民法院立案庭递交起诉状。",
         "litigation-page": ""},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("outreach:guidance")).content.decode()
    assert "向区人民法院立案庭递交起诉状。" in page
    assert _as(client, street.handler).get(reverse("outreach:guidance")).status_code == 404
