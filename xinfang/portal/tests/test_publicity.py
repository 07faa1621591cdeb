import pytest
from django.urls import reverse

from xinfang.common.errors import PermissionDenied
from xinfang.portal import services
from xinfang.portal.models import PublicityPage
from xinfang.portal.publicity import clean_html

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<h2 onclick="x()">依法信访</h2><p>正文<script>alert(1)</script>'
    '<img src=x onerror=alert(1)><a href="javascript:alert(1)">坏链接</a>'
    '<a href="https://www.gjxfj.gov.cn/">国家信访局</a></p><iframe src="https://evil"></iframe>'
)


def test_the_editor_s_html_keeps_only_the_safelist():
    clean = clean_html(HOSTILE)
    for gone in ("onclick", "<script", "onerror", "<img", "javascript:", "<iframe"):
        assert gone not in clean
    assert "<h2>依法信访</h2>" in clean
    assert 'href="https://www.gjxfj.gov.cn/"' in clean and "noopener" in clean


def _page(actor, **overrides):
    data = services.PageData(
        kind=PublicityPage.Kind.GUIDANCE, title="如何依法信访", body=HOSTILE, is_published=True
    )
    for k, v in overrides.items():
        data = services.PageData(**(data.__dict__ | {k: v}))
    return services.publicity_page_save(actor=actor, page_id=None, data=data)


def test_the_office_publishes_a_sanitised_page_the_public_reads(client, street):
    page = _page(street.registrar)
    assert "<script" not in page.body
    listing = client.get(reverse("portal:info")).content.decode()
    assert "如何依法信访" in listing
    body = client.get(reverse("portal:info_page", args=[page.pk])).content.decode()
    assert "国家信访局" in body and "<script>alert" not in body


def test_a_draft_answers_as_no_page(client, street):
    draft = _page(street.registrar, is_published=False)
    assert client.get(reverse("portal:info_page", args=[draft.pk])).status_code == 404
    assert "如何依法信访" not in client.get(reverse("portal:info")).content.decode()


def test_only_the_petition_office_edits_publicity(street):
    with pytest.raises(PermissionDenied):
        _page(street.handler)
    with pytest.raises(PermissionDenied):
        _page(street.auditor)


def test_the_office_edits_a_page_through_the_staff_page(client, street):
    page = _page(street.registrar)
    client.force_login(street.leader)
    url = f"{reverse('portal:manage_edit')}?id={page.pk}"
    assert "如何依法信访" in client.get(url).content.decode()
    response = client.post(
        url,
        {"kind": "faq", "title": "常见问题", "body": "<p>问：<b>怎么查询</b>？</p>", "sort": 1},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.kind, page.title, page.is_published) == ("faq", "常见问题", False)
    assert page.body == "<p>问：<b>怎么查询</b>？</p>"
    client.force_login(street.handler)
    assert client.get(reverse("portal:manage")).status_code == 404


@pytest.mark.parametrize(
    ("user", "shown"),
    [
        ("registrar", True),
        ("leader", True),  # the leading group
        ("admin", True),
        ("handler", False),
        ("community_leader", False),
        ("auditor", False),
    ],
)
def test_the_staff_menu_links_to_the_publicity_editor_for_those_who_may_edit(
    client, street, user, shown
):
    client.force_login(getattr(street, user))
    page = client.get(reverse("petitions:workbench")).content.decode()
    assert ('id="publicity-editor"' in page) is shown
    answer = client.get(reverse("portal:manage")).status_code
    assert answer == (200 if shown else 404)  # the link and the page: one rule


def test_the_public_sees_the_sections_in_their_declared_order_the_regulations_first(client, street):
    for kind in ("faq", "news", "regulations", "guidance"):
        services.publicity_page_save(
            actor=street.registrar,
            page_id=None,
            data=services.PageData(
                kind=kind, title=f"页-{kind}", body="<p>正文</p>", is_published=True
            ),
        )
    page = client.get(reverse("portal:info")).content.decode()
    titles = [PublicityPage.Kind(k).label for k in ("regulations", "guidance", "faq", "news")]
    positions = [page.index(f"<h2>{t}</h2>") for t in titles]
    assert positions == sorted(positions)
