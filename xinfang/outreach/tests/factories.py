"""Publicity events and trainings recorded through the services, for the tests."""

import datetime as dt
from typing import Any

from xinfang.outreach import services

DAY = dt.date(2026, 3, 2)

# Unlawful conduct at a petition, as the office writes it down.
CONDUCT = {
    "conduct": "在街道办事处大厅拉横幅、堵塞通道",
    "occurred_on": DAY,
    "place": "街道办事处大厅",
    "legal_basis": "《信访工作条例》第二十六条",
    "measure": "劝导后离开，予以训诫",
    "measure_by": "派出所民警李某",
}


def event(actor: Any, unit: Any, **overrides: Any) -> Any:
    """Record a publicity event of `unit` as `actor`."""
    data = {
        "held_on": DAY,
        "place": "湖滨花园广场",
        "form": "square",
        "audience": 40,
        "materials": "《信访工作条例》宣传册200份",
        "owner_unit_id": unit.pk,
    } | overrides
    return services.event_save(actor=actor, data=data)


def training(actor: Any, unit: Any, attendance: dict[int, bool], **overrides: Any) -> Any:
    """Record a training of `unit` as `actor` with `attendance` (user id → came)."""
    data = {
        "topic": "《信访工作条例》解读",
        "trainer": "区信访局王科长",
        "held_on": DAY,
        "place": "街道三楼会议室",
        "owner_unit_id": unit.pk,
    } | overrides
    return services.training_save(actor=actor, data=data, attendance=attendance)
