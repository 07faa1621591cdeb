"""The early-warning endpoints: the cases similar to one case."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from xinfang.api.auth import api_user
from xinfang.api.schemas import ErrorOut, PetitionId
from xinfang.early_warnings import selectors
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
