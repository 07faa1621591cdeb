"""Cross-validate the petition router on the labelled Teddy Cup messages; print one JSON line.

    .venv/bin/python bench/routing_cv.py [--data FILE] [--folds 5] [--seed 0] [--latency 500]

Reads the message-board petitions (title and text, first-level category) from the shared
data directory, outside the repository, and scores xinfang.routing.ml by stratified k-fold
cross-validation. It then trains once on a stratified 80% and times predict_top on single
held-out petitions, one call each, as the intake form asks for suggestions. Fit seconds
are the mean per fold; ms_per_petition is batch prediction, latency_ms_* single calls.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from xinfang.routing import ml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "teddy2020c_messages_labelled.csv.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency", type=int, default=500, help="single predictions to time")
    args = parser.parse_args()

    texts, labels = ml.load_table(args.data, text_col="text", label_col="label", title_col="title")
    scores = ml.cross_validate(texts, labels, folds=args.folds, seed=args.seed)

    train_texts, train_labels, test_texts, _ = ml.holdout_split(texts, labels, seed=args.seed)
    model = ml.train(train_texts, train_labels)
    ml.predict_top(model, test_texts[0])  # the first call loads the jieba dictionary
    timings = []
    for text in test_texts[: args.latency]:
        start = time.perf_counter()
        ml.predict_top(model, text)
        timings.append((time.perf_counter() - start) * 1000)

    result = {
        "data": args.data.name,
        "labels": len(set(labels)),
        **scores,
        "suggestions_per_s": round(len(timings) / (sum(timings) / 1000), 1),
        "latency_ms_median": round(float(np.median(timings)), 2),
        "latency_ms_p95": round(float(np.percentile(timings, 95)), 2),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
