from django.core.management import call_command
from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    # The rate limits' counters (settings.CACHES["ratelimit"]); a no-op when it exists.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="OneTimeCode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("phone", models.CharField(max_length=20, verbose_name="手机号")),
                (
                    "purpose",
                    models.CharField(
                        choices=[("submit", "网上信访")], max_length=20, verbose_name="用途"
                    ),
                ),
                ("code_hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(verbose_name="发送时间")),
                ("expires_at", models.DateTimeField(verbose_name="失效时间")),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="错误次数")),
                ("used_at", models.DateTimeField(blank=True, null=True, verbose_name="使用时间")),
                ("voided_at", models.DateTimeField(blank=True, null=True, verbose_name="作废时间")),
            ],
            options={
                "verbose_name": "短信验证码",
                "verbose_name_plural": "短信验证码",
                "indexes": [
                    models.Index(fields=["phone", "purpose", "-created_at"], name="otp_phone_time")
                ],
            },
        ),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
