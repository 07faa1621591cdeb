"""The wording of the demo street: units, staff, residents and the office's notes.

Everything here is invented demo data stored in the database, not interface text, so
none of it goes through gettext. What residents write about is in `matters`.
"""

import datetime as dt
import random

from xinfang.petitions.validators import id_check_digit

DISTRICT = "西湖区"
STREET = "西溪街道"

# key, name, residents, how residents' addresses are written, weight among petitions.
COMMUNITIES: list[tuple[str, str, int, str, int]] = [
    ("lakeside", "湖滨花园社区", 8600, "湖滨花园{b}幢{u}单元{r}室", 6),
    ("yashiyuan", "雅仕苑社区", 6400, "雅仕苑{b}幢{r}室", 5),
    ("taoyuan", "桃源里社区", 9800, "桃源里村{g}组{n}号", 5),
    ("qiushi", "求是新村社区", 7200, "求是新村{b}幢{r}室", 3),
    ("jingui", "金桂苑社区", 5100, "金桂苑{b}幢{u}单元{r}室", 3),
]

# key, name: the street's functional departments.
DEPARTMENTS: list[tuple[str, str]] = [
    ("renovation", "城中村改造办公室"),
    ("urban", "城管科"),
    ("social", "社会事务科"),
    ("peace", "综治中心（司法所）"),
    ("labour", "劳动保障所"),
    ("discipline", "纪工委（监察办）"),
]

# The role accounts' full names, by username.
STAFF_NAMES: dict[str, str] = {
    "admin": "系统管理员",
    "registrar": "陈晓燕",
    "handler": "王建国",
    "leader": "周卫东",
    "auditor": "钱文斌",
    "district_leader": "沈国华",
    "director": "严志刚",
}
# fmt: off
HANDLER_NAMES = [
    "王建国", "李海燕", "张志强", "刘丽华", "杨国庆", "黄春梅", "赵明", "吴晓军", "徐佳怡", "孙宏伟", "马玉兰", "朱永康"
]
LEADER_NAMES = [
    "胡建华", "郭红霞", "何卫国", "林美娟", "高志远", "罗桂英", "郑立新", "梁秀芳", "蒋文华", "俞德明", "楼晓峰", "方丽萍"
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁沈钱蒋俞楼金方应邵叶潘章傅"
GIVEN_NAMES = [
    "建国", "秀英", "海燕", "志强", "丽华", "伟", "敏", "静", "国华", "桂英", "小军", "卫东", "春梅", "红霞", "建华", "玉兰",
    "文斌", "佳怡", "子涵", "雨桐", "明", "杰", "宏伟", "晓燕", "金娣", "阿毛", "根宝", "美娟", "国庆", "永康", "德兴",
    "素珍", "立新", "秋菊", "志刚", "慧敏"
]
# Places of household registration: mostly Hangzhou, some from other provinces.
REGION_CODES = ["330106"] * 6 + ["330105", "330102", "330110", "330183", "341222", "362330"]
MOBILE_PREFIXES = [
    "138", "139", "135", "136", "137", "150", "151", "158", "159", "182", "187", "188", "130",
    "131", "155", "186", "133", "153", "180", "189", "177", "199"
]
# fmt: on

ROADS = ["西溪路", "文二西路", "天目山路", "古墩路", "紫金港路", "丰潭路", "学院路"]
COMPANIES = ["杭州安居物业服务有限公司", "浙江诚邦物业管理有限公司", "杭州恒和物业有限公司"]
DEVELOPERS = ["杭州雅仕置业有限公司"]
SITES = ["西溪路商业综合体", "桃源里安置房", "文二西路地铁上盖", "古墩路人才公寓"]
SHOPS = ["老王面馆", "鑫源烧烤", "四季火锅", "好又多超市", "悦动健身"]


REPEAT_PREFIX = "此前已反映过，至今未得到解决。"

# (authority, reference prefix): higher offices that assign or forward cases to the street.
ASSIGNING_AUTHORITIES = [
    ("西湖区信访局", "西信交"),
    ("杭州市信访局", "杭信交"),
    ("西湖区人民政府办公室", "西政办交"),
]
FORWARDING_AUTHORITIES = [("西湖区信访局", "西信转"), ("杭州市12345市长电话", "杭12345转")]

HANDLING_NOTES = [
    "已电话联系信访人了解诉求，约定上门核实。",
    "会同社区、物业到现场查看，反映情况基本属实。",
    "召集相关各方召开协调会，形成初步处理方案。",
    "已向上级主管部门请示政策依据，正在等待答复。",
    "已约谈责任单位负责人，要求限期拿出整改方案。",
]
HEARING_NOTES = [
    "听证会邀请业主代表、开发商和律师参加，各方陈述意见。",
    "听证会已召开，待形成听证意见。",
]
OBJECTION_REASONS = [
    "该事项涉及执法职能，不属于本单位职责范围，建议改由城管科办理。",
    "反映的问题发生在辖区外，建议退回信访办重新交办。",
    "该事项已由其他部门立案处理，请信访办协调。",
]
EXTENSION_REASONS = [
    "涉及多个部门和开发商，需进一步协调，申请延期。",
    "需委托第三方机构进行房屋安全鉴定，申请延期。",
    "需等待上级部门政策答复，申请延期。",
]
SUPERVISION_NOTES = [
    "该事项临近办结期限，请承办单位加快办理进度，按期答复信访人。",
    "群众反映强烈，请包案领导亲自过问，限期化解。",
    "已超期未办结，请说明原因并于督办期限内办结。",
]
REPLIES = {
    "supported": [
        "经调查核实，您反映的问题属实。{unit}已督促责任方完成整改，后续将持续跟踪。",
        "您的诉求合理。经协调，相关方已同意按您的要求处理，具体安排已电话告知。",
    ],
    "explained": [
        "经调查，您反映的情况部分属实。现将有关政策规定和处理情况说明如下，如有疑问可向{unit}咨询。",
        "您反映的问题涉及历史遗留原因，{unit}已向您解释相关政策，并将在条件具备时推进解决。",
    ],
    "not_supported": [
        "经调查核实，您的诉求缺乏事实和政策依据，不予支持。如不服，可自收到本意见之日起30日内申请复查。",
        "经核查，相关处理符合规定，您的诉求不予支持。",
    ],
}
# (reply kind, text): upholding the reply turns the petitioner's request down.
REVIEW_ANSWERS = [
    ("not_supported", "经复查，原处理意见认定事实清楚，适用政策正确，予以维持。"),
    ("supported", "经复查，原处理意见部分事实认定不清，已责成承办单位重新核实并补充答复。"),
]
REREVIEW_ANSWER = ("not_supported", "经复核，维持复查意见。本信访事项依法终结，不再受理。")
NOT_ACCEPT_LEGAL = {
    "litigation": "该事项属于人民法院生效裁判的执行问题，请依法向人民法院申请强制执行。",
    "arbitration": "该事项属于劳动争议，请依法向劳动人事争议仲裁委员会申请仲裁。",
    "admin_review": "该事项属于对行政处罚决定不服，请依法申请行政复议或提起行政诉讼。",
}
NOT_ACCEPT_REPEAT = (
    "同一信访事项已受理并在办理中（或已办结），信访人未提出新的事实和理由，不再重复受理。"
)
NOT_ACCEPT_OTHER = "信访人未能提供具体事实和线索，经联系无法补充，不予受理。"
# By whether the problem was actually solved.
FOLLOW_UP_NOTES = {
    True: ["电话回访，信访人表示问题已解决。", "上门回访，整改已完成，信访人表示认可。"],
    False: [
        "回访时信访人表示问题仍未彻底解决，已转交社区继续跟进。",
        "上门回访，信访人对处理结果表示理解，但实际问题尚未解决。",
    ],
}


def person_name(rng: random.Random) -> str:
    """Return a plausible Chinese name."""
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def id_number(rng: random.Random, birth_years: tuple[int, int] = (1945, 2000)) -> str:
    """Return a resident ID number with a valid birth date and check digit."""
    born = dt.date(rng.randint(*birth_years), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    first17 = f"{rng.choice(REGION_CODES)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_digit(first17)


def phone_number(rng: random.Random) -> str:
    """Return a mainland mobile number, or now and then a Hangzhou landline."""
    if rng.random() < 0.1:
        return f"0571-8{rng.randint(0, 9_999_999):07d}"
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99_999_999):08d}"


def address(rng: random.Random, pattern: str) -> str:
    """Return an address in a community written after its `pattern`."""
    return pattern.format(
        b=rng.randint(1, 28),
        u=rng.randint(1, 3),
        r=rng.randint(1, 18) * 100 + rng.randint(1, 4),
        g=rng.randint(1, 9),
        n=rng.randint(1, 120),
    )


def fill(text: str, rng: random.Random, place: str, addr: str) -> str:
    """Return a template's text with its blanks filled in."""
    return text.format(
        place=place,
        addr=addr,
        b=rng.randint(1, 28),
        n=rng.randint(3, 9),
        months=rng.randint(2, 8),
        years=rng.randint(2, 5),
        month=rng.randint(1, 12),
        amount=f"{rng.randint(30, 280) / 10:.1f}",
        pct=rng.choice([15, 20, 30]),
        sqm=rng.randint(12, 60),
        g=rng.randint(1, 9),
        road=rng.choice(ROADS),
        company=rng.choice(COMPANIES),
        developer=rng.choice(DEVELOPERS),
        site=rng.choice(SITES),
        shop=rng.choice(SHOPS),
    )
