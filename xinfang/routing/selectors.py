"""Reads for routing: routers, training history, rules, and how suggestions fare in use."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Func, Q, QuerySet, Value
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from xinfang.common.errors import NotFound
from xinfang.organization.models import Unit
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.workflow import CONCLUDED_STATUSES, OFFICE_ROLES
from xinfang.routing.models import KeywordRule, Kind, RouterModel, SuggestionRecord, routing_memo

# The petition column each router learns to predict.
LABEL_FIELDS = {Kind.CATEGORY: "category_id", Kind.UNIT: "handling_unit_id"}


def active_router(kind: Kind) -> RouterModel | None:
    """Return the router in use for `kind`, or None before the first training."""
    return routing_memo.get(  # type: ignore[no-any-return]
        ("router", kind), lambda: RouterModel.objects.filter(kind=kind, is_active=True).first()
    )


def router_for_evaluation(kind: Kind, version: int | None) -> RouterModel:
    """Return router `version` of `kind`, or the active one when `version` is None."""
    if version is None:
        router = active_router(kind)
        if router is None:
            raise NotFound(_("尚未训练模型，请管理员运行 routing train。"))
        return router
    router = RouterModel.objects.filter(kind=kind, version=version).first()
    if router is None:
        raise NotFound(_("没有版本为 %(v)s 的模型。") % {"v": version})
    return router


def training_history(kind: Kind, limit: int) -> list[tuple[str, str, int]]:
    """Return (title, content, label) of the `limit` newest concluded petitions labelled for `kind`."""
    field = LABEL_FIELDS[kind]
    petitions = Petition.objects.filter(**{f"{field}__isnull": False})
    if connection.vendor == "sqlite":
        # SQLite would read all concluded petitions through the status index and sort
        # them; compared as an expression, the status is checked while walking the
        # registration-time index newest first, which stops after `limit` rows.
        # PostgreSQL plans from the statistics it keeps of the status, so it is not bent.
        state = Func(F("status"), Value(""), function="", arg_joiner=" || ")
        petitions = petitions.alias(state=state).filter(state__in=CONCLUDED_STATUSES)
    else:
        petitions = petitions.concluded()
    return list(
        petitions.order_by("-registered_at", "-pk").values_list("title", "content", field)[:limit]
    )


def unrecorded_choices(
    kind: Kind, since: dt.datetime
) -> list[tuple[int, str, str, int, dt.datetime]]:
    """Return (pk, title, content, chosen, registered_at) of petitions with no record of `kind`."""
    field = LABEL_FIELDS[kind]
    recorded = SuggestionRecord.objects.filter(kind=kind).values("petition_id")
    return list(
        Petition.objects.filter(registered_at__gte=since, **{f"{field}__isnull": False})
        .exclude(pk__in=recorded)
        .order_by("pk")
        .values_list("pk", "title", "content", field, "registered_at")
    )


def keyword_rules(kind: Kind) -> list[KeywordRule]:
    """Return the active keyword rules of `kind`."""
    return routing_memo.get(  # type: ignore[no-any-return]
        ("rules", kind), lambda: list(KeywordRule.objects.filter(kind=kind, is_active=True))
    )


def target_names(
    kind: Kind, labels: list[str], *, choosable: bool = True
) -> dict[str, tuple[int, str]]:
    """Return {label: (pk, name)} of the categories or units the labels name, by pk or name.

    A router trained on the office's history speaks in primary keys; one trained on an
    imported file speaks in names. With `choosable`, only the categories a registrar can
    pick (active, second level) are named.
    """
    pks = [int(label) for label in labels if label.isdigit()]
    names = [label for label in labels if not label.isdigit()]
    rows: QuerySet[Category] | QuerySet[Unit]
    if kind == Kind.CATEGORY:
        rows = Category.objects.all()
        if choosable:
            rows = rows.filter(is_active=True, parent__isnull=False)
    else:
        rows = Unit.objects.all()
    found = {}
    for pk, name in rows.filter(Q(pk__in=pks) | Q(name__in=names)).values_list("pk", "name"):
        found[str(pk)] = (pk, name)
        found.setdefault(name, (pk, name))
    return found


# Who reads the suggestion figures: the office, and the auditors above it.
ACCEPTANCE_ROLES = OFFICE_ROLES | {"auditor"}


@dataclass(frozen=True)
class Rate:
    """How many suggestion lists were shown, and in how many the first one was taken."""

    label: str
    shown: int
    accepted: int

    @property
    def rate(self) -> float | None:
        return self.accepted / self.shown if self.shown else None


@dataclass(frozen=True)
class Acceptance:
    kind: Kind
    total: Rate
    by_month: list[Rate]
    by_target: list[Rate]


def acceptance(kind: Kind, *, since: dt.datetime | None = None) -> Acceptance:
    """Return the accepted-as-suggested rate of `kind` overall, by month and by chosen target."""
    records = SuggestionRecord.objects.filter(kind=kind)
    if since is not None:
        records = records.filter(created_at__gte=since)
    counts = {"shown": Count("pk"), "accepted": Count("pk", filter=Q(accepted_top1=True))}
    months = (
        records.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(**counts)
        .order_by("month")
    )
    targets = records.values("chosen").annotate(**counts).order_by("-shown", "chosen")
    by_target = list(targets)
    chosen = [row["chosen"] for row in by_target if row["chosen"]]
    names = target_names(kind, chosen, choosable=False)
    return Acceptance(
        kind=kind,
        total=Rate("", **records.aggregate(**counts)),
        by_month=[Rate(f"{row['month']:%Y-%m}", row["shown"], row["accepted"]) for row in months],
        by_target=[
            Rate(
                names[row["chosen"]][1] if row["chosen"] in names else row["chosen"] or "—",
                row["shown"],
                row["accepted"],
            )
            for row in by_target
        ],
    )
