"""The early-warning endpoints: the cases similar to one case, and the hot issues."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from xinfang.api.auth import api_user
from xinfang.api.errors import InvalidFields
from xinfang.api.schemas import ErrorOut, PetitionId
from xinfang.common import clock
from xinfang.early_warnings import rules, selectors
from xinfang.petitions.access import access_petition

router = Router(tags=["early-warnings"])


class SimilarQuery(Schema):
    limit: int = Field(10, ge=1, le=selectors.MAX_LIMIT)


class SimilarOut(Schema):
    id: int
    number: str
    title: str
    score: float = Field(description="0–1：文本相似度（MinHash 估计的 Jaccard）与同一地点的加权和")
    reasons: list[str]


class SimilarListOut(Schema):
    results: list[SimilarOut]


@router.get(
    "/petitions/{petition_id}/similar",
    response={200: SimilarListOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
)
def petition_similar(
    request: HttpRequest, petition_id: PetitionId, query: Query[SimilarQuery]
) -> SimilarListOut:
    """Return the cases on the same matter as this one that the user may see, best first."""
    user = api_user(request)
    petition = access_petition(user, petition_id)
    found = selectors.similar_petitions(user, petition, limit=query.limit)
    return SimilarListOut(
        results=[
            SimilarOut(
                id=s.petition.pk,
                number=s.petition.number,
                title=s.petition.title,
                score=s.match.score,
                reasons=s.reasons,
            )
            for s in found
        ]
    )


class HotIssuesQuery(Schema):
    start: dt.date | None = Field(None, description="登记日期起（含），默认为 end 前 30 天")
    end: dt.date | None = Field(None, description="登记日期止（含），默认为今天")
    unit: int | None = Field(None, description="只看该单位及其下级单位的信访事项")


class HotCaseOut(Schema):
    id: int
    number: str
    title: str
    registered_at: dt.datetime


class HotIssueOut(Schema):
    title: str = Field(description="组内与其他事项最相似的一件的标题")
    size: int = Field(description="事项件数")
    people: int = Field(description="信访人数（信访人与代表去重，匿名事项每件计 1 人）")
    place: str = Field(description="多数事项所在的社区，无社区时为最常见的地址")
    first: dt.datetime
    last: dt.datetime
    hot_index: float = Field(
        description=(
            f"热度指数 H = (P + 0.5·(N − P)) · 2^(−d/{rules.HOT_HALF_LIFE_DAYS})："
            "P 为人数，N 为件数，d 为末件至期末（或现在）的天数"
        )
    )
    petitions: list[HotCaseOut]


class HotIssuesOut(Schema):
    start: dt.date
    end: dt.date
    results: list[HotIssueOut]


@router.get(
    "/hot-issues",
    response={200: HotIssuesOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
)
def hot_issues(request: HttpRequest, query: Query[HotIssuesQuery]) -> HotIssuesOut:
    """Return the groups of cases on one matter the user may see, most people first."""
    user = api_user(request)
    if query.start and query.end and query.end < query.start:
        raise InvalidFields({"end": [_("结束日期不能早于开始日期。")]})
    start, end = selectors.hot_period(query.start, query.end, clock.today())
    unit = selectors.hot_unit(user, query.unit)
    return HotIssuesOut(
        start=start,
        end=end,
        results=[
            HotIssueOut(
                title=h.group.title,
                size=h.size,
                people=h.group.people,
                place=h.place,
                first=h.group.first,
                last=h.group.last,
                hot_index=h.group.hot_index,
                petitions=[
                    HotCaseOut(
                        id=c.petition_id,
                        number=h.numbers[c.petition_id],
                        title=c.title,
                        registered_at=c.at,
                    )
                    for c in h.group.cases
                ],
            )
            for h in selectors.hot_issues_for_user(user, start, end, unit)
        ],
    )
