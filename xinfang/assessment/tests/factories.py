"""Schemes for tests: the county scheme's shape, for any year and level."""

from decimal import Decimal
from typing import Any

from xinfang.assessment.models import Scheme


def scheme(
    year: int = 2025,
    level: str = "community",
    *,
    total: str = "25",
    items: list[dict[str, Any]] | None = None,
    adjustments: list[tuple[str, str, str | None]] | None = None,
) -> Scheme:
    """Create a scheme: by default 及时受理率 ×5, 按期办结率 ×10 and a stepped 满意率 of 10."""
    made = Scheme.objects.create(
        name="测试考核办法", year=year, level=level, total=Decimal(total), basis="测试"
    )
    for sort, item in enumerate(
        items
        if items is not None
        else [
            {"kpi": "timely_acceptance_rate", "points": "5", "target": "1", "rule": "linear"},
            {"kpi": "on_time_rate", "points": "10", "target": "1", "rule": "linear"},
            {
                "kpi": "satisfaction_rate",
                "points": "10",
                "target": "0.9",
                "rule": "stepped",
                "step": "0.05",
                "step_points": "2",
                "floor": "0.5",
            },
        ]
    ):
        made.items.create(
            sort=sort,
            **{k: Decimal(v) if k not in ("kpi", "rule") else v for k, v in item.items()},
        )
    for source, each, cap in (
        adjustments
        if adjustments is not None
        else [
            ("accountability", "-2", None),
            ("repeat", "-1", None),
            ("major_incident", "-5", None),
        ]
    ):
        made.adjustments.create(
            source=source, points_each=Decimal(each), cap=Decimal(cap) if cap else None
        )
    return made
