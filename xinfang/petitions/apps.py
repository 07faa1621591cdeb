from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PetitionsConfig(AppConfig):
    name = "xinfang.petitions"
    label = "petitions"
    verbose_name = "信访事项"

    def ready(self) -> None:
        from xinfang.petitions import events, handlers
        from xinfang.petitions.fts import ensure_index
        from xinfang.petitions.workflow import Action

        events.subscribe(Action.INSTRUCT, handlers.notify_instruction)
        # After every migrate: altering the petition table on SQLite drops its triggers.
        post_migrate.connect(ensure_index, sender=self)
