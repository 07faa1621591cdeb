"""Training and versioning the routers; suggesting at intake and recording the choice.

A new router is trained on a stratified split of the data and scored, together with the
router in use, on the held-out part; it goes live only if it is not worse there, so a
retraining on noisy history never degrades what registrars see. Suggesting never fails
intake: without a usable router it returns no suggestions and a hint for the administrator.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.common import clock
from xinfang.common.errors import ValidationFailed
from xinfang.petitions.models import Petition
from xinfang.routing import ml, selectors
from xinfang.routing.models import KeywordRule, Kind, RouterModel, SuggestionRecord

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainResult:
    router: RouterModel
    metrics: dict[str, Any]
    previous_metrics: dict[str, Any] | None

    @property
    def activated(self) -> bool:
        return self.router.is_active


def petition_text(title: str, content: str) -> str:
    """Return the text a router reads for a petition."""
    # Joined as ml.load_table joins a file's title and text, so that a router trained on
    # an imported file reads petitions the way it read its training rows.
    return f"{title}。{content}" if title else content


def history_table(kind: Kind, max_cases: int | None = None) -> tuple[list[str], list[str]]:
    """Return the texts and labels of the newest concluded petitions for `kind`.

    At most `max_cases` are read, ROUTING_MAX_CASES by default: the newest speak the
    office's current categories and units, and the bound keeps a retraining to minutes.
    """
    limit = settings.ROUTING_MAX_CASES if max_cases is None else max_cases
    rows = selectors.training_history(kind, limit)
    texts = [petition_text(title, content) for title, content, _label in rows]
    return texts, [str(label) for _title, _content, label in rows]


def model_path(router: RouterModel) -> Path:
    """Return the absolute path of a router's file."""
    return Path(settings.ROUTING_MODEL_DIR) / router.file


def load(router: RouterModel) -> ml.Model:
    """Return the classifier of `router`; raise ml.ModelLoadError if its file is unusable."""
    return ml.load_model(model_path(router))


def router_train(
    *, kind: Kind, texts: list[str], labels: list[str], source: RouterModel.Source
) -> TrainResult:
    """Train a router of `kind`, store it as the next version, and activate it if not worse."""
    if not texts:
        raise ml.TrainingDataError(
            _("没有可用于训练的样本：尚无已办结且已分类（或已指定承办单位）的事项")
        )
    train_texts, train_labels, test_texts, test_labels = ml.holdout_split(texts, labels)
    model = ml.train(train_texts, train_labels)
    metrics = ml.evaluate(model, test_texts, test_labels)
    previous = _incumbent_metrics(kind, test_texts, test_labels)
    activate = previous is None or ml.is_not_worse(metrics, previous)
    if activate:
        # The held-out fifth has done its work of judging the method; the router put in
        # use learns from every row, and keeps the scores of the judgement.
        model = ml.train(texts, labels)
    with transaction.atomic():
        # Locking the kind's rows keeps two trainings from writing the same version's file.
        versions = RouterModel.objects.select_for_update().filter(kind=kind)
        version = max(versions.values_list("version", flat=True), default=0) + 1
        router = RouterModel(
            kind=kind,
            version=version,
            file=f"{kind}-v{version}.joblib",
            trained_at=clock.now(),
            n_train=model.n_train,
            metrics=metrics,
            source=source,
            is_active=activate,
        )
        model_path(router).parent.mkdir(parents=True, exist_ok=True)
        ml.save_model(model, model_path(router))
        if activate:
            RouterModel.objects.filter(kind=kind, is_active=True).update(is_active=False)
        router.save()
    return TrainResult(router=router, metrics=metrics, previous_metrics=previous)


def routers_retrain() -> dict[Kind, TrainResult | str]:
    """Retrain every router on the office's history; a kind with too little says why.

    The night's work: first the choices of the day are measured against the routers that
    made them, then each router is retrained and replaces the old one only if not worse.
    """
    results: dict[Kind, TrainResult | str] = {}
    since = clock.now() - dt.timedelta(days=RECORD_LOOKBACK_DAYS)
    for kind in Kind:
        record_history(kind=kind, since=since)
        texts, labels = history_table(kind)
        try:
            results[kind] = router_train(
                kind=kind, texts=texts, labels=labels, source=RouterModel.Source.DB
            )
        except ml.TrainingDataError as e:
            logger.warning("routing: %s router not retrained: %s", kind, e)
            results[kind] = str(e)
    return results


@transaction.atomic
def router_activate(*, router: RouterModel) -> RouterModel:
    """Put `router` in use instead of its kind's active one, e.g. to roll a training back."""
    try:
        load(router)
    except ml.ModelLoadError as e:
        raise ValidationFailed(_("模型文件无法读取，不能启用：%(e)s") % {"e": e}) from e
    RouterModel.objects.select_for_update().filter(kind=router.kind, is_active=True).exclude(
        pk=router.pk
    ).update(is_active=False)
    router.is_active = True
    router.save(update_fields=["is_active"])
    return router


def _incumbent_metrics(kind: Kind, texts: list[str], labels: list[str]) -> dict[str, Any] | None:
    router = selectors.active_router(kind)
    if router is None:
        return None
    try:
        model = load(router)
    except ml.ModelLoadError:
        # A router that cannot be read serves nobody; any new one is better.
        logger.error("routing: active %s model file %s is unusable", kind, router.file)
        return None
    return ml.evaluate(model, texts, labels)


def router_evaluate(
    *, kind: Kind, texts: list[str], labels: list[str], version: int | None = None
) -> dict[str, Any]:
    """Return the scores of router `version` (the active one by default) on a labelled set."""
    router = selectors.router_for_evaluation(kind, version)
    return {"version": router.version, **ml.evaluate(load(router), texts, labels)}


# Below this confidence the top suggestion is shown but not pre-selected: the registrar
# decides, rather than confirming a guess with one key.
THRESHOLD = 0.35
# The nightly retraining first records the choices of the last week not yet recorded.
RECORD_LOOKBACK_DAYS = 7
TOP = 3
BOOST = 0.3
# Predictions read beyond the top 3, so that labels no longer choosable can be dropped.
CANDIDATES = 10


@dataclass(frozen=True)
class Suggestion:
    target_id: int
    name: str
    confidence: float
    by_rule: bool = False


@dataclass(frozen=True)
class Suggestions:
    """The top suggestions of one router for one text; `hint` says why there are none."""

    kind: Kind
    items: list[Suggestion]
    model_version: int | None = None
    hint: str = ""

    @property
    def preselect(self) -> int | None:
        """Return the target to pre-select, or None when the best is not confident enough."""
        if self.items and self.items[0].confidence >= THRESHOLD:
            return self.items[0].target_id
        return None

    def as_json(self) -> list[dict[str, Any]]:
        return [
            {
                "id": s.target_id,
                "name": s.name,
                "confidence": round(s.confidence, 3),
                "by_rule": s.by_rule,
            }
            for s in self.items
        ]


# Loaded routers by kind, keyed by the row they were loaded for; None marks a file that
# failed to load, so that a corrupt file alerts once rather than at every keystroke.
_loaded: dict[Kind, tuple[tuple[int, dt.datetime], ml.Model | None]] = {}


def _active_model(kind: Kind) -> tuple[RouterModel | None, ml.Model | None]:
    router = selectors.active_router(kind)
    if router is None:
        return None, None
    key = (router.version, router.trained_at)
    cached = _loaded.get(kind)
    if cached is None or cached[0] != key:
        try:
            model: ml.Model | None = load(router)
        except ml.ModelLoadError:
            logger.error(
                "routing: %s model v%s (%s) is unusable", kind, router.version, router.file
            )
            model = None
        cached = _loaded[kind] = (key, model)
    return router, cached[1]


def _scores(kind: Kind, model: ml.Model | None, text: str) -> tuple[dict[str, float], set[str]]:
    scores: dict[str, float] = {}
    if model is not None:
        try:
            scores = dict(ml.predict_top(model, text, k=CANDIDATES))
        except Exception:
            # A file that loads but cannot predict (e.g. saved by another scikit-learn)
            # must cost the registrar the suggestions, not the intake form.
            logger.exception("routing: %s model failed to predict", kind)
    overridden: set[str] = set()
    for rule in selectors.keyword_rules(kind):
        if not rule.keyword or rule.keyword not in text or rule.target in overridden:
            continue
        if rule.mode == KeywordRule.Mode.OVERRIDE:
            scores[rule.target] = 1.0
            overridden.add(rule.target)
        else:
            scores[rule.target] = min(1.0, scores.get(rule.target, 0.0) + BOOST)
    return scores, overridden


def suggest(kind: Kind, title: str, content: str) -> Suggestions:
    """Return the top suggestions for a petition's text, keyword rules applied; never raise."""
    text = petition_text(title, content)
    router, model = _active_model(kind)
    scores, overridden = _scores(kind, model, text)
    names = selectors.target_names(kind, list(scores)) if scores else {}
    ranked = sorted(
        (label for label in scores if label in names),
        key=lambda label: (label not in overridden, -scores[label]),
    )
    items: list[Suggestion] = []
    for label in ranked:
        pk, name = names[label]
        if len(items) < TOP and all(s.target_id != pk for s in items):
            items.append(Suggestion(pk, name, scores[label], by_rule=label in overridden))
    if router is None:
        hint = _("尚未训练模型，请管理员运行 routing train")
    elif model is None:
        hint = _("模型文件无法读取，请管理员重新运行 routing train")
    else:
        hint = ""
    return Suggestions(
        kind=kind,
        items=items,
        model_version=router.version if model and router else None,
        hint=hint,
    )


def _record(
    petition_id: int, kind: Kind, suggestions: Suggestions, chosen: int | None, at: dt.datetime
) -> SuggestionRecord:
    return SuggestionRecord(
        petition_id=petition_id,
        kind=kind,
        suggested=suggestions.as_json(),
        chosen="" if chosen is None else str(chosen),
        accepted_top1=chosen == suggestions.items[0].target_id,
        model_version=suggestions.model_version,
        created_at=at,
    )


def record_choice(
    *, petition: Petition, kind: Kind, suggestions: Suggestions, chosen: int | None
) -> SuggestionRecord | None:
    """Record what the registrar chose against what was suggested; nothing if none was."""
    if not suggestions.items:
        return None
    record = _record(petition.pk, kind, suggestions, chosen, clock.now())
    record.save()
    return record


def record_history(*, kind: Kind, since: dt.datetime) -> int:
    """Record the choices made since `since` that no one recorded, against today's suggestions.

    This measures petitions whose choice was not recorded as it was made, such as units,
    which are chosen when a case is assigned, after intake. Run before a retraining, the
    suggestions are those of the router that was in use when the choice was made.
    """
    records = []
    for pk, title, content, chosen, registered_at in selectors.unrecorded_choices(kind, since):
        suggestions = suggest(kind, title, content)
        if suggestions.items:
            records.append(_record(pk, kind, suggestions, chosen, registered_at))
    SuggestionRecord.objects.bulk_create(records)
    return len(records)
