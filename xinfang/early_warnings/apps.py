from django.apps import AppConfig


class EarlyWarningsConfig(AppConfig):
    name = "xinfang.early_warnings"
    label = "early_warnings"
    verbose_name = "预警"

    def ready(self) -> None:
        from xinfang.early_warnings import handlers
        from xinfang.petitions import events

        events.subscribe("register", handlers.detect_on_register)
        for action in sorted(handlers.OWNER_MOVES):
            events.subscribe(action, handlers.owner_sync)
