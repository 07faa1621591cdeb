"""Seed one scheme modelled on a published county scheme (issue 7): the streets of 2026."""

from decimal import Decimal

from django.db import migrations

ITEMS = [
    # kpi, points, target, rule, floor: "rate × points" is linear with a target of 100 %.
    ("timely_acceptance_rate", "5", "1", "linear", None),
    ("on_time_rate", "10", "1", "linear", None),
    ("satisfaction_rate", "10", "1", "linear", None),
    ("rating_rate", "5", "1", "linear", None),
    # 包案化解率 ≥ 85 %: full points from 85 %, none below (its floor is its target's).
    ("leader_case_rate", "5", "0.85", "linear", "0.85"),
]
ADJUSTMENTS = [
    ("repeat", "-1", None),
    ("accountability", "-2", None),
    ("skip_level", "-2", None),
    ("major_incident", "-5", None),
    ("commendation", "1", "3"),
]


def seed(apps, schema_editor):
    Scheme = apps.get_model("assessment", "Scheme")
    scheme = Scheme.objects.create(
        name="街道信访工作目标管理考核办法",
        year=2026,
        level="street",
        total=Decimal("35"),
        basis=(
            "参照县级信访工作考核办法：及时受理率×5、按期答复率×10、满意率×10、参评率×5，"
            "包案化解率达85%得5分；每件重复信访扣1分，每件问责扣2分，每批越级集体访扣2分，"
            "每起重大群体性事件扣5分；受上级表彰或经验推广每项加1分，最多加3分。"
        ),
    )
    for sort, (kpi, points, target, rule, floor) in enumerate(ITEMS):
        scheme.items.create(
            kpi=kpi,
            points=Decimal(points),
            target=Decimal(target),
            rule=rule,
            floor=Decimal(floor) if floor else None,
            sort=sort,
        )
    for source, each, cap in ADJUSTMENTS:
        scheme.adjustments.create(
            source=source, points_each=Decimal(each), cap=Decimal(cap) if cap else None
        )


def unseed(apps, schema_editor):
    apps.get_model("assessment", "Scheme").objects.filter(year=2026, level="street").delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_schemes_accountability")]
    operations = [migrations.RunPython(seed, unseed)]
