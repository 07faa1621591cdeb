"""The demo street's publicity and training, the portal's pages and a few conduct records.

Written through the services: the portal's publicity pages and the legal channels'
guidance (portal.services, outreach.services), publicity events and trainings with their
attendance over the last year, and the unlawful conduct recorded at a few group visits,
with their merit classified. Invented demo data, not interface text (no gettext); the
pages say what the Regulations on Letters and Visits (2022) say, in brief.
"""

import datetime as dt
import random
from contextlib import AbstractContextManager

from django.utils import timezone

from xinfang.common import clock
from xinfang.demo.lifecycle import working_day_before
from xinfang.demo.street import DemoStreet
from xinfang.outreach import services as outreach
from xinfang.outreach.models import PublicityEvent
from xinfang.petitions.models import Channel, LegalChannel, Merit, Petition
from xinfang.portal.models import PublicityPage
from xinfang.portal.services import PageData, publicity_page_save

Kind = PublicityPage.Kind
Form = PublicityEvent.Form

# kind, title, body (the editor's HTML), and for a legal channel's page its channel and how to start it.
PAGES: list[tuple[str, str, str, str, str]] = [
    (
        Kind.REGULATIONS,
        "《信访工作条例》要点",
        "<p>《信访工作条例》自2022年5月1日起施行。信访人可以采用信息网络、书信、电话、传真、"
        "走访等形式，向各级机关、单位反映情况，提出建议、意见或者投诉请求。</p>"
        "<h2>办理时限</h2><ul><li>收到信访事项之日起15日内决定是否受理并告知信访人；</li>"
        "<li>受理之日起60日内办结，情况复杂的经批准可适当延长，延长期限不超过30日；</li>"
        "<li>对处理意见不服的，可以自收到书面答复之日起30日内请求复查；对复查意见不服的，"
        "可以自收到之日起30日内请求复核。</li></ul>",
        "",
        "",
    ),
    (
        Kind.GUIDANCE,
        "如何依法有序反映诉求",
        "<p>请如实反映情况，不得捏造、歪曲事实，不得诬告陷害他人。多人反映共同意见的，"
        "可以推选代表，代表人数不超过5人。</p><p>走访请到街道信访接待中心或领导接访日预约的地点，"
        "不要在机关办公场所周围、公共场所非法聚集，不要堵塞、阻断交通。</p>"
        "<p>网上信访平台可以提交信访事项、凭查询码查询办理进度、评价办理结果和申请复查。</p>",
        "",
        "",
    ),
    (
        Kind.LEGAL_CHANNEL,
        "民事纠纷请向人民法院起诉",
        "<p>合同、物业服务、相邻关系、婚姻家庭等民事纠纷，以及已经或者依法应当通过诉讼解决的事项，"
        "信访部门不予受理，请通过诉讼途径解决（诉访分离）。</p>"
        "<p>起诉可到被告住所地或合同履行地的基层人民法院立案窗口，也可通过人民法院在线服务网上立案。"
        "经济困难的，可以向法律援助机构申请法律援助。</p>",
        LegalChannel.LITIGATION,
        "向有管辖权的人民法院起诉：带上身份证件、起诉状和证据材料到立案窗口，或网上立案。"
        "可拨打12348法律服务热线咨询。",
    ),
    (
        Kind.LEGAL_CHANNEL,
        "劳动争议请申请劳动仲裁",
        "<p>拖欠工资、解除劳动合同、工伤待遇等劳动争议，应当先向劳动人事争议仲裁委员会申请仲裁。"
        "申请仲裁的时效期间为一年，从知道或者应当知道其权利被侵害之日起计算。</p>",
        LegalChannel.ARBITRATION,
        "向用人单位所在地的劳动人事争议仲裁委员会提交仲裁申请书和证据；街道劳动保障所可以帮助准备材料。",
    ),
    (
        Kind.LEGAL_CHANNEL,
        "对行政行为不服可申请行政复议",
        "<p>认为行政机关的行政行为侵犯自己合法权益的，可以自知道该行政行为之日起60日内"
        "向行政复议机关提出行政复议申请，也可以依法向人民法院提起行政诉讼。</p>",
        LegalChannel.ADMIN_REVIEW,
        "自知道该行政行为之日起60日内，向作出行为的行政机关所属的人民政府提出行政复议申请"
        "（书面或口头均可），写明请求和理由。",
    ),
    (
        Kind.FAQ,
        "提交信访事项后多久能知道是否受理？",
        "<p>信访部门收到信访事项之日起15日内决定是否受理，并以书面形式告知您。"
        "您可以凭回执上的查询码和手机号后四位在本平台查询。</p>",
        "",
        "",
    ),
    (
        Kind.FAQ,
        "查询码丢失了怎么办？",
        "<p>请携带身份证件到街道信访接待中心查询，工作人员核实身份后告知查询码。"
        "为保护您的个人信息，电话中不提供查询码。</p>",
        "",
        "",
    ),
    (
        Kind.FAQ,
        "如何预约领导接访？",
        "<p>在“领导接访”栏目中选择接访日期和时段，验证手机号后即可预约。"
        "每人每个接访日只能预约一次；不能前来的，请提前在“我的预约”中取消。</p>",
        "",
        "",
    ),
    (
        Kind.FAQ,
        "对处理结果不满意怎么办？",
        "<p>可以自收到书面答复之日起30日内，在本平台查询页面或到信访接待中心请求复查。</p>",
        "",
        "",
    ),
    (
        Kind.NEWS,
        "西溪街道开展《信访工作条例》进社区宣传活动",
        "<p>街道信访办联合各社区在湖滨花园、雅仕苑等小区设立咨询台，发放宣传手册，"
        "现场解答居民关于依法信访、物业纠纷解决途径等问题。</p>",
        "",
        "",
    ),
]

# days ago, owner unit key ("street" for the street), place, form, audience, materials
EVENTS = [
    (300, "street", "西溪街道文化广场", Form.SQUARE, 260, "《信访工作条例》宣传手册500份，展板6块"),
    (240, "lakeside", "湖滨花园社区活动室", Form.LECTURE, 45, "条例解读课件，业委会选举规则问答"),
    (180, "taoyuan", "桃源里安置点", Form.DOOR_TO_DOOR, 120, "城中村改造政策问答卡"),
    (120, "yashiyuan", "雅仕苑小区宣传栏", Form.BOARD, 300, "依法信访宣传海报4张"),
    (60, "street", "街道微信公众号", Form.NEW_MEDIA, 1850, "《依法信访十问十答》图文"),
    (20, "street", "西溪街道文化广场", Form.SQUARE, 210, "宣传手册300份，法律援助指南"),
]

# days ago, topic, trainer, place
TRAININGS = [
    (270, "《信访工作条例》全文解读", "区信访局 沈国华", "街道三楼会议室"),
    (150, "信访事项受理、交办与办理时限", "街道信访办 陈晓燕", "街道三楼会议室"),
    (45, "诉访分离与法定途径引导", "区司法局 律师 吴晓", "街道三楼会议室"),
]

CONDUCT = [
    (
        "十余人在街道办公楼门口拉横幅、堵塞大门约两小时，影响正常办公。",
        "西溪街道办事处门口",
        "《信访工作条例》第二十六条第（一）项",
        "现场劝导疏散，告知依法逐级走访、推选代表的规定；对组织者进行批评教育。",
        "西溪派出所、街道信访办",
    ),
    (
        "在区政府门前聚集并阻断交通，经劝导后离开。",
        "区政府门前道路",
        "《信访工作条例》第二十六条第（一）项；《治安管理处罚法》第二十三条",
        "民警现场警告，书面告知依法信访的途径。",
        "西湖区公安分局西溪派出所",
    ),
]


def _frozen(day: dt.date, hour: int, now: dt.datetime) -> AbstractContextManager[None]:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return clock.frozen_at(min(moment, now))


def seed_outreach(street: DemoStreet, rng: random.Random, now: dt.datetime) -> None:
    """Write the portal's pages, publicity events, trainings and a few conduct records."""
    registrar = street.users["registrar"]
    today = timezone.localdate(now)
    units = {"street": street.street, **street.units}
    with _frozen(today - dt.timedelta(days=320), 10, now):
        for sort, (kind, title, body, channel, how_to) in enumerate(PAGES):
            page = publicity_page_save(
                actor=registrar,
                page_id=None,
                data=PageData(kind=kind, title=title, body=body, is_published=True, sort=sort),
            )
            if channel:
                outreach.channel_guidance_save(
                    actor=registrar, channel=channel, how_to=how_to, page_id=page.pk
                )
    for ago, key, place, form, audience, materials in EVENTS:
        held = working_day_before(today - dt.timedelta(days=ago))
        with _frozen(held, 17, now):
            outreach.event_save(
                actor=registrar,
                data={
                    "held_on": held,
                    "place": place,
                    "form": form,
                    "audience": audience + rng.randint(0, 20),
                    "materials": materials,
                    "owner_unit_id": units[key].pk,
                },
            )
    called = [*street.handlers.values(), *street.unit_leaders.values()]
    called = list({u.pk: u for u in called}.values())
    for ago, topic, trainer, place in TRAININGS:
        held = working_day_before(today - dt.timedelta(days=ago))
        with _frozen(held, 17, now):
            outreach.training_save(
                actor=registrar,
                data={
                    "topic": topic,
                    "trainer": trainer,
                    "held_on": held,
                    "place": place,
                    "owner_unit_id": street.street.pk,
                },
                attendance={u.pk: rng.random() < 0.85 for u in called},
            )
    # Disorderly conduct at group visits: recorded, and the merit classified, never refused.
    visits = Petition.objects.filter(
        channel=Channel.COLLECTIVE_VISIT, registered_unit=street.street
    ).order_by("registered_at")[: len(CONDUCT)]
    for petition, (conduct, place, basis, measure, by) in zip(visits, CONDUCT, strict=False):
        occurred = timezone.localdate(petition.registered_at)
        with _frozen(occurred, 17, now):
            outreach.conduct_record(
                actor=registrar,
                petition_id=petition.pk,
                data={
                    "conduct": conduct,
                    "occurred_on": occurred,
                    "place": place,
                    "legal_basis": basis,
                    "measure": measure,
                    "measure_by": by,
                },
            )
            outreach.petition_merit_set(
                actor=registrar, petition_id=petition.pk, merit=Merit.REASONABLE_DISORDERLY
            )
