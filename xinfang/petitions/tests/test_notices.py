"""The written notices: which apply when, what they say, and the PDF a petitioner receives."""

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from xinfang.common.errors import NotFound
from xinfang.petitions import access, notices
from xinfang.petitions.models import Category
from xinfang.petitions.tests.factories import drive, register
from xinfang.petitions.workflow import Action

TZ = dt.timezone(dt.timedelta(hours=8))
REPLY_TEXT = "经核查，业主委员会换届选举未按规定公示候选人名单，街道已责成社区重新组织选举。"
EXTENSION_REASON = "需委托第三方机构对选举材料进行核验，情况复杂。"


def accept(street: Any) -> tuple[Action, dict[str, Any], str]:
    return (Action.ACCEPT, {"handling_unit": street.lakeside.pk}, "registrar")


def pdf_text(pdf: bytes) -> str:
    """Return the first page's text with the line breaks and spaces of the layout removed."""
    return re.sub(r"\s+", "", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


def pdf_fonts(pdf: bytes) -> list[str]:
    """Return the embedded fonts' names, spelt without the hyphens WeasyPrint puts in them."""
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    return [str(font.get_object()["/BaseFont"]).replace("-", "") for font in fonts.values()]


def assert_identifies(text: str, petition: Any) -> None:
    assert notices.format_query_code(petition.query_code) in text
    assert petition.number in text
    assert "XX街道" in text  # the registering unit, as issuer


def test_query_code_is_printed_in_groups_of_four() -> None:
    assert notices.format_query_code("ABCDEFGHJKLM") == "ABCD-EFGH-JKLM"


def test_acceptance_notice_pdf_states_unit_deadline_and_query_code(street: Any) -> None:
    petition = drive(register(street.registrar), street, accept(street))

    pdf = notices.render_notice_pdf(petition, "acceptance")

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert_identifies(text, petition)
    assert "受理告知书" in text
    assert "张三：" in text
    assert "湖滨花园社区" in text
    assert "60日内办结" in text
    assert f"{petition.handling_due:%Y}年{petition.handling_due.month}月" in text
    assert any("NotoSerifCJK" in f or "NotoSansCJK" in f for f in pdf_fonts(pdf))


def test_non_acceptance_notice_pdf_gives_reason_and_legal_channel(street: Any) -> None:
    category = Category.objects.get(name="法院判决执行")
    petition = drive(
        register(street.registrar, category_id=category.pk),
        street,
        (
            Action.NOT_ACCEPT,
            {"reason": "该事项已由人民法院作出生效判决。", "legal_channel": "litigation"},
            "registrar",
        ),
    )

    text = pdf_text(notices.render_notice_pdf(petition, "non_acceptance"))

    assert_identifies(text, petition)
    assert "不予受理告知书" in text
    assert "该事项已由人民法院作出生效判决。" in text
    assert "诉讼途径" in text
    assert "向有管辖权的人民法院提起诉讼" in text
    assert category.legal_channel in text


def test_non_acceptance_without_legal_channel_gives_no_channel_guidance(street: Any) -> None:
    petition = drive(
        register(street.registrar),
        street,
        (Action.NOT_ACCEPT, {"reason": "同一事项正在办理期限内。"}, "registrar"),
    )

    html = notices.render_notice_html(petition, "non_acceptance")

    assert "同一事项正在办理期限内。" in html
    assert "途径解决" not in html


def test_forwarding_notice_pdf_names_the_competent_authority(street: Any) -> None:
    petition = drive(
        register(street.registrar),
        street,
        (Action.FORWARD, {"forwarded_to": "西湖区住房和城乡建设局"}, "registrar"),
    )

    text = pdf_text(notices.render_notice_pdf(petition, "forwarding"))

    assert_identifies(text, petition)
    assert "转送告知书" in text
    assert "西湖区住房和城乡建设局" in text


def test_extension_notice_pdf_gives_length_new_deadline_and_reason(street: Any) -> None:
    petition = drive(
        register(street.registrar),
        street,
        accept(street),
        (Action.REQUEST_EXTENSION, {"days": 20, "reason": EXTENSION_REASON}, "handler"),
        (Action.APPROVE_EXTENSION, {"note": "同意。"}, "community_leader"),
    )

    text = pdf_text(notices.render_notice_pdf(petition, "extension"))

    assert_identifies(text, petition)
    assert "延期告知书" in text
    assert "延长20日" in text
    due = petition.handling_due
    assert f"至{due:%Y}年{due.month}月{due.day}日" in text
    assert EXTENSION_REASON in text
    assert "同意。" not in text


def test_reply_notice_pdf_gives_opinion_text_and_review_right(street: Any) -> None:
    petition = drive(
        register(street.registrar),
        street,
        accept(street),
        (Action.REPLY, {"reply_kind": "supported", "text": REPLY_TEXT}, "handler"),
    )

    pdf = notices.render_notice_pdf(petition, "reply")

    text = pdf_text(pdf)
    assert_identifies(text, petition)
    assert "处理意见书" in text
    assert "处理意见：支持" in text
    assert REPLY_TEXT in text
    assert "承办单位：湖滨花园社区" in text
    assert "信访人对处理意见不服的，可以自收到书面答复之日起30日内请求上一级机关复查" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_registered_petition_has_no_notice_yet(street: Any) -> None:
    petition = register(street.registrar)

    assert notices.available_notices(petition) == []
    for kind in notices.NOTICE_KINDS:
        with pytest.raises(NotFound):
            notices.render_notice_html(petition, kind)


def test_notices_follow_the_decisions_taken_in_order(street: Any) -> None:
    petition = drive(
        register(street.registrar),
        street,
        accept(street),
        (Action.REQUEST_EXTENSION, {"days": 10, "reason": EXTENSION_REASON}, "handler"),
        (Action.APPROVE_EXTENSION, {}, "community_leader"),
        (Action.REPLY, {"reply_kind": "explained", "text": REPLY_TEXT}, "handler"),
    )

    assert notices.available_notices(petition) == ["acceptance", "extension", "reply"]
    with pytest.raises(NotFound):
        notices.render_notice_html(petition, "forwarding")


def test_unknown_notice_kind_is_not_found(street: Any) -> None:
    petition = drive(register(street.registrar), street, accept(street))

    with pytest.raises(NotFound):
        notices.render_notice_pdf(petition, "summons")


def test_anonymous_petitioner_is_addressed_as_such(street: Any) -> None:
    petition = drive(
        register(street.registrar, petitioners=[], is_anonymous=True), street, accept(street)
    )

    assert "匿名信访人：" in notices.render_notice_html(petition, "acceptance")


def test_reprinted_acceptance_notice_keeps_its_date_and_original_deadline(street: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False):
        petition = drive(register(street.registrar), street, accept(street))
    with time_machine.travel(dt.datetime(2026, 4, 10, 9, tzinfo=TZ), tick=False):
        petition = drive(
            petition,
            street,
            (Action.REQUEST_EXTENSION, {"days": 30, "reason": EXTENSION_REASON}, "handler"),
            (Action.APPROVE_EXTENSION, {}, "community_leader"),
        )

        html = notices.render_notice_html(petition, "acceptance")

    assert petition.handling_due == dt.date(2026, 5, 31)
    assert "于2026年3月2日依法受理" in html
    assert "办理期限至2026年5月1日" in html
    assert "2026年4月10日" not in html


def test_notice_reads_the_case_in_at_most_one_query(
    street: Any, django_assert_max_num_queries: Any
) -> None:
    petition = drive(
        register(street.registrar),
        street,
        accept(street),
        (Action.REQUEST_EXTENSION, {"days": 10, "reason": EXTENSION_REASON}, "handler"),
        (Action.APPROVE_EXTENSION, {}, "community_leader"),
    )
    petition = access.access_petition(street.registrar, petition.pk)

    for kind in ("acceptance", "extension"):
        with django_assert_max_num_queries(1):
            notices.render_notice_html(petition, kind)


def test_officer_text_is_printed_as_text_not_markup(street: Any) -> None:
    text = '见附件<img src="http://198.51.100.1/x.png">'
    petition = drive(
        register(street.registrar),
        street,
        accept(street),
        (Action.REPLY, {"reply_kind": "not_supported", "text": text}, "handler"),
    )

    html = notices.render_notice_html(petition, "reply")

    assert "<img" not in html
    assert "见附件&lt;img" in html


def test_the_extension_notice_gives_the_reason_asked_not_the_officers_note(street: Any) -> None:
    petition = drive(
        register(street.registrar),
        street,
        accept(street),
        (
            Action.REQUEST_EXTENSION,
            {"days": 20, "reason": EXTENSION_REASON, "note": "已电话告知信访人。"},
            "handler",
        ),
        (Action.APPROVE_EXTENSION, {}, "community_leader"),
    )

    text = pdf_text(notices.render_notice_pdf(petition, "extension"))

    assert EXTENSION_REASON in text
    assert "已电话告知信访人" not in text
