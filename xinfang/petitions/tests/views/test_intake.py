"""Intake that starts from the known person: lookup, fill, the mismatch and repeat warnings."""

from typing import Any

import pytest
from django.test import Client

from xinfang.common.models import AuditEntry
from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.models import Category, Petition, Petitioner
from xinfang.petitions.tests.factories import register
from xinfang.petitions.validators import id_check_digit

pytestmark = pytest.mark.django_db

ID_NUMBER = "33010619700101001" + id_check_digit("33010619700101001")


@pytest.fixture
def known(street: Any) -> Petition:
    street.lakeside.refresh_from_db()
    return register(
        street.registrar,
        title="小区夜间施工噪声扰民",
        petitioners=[
            PetitionerData(
                name="朱根保",
                id_number=ID_NUMBER,
                phone="13800000001",
                address="湖滨花园3幢",
                community_id=street.lakeside.pk,
            )
        ],
    )


@pytest.fixture
def registrar(street: Any) -> Client:
    client = Client()
    client.force_login(street.registrar)
    return client


def _form(street: Any, **fields: Any) -> dict[str, Any]:
    person = {"id_number": ID_NUMBER, "phone": "13800000001", "name": "朱根保", "address": ""}
    person |= {k[7:]: fields.pop(k) for k in list(fields) if k.startswith("person_")}
    return {
        "channel": "visit",
        "title": "楼道堆放杂物影响通行",
        "content": "三幢楼道长期堆放杂物，影响通行和消防安全。",
        "category": Category.objects.filter(parent__isnull=False).values_list("pk", flat=True)[0],
        "head_count": 1,
        "person-TOTAL_FORMS": 1,
        "person-INITIAL_FORMS": 0,
        "person-MAX_NUM_FORMS": 5,
        **{f"person-0-{k}": v for k, v in person.items()},
        **fields,
    }


def test_the_intake_form_starts_with_the_persons_identifiers(
    street: Any, registrar: Client
) -> None:
    html = registrar.get("/petitions/new/").content.decode()
    community = html[
        html.index('name="community"') : html.index("</select>", html.index('name="community"'))
    ]
    assert (
        f'value="{street.lakeside.pk}"' in community
        and f'value="{street.yashiyuan.pk}"' in community
    )
    assert f'value="{street.street.pk}"' not in community
    fields = ["person-0-id_number", "person-0-phone", "person-0-name", 'name="channel"']
    assert [html.index(f) for f in fields] == sorted(html.index(f) for f in fields)
    assert 'id="same-place"' in html
    # Unit suggestions do nothing at intake: only the category router is asked.
    assert "?kind=category" in html
    assert "data-on-record hidden" in html and "data-not-repeat hidden" in html


def test_the_panel_offers_the_record_and_warns_of_another_name(
    street: Any, known: Petition, registrar: Client
) -> None:
    panel = registrar.get(
        "/petitions/match/", {"id_number": ID_NUMBER, "name": "朱根宝", "phone": "13900000009"}
    ).content.decode()
    assert 'data-name="朱根保"' in panel and 'data-address="湖滨花园3幢"' in panel
    assert f'data-community="{street.lakeside.pk}"' in panel
    assert "data-differs" in panel and 'data-on-record-choice="update"' in panel
    entry = AuditEntry.objects.filter(kind="view_personal", object_type="petitioner").last()
    assert entry is not None and set(entry.fields) == {"name", "phone", "address"}


def test_the_panel_shows_a_likely_repeat_one_key_from_linking(
    known: Petition, registrar: Client
) -> None:
    panel = registrar.get(
        "/petitions/match/", {"id_number": ID_NUMBER, "title": "小区施工噪声扰民"}
    ).content.decode()
    assert "data-likely-repeats" in panel
    assert f'data-repeat-of="{known.number}" data-first-repeat' in panel
    calm = registrar.get(
        "/petitions/match/", {"id_number": ID_NUMBER, "title": "楼道堆放杂物"}
    ).content.decode()
    assert "data-likely-repeats" not in calm and "data-differs" not in calm


def test_another_name_is_refused_with_the_choice_shown_and_the_update_is_audited(
    street: Any, known: Petition, registrar: Client
) -> None:
    form = _form(street, person_name="朱根宝", person_phone="13900000009")
    refused = registrar.post("/petitions/new/", form)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "朱根保" in html and "以本次填写更新档案" in html
    assert "data-on-record hidden" not in html.split('id="person-template"')[0]
    assert Petition.objects.count() == 1

    saved = registrar.post("/petitions/new/", form | {"person-0-on_record": "update"})
    assert saved.status_code == 302
    person = Petitioner.objects.get()
    assert (person.name, person.phone) == ("朱根宝", "13900000009")
    assert AuditEntry.objects.filter(kind="change", object_type="petitioner").count() == 1


def test_a_likely_repeat_is_shown_before_saving_and_linked_by_its_number(
    street: Any, known: Petition, registrar: Client
) -> None:
    form = _form(street, title="小区施工噪声扰民")
    refused = registrar.post("/petitions/new/", form)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert known.number in html and "data-not-repeat hidden" not in html
    linked = registrar.post("/petitions/new/", form | {"repeat_of": known.number})
    assert linked.status_code == 302
    repeat = Petition.objects.latest("pk")
    assert repeat.repeat_of == known and not repeat.is_first_time
    confirmed = registrar.post("/petitions/new/", form | {"not_repeat": "on"})
    assert confirmed.status_code == 302
    assert Petition.objects.latest("pk").is_first_time
