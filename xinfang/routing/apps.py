from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "xinfang.routing"
    label = "routing"
    verbose_name = "智能分派"

    def ready(self) -> None:
        from xinfang.petitions import events
        from xinfang.petitions.workflow import Action
        from xinfang.routing import handlers

        events.subscribe("register", handlers.record_category_choice)
        events.subscribe(Action.ACCEPT, handlers.record_unit_choice)
