"""Seed the statutory time limits and a default two-level category taxonomy.

Both are data: an office edits them in the admin.
"""

from django.db import migrations

TIME_LIMITS = [
    ("route", 15, False),
    ("objection", 5, True),
    ("handle", 60, False),
    ("extension_max", 30, False),
    ("review_request", 30, False),
    ("review_answer", 30, False),
    ("rereview_request", 30, False),
    ("rereview_answer", 30, False),
    ("follow_up_window", 90, False),
]

# (first level, [second level], legal channel hint, is accusation)
CATEGORIES = [
    (
        "城乡建设",
        ["征地拆迁", "城中村改造", "物业管理", "业主委员会", "房屋质量", "违章建筑", "市政设施"],
        "",
        False,
    ),
    ("劳动和社会保障", ["拖欠工资", "社会保险", "劳动合同", "退休待遇"], "", False),
    ("环境保护", ["噪声污染", "大气污染", "水污染", "垃圾处理"], "", False),
    ("民政与社会救助", ["低保救助", "养老服务", "残疾人帮扶"], "", False),
    ("邻里纠纷与婚姻家庭", ["邻里纠纷", "婚姻家庭"], "", False),
    ("教育文体", ["入学入托", "教育收费", "文体设施"], "", False),
    ("卫生健康", ["医疗纠纷", "公共卫生"], "", False),
    ("交通运输", ["道路交通", "公共交通", "停车管理"], "", False),
    ("商贸与市场监管", ["消费维权", "食品安全", "经营秩序"], "", False),
    (
        "涉法涉诉",
        ["法院判决执行", "劳动仲裁", "行政复议"],
        "属于诉讼、仲裁、行政复议等法定途径解决的事项，应引导信访人依法向人民法院、仲裁机构或复议机关提出。",
        False,
    ),
    ("检举控告", ["干部作风", "违纪违法"], "", True),
    ("其他", ["意见建议", "其他事项"], "", False),
]


def seed(apps, schema_editor):
    TimeLimitRule = apps.get_model("petitions", "TimeLimitRule")
    Category = apps.get_model("petitions", "Category")
    for key, days, working in TIME_LIMITS:
        TimeLimitRule.objects.get_or_create(
            key=key, defaults={"days": days, "working_days": working}
        )
    for i, (name, children, legal, accusation) in enumerate(CATEGORIES):
        parent, _ = Category.objects.get_or_create(
            parent=None,
            name=name,
            defaults={"sort": i, "legal_channel": legal, "is_accusation": accusation},
        )
        for j, child in enumerate(children):
            Category.objects.get_or_create(
                parent=parent,
                name=child,
                defaults={"sort": j, "legal_channel": legal, "is_accusation": accusation},
            )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
