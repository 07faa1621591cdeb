from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "xinfang.outreach"
    label = "outreach"
    verbose_name = "宣传培训与行为规范"

    def ready(self) -> None:
        from xinfang.outreach import labels

        labels.install()
