"""Early-warning fixtures: texts of one matter in many people's words, and unrelated ones."""

import datetime as dt
from typing import Any

from xinfang.petitions.inputs import PetitionerData
from xinfang.petitions.tests.factories import register, travel

# One matter (the owners' committee election) as different people put it.
ELECTION = [
    "湖滨花园小区业委会换届选举未公示候选人名单，请求街道督促重新组织选举。",
    "湖滨花园小区业委会换届选举没有公示候选人名单，要求街道重新组织选举。",
    "反映湖滨花园小区业委会换届选举未公示候选人名单，请街道督促依法重新选举。",
    "湖滨花园业委会换届选举候选人名单未公示，请求街道督促重新组织。",
    "湖滨花园小区业委会换届选举程序违规，未公示候选人名单，请求重新组织选举。",
    "湖滨花园小区业委会换届未公示候选人名单，请求街道督促重新组织换届选举。",
    "湖滨花园小区业委会换届选举未公示候选人名单，要求重新选举。",
]
UNRELATED = [
    "小区门口垃圾站臭气扰民，请求搬迁。",
    "邻居装修噪音影响休息。",
    "物业公司乱收停车费。",
    "开发商延期交房要求赔偿违约金。",
    "楼上漏水多次协商未果。",
    "工地夜间施工噪音扰民。",
]
START = dt.date(2026, 3, 2)


def petition_by(street: Any, person: int, content: str, day: dt.date, **overrides: Any) -> Any:
    """Register `content` for person number `person` at 湖滨花园 on `day`."""
    overrides.setdefault("community_id", street.lakeside.pk)
    with travel(day):
        return register(
            street.registrar,
            title=content[:12],
            content=content,
            petitioners=[PetitionerData(name=f"居民{person}", phone=f"1390000{person:04d}")],
            **overrides,
        )
