from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_delete
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "xinfang.assessment"
    label = "assessment"
    verbose_name = _("考核评价")

    def ready(self) -> None:
        from xinfang.assessment.services import summary
        from xinfang.petitions import events

        # Every change of a case may move a figure: the summary counts it again.
        for kind in sorted(events.KINDS):
            events.subscribe(kind, summary.count_on_event)  # type: ignore[arg-type]
        events.subscribe_bulk(summary.count_written)
        pre_delete.connect(summary.count_deleted, sender="petitions.Petition")
        # A register the summary has never counted (an upgrade) is counted at migrate time,
        # not by the first reader.
        post_migrate.connect(_build_summary, sender=self)


def _build_summary(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from xinfang.assessment.models import KpiState
    from xinfang.assessment.services import summary

    # Not when migrating backwards past the summary's tables.
    if KpiState._meta.db_table in connections[using].introspection.table_names():
        summary.bring_up_to_date()
