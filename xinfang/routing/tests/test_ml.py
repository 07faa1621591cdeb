"""The routing classifier on its own: tables, training, suggestions, scores, files, rules.

Plain tests without a database. Most learn from generated petitions whose classes differ
only in their keywords; one reads a small extract of the real labelled messages, when the
shared data directory is there.
"""

import json
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import joblib
import pandas as pd
import pytest

from xinfang.routing import ml

THEMES = {
    "城乡建设": ["拆迁", "补偿款", "安置房", "征收", "宅基地", "棚改", "违建", "评估价"],
    "环境保护": ["噪音", "污染", "油烟", "排污", "异味", "扬尘", "污水", "夜间施工"],
    "劳动和社会保障": ["工资", "社保", "拖欠", "养老保险", "劳动合同", "农民工", "工伤", "失业金"],
}
PLACES = ["A市", "D5区", "K3县", "西湖街道", "幸福小区", "城南村"]
TEMPLATES = [
    "{place}的{a}问题一直没有解决，{b}也没有落实，希望尽快处理{c}。",
    "我是{place}居民，关于{a}和{b}，多次反映无果，请求有关部门调查{c}情况。",
    "尊敬的领导：{place}{a}严重，{b}和{c}的事情请领导关注，谢谢！",
]
REAL_DATA = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "data"
    / "teddy2020c_messages_labelled.csv.gz"
)


def petition(theme: str, rng: random.Random) -> str:
    """Return a made-up petition about `theme`."""
    a, b, c = rng.sample(THEMES[theme], 3)
    return rng.choice(TEMPLATES).format(place=rng.choice(PLACES), a=a, b=b, c=c)


def petitions(per_theme: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return `per_theme` made-up petitions of each theme and their labels."""
    rng = random.Random(seed)
    labels = [theme for _ in range(per_theme) for theme in THEMES]
    return [petition(theme, rng) for theme in labels], labels


@pytest.fixture(scope="module")
def model() -> ml.Model:
    return ml.train(*petitions(per_theme=20), created_at=datetime(2026, 3, 2, tzinfo=UTC))


def test_predict_top_ranks_the_labels_by_a_confidence_that_sums_to_at_most_one(
    model: ml.Model,
) -> None:
    text = "城南村拆迁的补偿款一直没有到位，安置房也没有着落。"

    top = ml.predict_top(model, text)

    assert top[0][0] == "城乡建设"
    confidences = [confidence for _, confidence in top]
    assert len(top) == 3 and confidences == sorted(confidences, reverse=True)
    assert all(0 <= c <= 1 for c in confidences) and sum(confidences) <= 1 + 1e-9
    assert confidences[0] > 0.5
    assert [label for label, _ in ml.predict_top(model, text, k=1)] == ["城乡建设"]


def test_predict_top_tells_the_themes_apart(model: ml.Model) -> None:
    texts, labels = petitions(per_theme=5, seed=1)

    predicted = [ml.predict_top(model, text)[0][0] for text in texts]

    assert predicted == labels


def test_the_model_records_what_it_was_trained_on(model: ml.Model) -> None:
    assert model.labels == sorted(THEMES)
    assert model.n_train == 60
    assert model.created_at == datetime(2026, 3, 2, tzinfo=UTC)
    assert model.metrics["skipped_labels"] == [] and model.metrics["fit_seconds"] > 0


def test_evaluate_returns_json_ready_scores_overall_and_per_label(model: ml.Model) -> None:
    texts, labels = petitions(per_theme=5, seed=2)

    scores = ml.evaluate(model, texts, labels)

    assert set(scores) == {"accuracy", "macro_f1", "n", "per_class", "ms_per_petition"}
    assert scores["n"] == 15 and scores["accuracy"] > 0.9 and scores["macro_f1"] > 0.9
    assert set(scores["per_class"]) == set(THEMES)
    assert set(scores["per_class"]["环境保护"]) == {"precision", "recall", "f1", "support"}
    assert scores["per_class"]["环境保护"]["support"] == 5
    assert scores["ms_per_petition"] > 0
    assert json.loads(json.dumps(scores)) == scores


def test_cross_validate_returns_mean_scores_over_the_folds() -> None:
    scores = ml.cross_validate(*petitions(per_theme=10), folds=3)

    assert scores["folds"] == 3 and scores["n"] == 30
    assert scores["accuracy"] > 0.9 and scores["macro_f1"] > 0.9


def test_a_model_of_two_labels_tells_them_apart() -> None:
    texts, labels = petitions(per_theme=10)
    pairs = [
        (t, label) for t, label in zip(texts, labels, strict=True) if label != "劳动和社会保障"
    ]

    model = ml.train([t for t, _ in pairs], [label for _, label in pairs])

    (top, confidence), (_, other) = ml.predict_top(model, "城南村拆迁的补偿款一直没有到位。")
    assert top == "城乡建设" and confidence > 0.5 and confidence + other == pytest.approx(1)


def test_training_leaves_out_a_label_with_a_single_text() -> None:
    texts, labels = petitions(per_theme=5)

    model = ml.train([*texts, "关于学校食堂的问题"], [*labels, "教育文体"])

    assert model.labels == sorted(THEMES) and model.n_train == 15
    assert model.metrics["skipped_labels"] == ["教育文体"]


def test_training_on_a_single_label_is_a_training_data_error() -> None:
    texts, _ = petitions(per_theme=3)

    with pytest.raises(ml.TrainingDataError, match="至少需要 2 个"):
        ml.train(texts, ["城乡建设"] * len(texts))


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    frame.to_csv(path, index=False)


def write_excel(path: Path, frame: pd.DataFrame) -> None:
    frame.to_excel(path, index=False)


TABLE_FORMATS: list[tuple[str, Callable[[Path, pd.DataFrame], None]]] = [
    ("table.csv", write_csv),
    ("table.csv.gz", write_csv),  # pandas compresses by the suffix
    ("table.xlsx", write_excel),
]


@pytest.fixture(params=TABLE_FORMATS, ids=[name for name, _ in TABLE_FORMATS])
def table(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[dict[str, list[str]]], Path]:
    """Return a function writing columns to a file of the parametrised format."""
    name, write = request.param

    def make(columns: dict[str, list[str]]) -> Path:
        path = tmp_path / name
        write(path, pd.DataFrame(columns))
        return path

    return make


def test_load_table_joins_the_title_and_drops_rows_without_text(
    table: Callable[[dict[str, list[str]]], Path],
) -> None:
    path = table(
        {
            "标题": ["路灯不亮", "", "噪音扰民"],
            "内容": ["卢阳大道路灯长期不亮", "工地夜间施工", " "],
            "分类": ["城乡建设", "007", "环境保护"],
        }
    )

    texts, labels = ml.load_table(path, text_col="内容", label_col="分类", title_col="标题")

    assert texts == ["路灯不亮。卢阳大道路灯长期不亮", "工地夜间施工"]
    assert labels == ["城乡建设", "007"]  # labels stay text: unit ids keep their zeros


def test_load_table_names_an_unknown_column_and_lists_the_ones_there(
    table: Callable[[dict[str, list[str]]], Path],
) -> None:
    path = table({"内容": ["甲", "乙"], "分类": ["A", "B"]})

    with pytest.raises(ml.TrainingDataError, match="正文") as error:
        ml.load_table(path, text_col="正文", label_col="分类")
    assert "内容" in str(error.value) and "分类" in str(error.value)


def test_load_table_needs_two_labels(table: Callable[[dict[str, list[str]]], Path]) -> None:
    path = table({"内容": ["甲", "乙", "丙"], "分类": ["A", "A", ""]})

    with pytest.raises(ml.TrainingDataError, match="至少需要 2 个不同的类别"):
        ml.load_table(path, text_col="内容", label_col="分类")


def test_load_table_needs_a_text(table: Callable[[dict[str, list[str]]], Path]) -> None:
    path = table({"内容": ["", " "], "分类": ["A", "B"]})

    with pytest.raises(ml.TrainingDataError, match="没有既有文本又有类别的行"):
        ml.load_table(path, text_col="内容", label_col="分类")


def test_load_table_reads_a_csv_saved_by_chinese_excel(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("内容,分类\n小区噪音扰民,环境保护\n拖欠工资,劳动和社会保障\n".encode("gbk"))

    assert ml.load_table(path, text_col="内容", label_col="分类") == (
        ["小区噪音扰民", "拖欠工资"],
        ["环境保护", "劳动和社会保障"],
    )


def test_load_table_refuses_an_unknown_file_type(tmp_path: Path) -> None:
    path = tmp_path / "table.json"
    path.write_text("[]")

    with pytest.raises(ml.TrainingDataError, match="不支持的文件类型"):
        ml.load_table(path, text_col="内容", label_col="分类")


def test_a_saved_model_loads_back_and_predicts_the_same(model: ml.Model, tmp_path: Path) -> None:
    path = tmp_path / "category-v1.joblib"
    text = "工厂排污，河里的污水有异味。"

    ml.save_model(model, path)
    loaded = ml.load_model(path)

    assert loaded.labels == model.labels and loaded.created_at == model.created_at
    assert ml.predict_top(loaded, text) == ml.predict_top(model, text)
    assert [p.name for p in tmp_path.iterdir()] == ["category-v1.joblib"]


@pytest.mark.parametrize(
    "content",
    [b"not a model", b"", None],
    ids=["garbage", "empty", "missing"],
)
def test_an_unreadable_model_file_is_a_model_load_error(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "model.joblib"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(ml.ModelLoadError):
        ml.load_model(path)


def test_a_file_holding_something_else_is_a_model_load_error(tmp_path: Path) -> None:
    path = tmp_path / "model.joblib"
    joblib.dump({"labels": ["A", "B"]}, path)

    with pytest.raises(ml.ModelLoadError, match="dict"):
        ml.load_model(path)


@pytest.mark.parametrize(
    ("new", "old", "tolerance", "expected"),
    [
        ({"macro_f1": 0.91, "accuracy": 0.90}, {"macro_f1": 0.90, "accuracy": 0.92}, 0.0, True),
        ({"macro_f1": 0.89, "accuracy": 0.95}, {"macro_f1": 0.90, "accuracy": 0.90}, 0.0, False),
        ({"macro_f1": 0.895, "accuracy": 0.8}, {"macro_f1": 0.90, "accuracy": 0.9}, 0.01, True),
        ({"macro_f1": 0.90, "accuracy": 0.91}, {"macro_f1": 0.90, "accuracy": 0.90}, 0.0, True),
        ({"macro_f1": 0.90, "accuracy": 0.89}, {"macro_f1": 0.90, "accuracy": 0.90}, 0.0, False),
        ({"macro_f1": 0.90, "accuracy": 0.90}, {"macro_f1": 0.90, "accuracy": 0.90}, 0.0, True),
    ],
    ids=["better-f1", "worse-f1", "within-tolerance", "tie-better-acc", "tie-worse-acc", "equal"],
)
def test_is_not_worse_judges_by_macro_f1_then_accuracy(
    new: dict[str, float], old: dict[str, float], tolerance: float, expected: bool
) -> None:
    assert ml.is_not_worse(new, old, tolerance=tolerance) is expected


def test_holdout_split_keeps_every_label_on_both_sides() -> None:
    texts, labels = petitions(per_theme=10)

    train_texts, train_labels, test_texts, test_labels = ml.holdout_split(texts, labels)

    assert Counter(test_labels) == {theme: 2 for theme in THEMES}
    assert Counter(train_labels) == {theme: 8 for theme in THEMES}
    assert sorted(train_texts + test_texts) == sorted(texts)


def test_holdout_split_falls_back_to_random_when_a_label_is_alone() -> None:
    texts, labels = petitions(per_theme=5)

    train_texts, _, test_texts, _ = ml.holdout_split([*texts, "独一条"], [*labels, "教育文体"])

    assert len(train_texts) == 12 and len(test_texts) == 4


@pytest.mark.skipif(not REAL_DATA.is_file(), reason="the shared data directory is not here")
def test_real_petitions_are_routed_well_from_a_small_extract() -> None:
    texts, labels = ml.load_table(REAL_DATA, text_col="text", label_col="label", title_col="title")
    # A stratified extract of 600 keeps the test fast and every category represented.
    _, _, texts, labels = ml.holdout_split(texts, labels, fraction=600 / len(texts), seed=1)
    train_texts, train_labels, test_texts, test_labels = ml.holdout_split(texts, labels)

    scores = ml.evaluate(ml.train(train_texts, train_labels), test_texts, test_labels)

    assert scores["n"] == 120 and scores["accuracy"] > 0.75
