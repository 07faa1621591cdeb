"""Generated routing data: petitions of three kinds of trouble, told apart by their words."""

import datetime as dt
import random
from typing import Any

import factory
from django.utils import timezone

from xinfang.petitions.models import Channel, Petition
from xinfang.petitions.workflow import Status
from xinfang.routing import services
from xinfang.routing.models import KeywordRule, Kind, RouterModel

# Each theme has its own vocabulary; the filler is shared, so a router must learn words.
THEMES = {
    "property": ["物业", "电梯", "保洁", "停车位", "业委会", "维修基金", "漏水", "门禁"],
    "demolition": ["拆迁", "补偿款", "安置房", "征收", "评估价", "过渡费", "宅基地", "签约"],
    "environment": ["噪音", "油烟", "垃圾", "污水", "异味", "排放", "扬尘", "夜间施工"],
}
FILLER = ["我们", "小区", "居民", "反映", "希望", "尽快", "解决", "问题", "多次", "街道", "请求"]


def theme_text(theme: str, rng: random.Random) -> str:
    """Return a made-up petition about `theme`."""
    words = rng.sample(THEMES[theme], 3) + rng.sample(FILLER, 4)
    rng.shuffle(words)
    return "，".join(words) + "。"


def theme_table(per_theme: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return texts and their theme labels, `per_theme` of each, interleaved."""
    rng = random.Random(seed)
    rows = [(theme_text(t, rng), t) for _ in range(per_theme) for t in THEMES]
    return [text for text, _ in rows], [label for _, label in rows]


def about(theme: str, extra: str = "") -> str:
    """Return a fixed petition text about `theme`, with `extra` appended."""
    return theme_text(theme, random.Random(7)) + extra


def train(kind: Kind, targets: dict[str, Any]) -> RouterModel:
    """Train and activate a router that sends each theme to its target."""
    texts, themes = theme_table(per_theme=10)
    labels = [str(targets[t].pk) for t in themes]
    return services.router_train(
        kind=kind, texts=texts, labels=labels, source=RouterModel.Source.FILE
    ).router


def concluded_petition(street: Any, **fields: Any) -> Petition:
    """Insert a closed petition directly; routing reads only its text and labels."""
    moment = timezone.make_aware(dt.datetime(2026, 3, 2, 10))
    defaults = {
        "registered_unit": street.street,
        "owner_unit": fields.get("handling_unit") or street.street,
        "registered_by": street.registrar,
        "channel": Channel.LETTER,
        "registered_at": moment,
        "route_due": moment.date(),
        "status": Status.CLOSED,
    }
    return Petition.objects.create(**(defaults | fields))


class KeywordRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeywordRule

    kind = Kind.CATEGORY
    keyword = "拆迁"
    target = "1"
    mode = KeywordRule.Mode.BOOST
