from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "xinfang.common"
    label = "common"
    verbose_name = "通用"

    def ready(self) -> None:
        from xinfang.common import lookups  # noqa: F401  (registers the lookup)
