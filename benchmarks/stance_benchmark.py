"""Train the default ``stance train`` recipe on one labelled CSV, score it on another, and time the training.

    python benchmarks/stance_benchmark.py --train TRAIN.csv --test TEST.csv --text-column Tweet \\
        --label-column Stance --target-column Target --metric f_avg --positive-labels FAVOR,AGAINST [--time-budget 90]

Prints the chosen settings, the test metric, the per-label F1 and the training time (reading, search and final
fit). ``--compare`` also trains three reference models on the same data: a plain per-target TF-IDF (word 1-3 and
char 2-5 n-grams) + logistic regression with C chosen by 5-fold cross-validation (a global model of the same kind
scores targets it has no model for), one model that ignores the targets, and the target model with the default
settings (no search). Nothing here knows about any particular data set: any CSVs with these columns work.
"""

from __future__ import annotations

import argparse
import time
from typing import Any, Callable

import numpy as np

from stance.data import LabelledData
from stance.evaluation import build_report, default_positive_labels
from stance.training import DEFAULT_TIME_BUDGET, fit_with_report, read_training_data

Scorer = Callable[[list[str], list[Any]], list[str]]


def main() -> None:
    """Train, score, print."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--target-column", default=None)
    parser.add_argument("--metric", choices=("macro_f1", "f_avg"), default="macro_f1")
    parser.add_argument("--positive-labels", type=lambda value: value.split(","), default=None)
    parser.add_argument("--time-budget", type=float, default=DEFAULT_TIME_BUDGET)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare", action="store_true", help="also train the three reference models")
    args = parser.parse_args()

    start = time.perf_counter()
    train = read_training_data(args.train, args.text_column, args.label_column, target_column=args.target_column)
    model, report = fit_with_report(train, text_column=args.text_column, target_column=args.target_column,
                                    search=args.time_budget > 0, time_budget=args.time_budget, metric=args.metric,
                                    positive_labels=args.positive_labels, random_state=args.seed)
    seconds = time.perf_counter() - start
    test = read_training_data(args.test, args.text_column, args.label_column, target_column=args.target_column)
    positive = args.positive_labels or default_positive_labels(sorted(set(train.labels)))
    scored = score(test, lambda texts, targets: model.predictor_.predict(texts, targets), positive, args.target_column)
    if report.selection:
        changes = ", ".join(f"{k}={v}" for k, v in report.selection["changes"].items()) or "the default recipe"
        print(f"chosen: {changes} ({len(report.selection['candidates'])} candidates, "
              f"cross-validated {args.metric} {report.selection['score']:.4f})")
    print(f"train: {len(train)} rows, test: {len(test)} rows; positive labels: {', '.join(positive)}")
    print(f"test {args.metric}: {100 * getattr(scored, args.metric):.2f}   macro-F1: {100 * scored.macro_f1:.2f}   "
          f"F_avg: {100 * scored.f_avg:.2f}   training time: {seconds:.1f} s")
    print("per-label F1: " + "   ".join(f"{label} {100 * s['f1']:.2f}" for label, s in scored.per_class.items()))
    if args.compare:
        compare(train, test, positive, args)


def score(data: LabelledData, predict: Scorer, positive: list[str], target_column: str | None) -> Any:
    """The evaluation report of ``predict`` on labelled data (targets passed when there is a target column)."""
    targets = [t or None for t in data.extra[target_column]] if target_column else [None] * len(data)
    labels = predict(data.texts, targets)
    classes = sorted(set(data.labels) | set(labels))
    proba = np.asarray([[float(label == c) for c in classes] for label in labels])
    return build_report(data.texts, data.labels, proba, classes, positive_labels=positive)


def compare(train: LabelledData, test: LabelledData, positive: list[str], args: argparse.Namespace) -> None:
    """Train and score the reference models, one line each."""
    print(f"\n{'model':<58} {'F_avg':>6} {'macro-F1':>8} {'seconds':>8}")
    references: list[tuple[str, Callable[[], Scorer]]] = [
        ("per-target TF-IDF word 1-3 + char 2-5, LR, C by 5-fold CV", lambda: per_target_baseline(train, args)),
        ("one model, target ignored (default settings)", lambda: stance_model(train, args, with_targets=False)),
        ("targets, default settings (no search)", lambda: stance_model(train, args, with_targets=True)),
    ]
    for name, fit in references:
        start = time.perf_counter()
        predict = fit()
        seconds = time.perf_counter() - start
        result = score(test, predict, positive, args.target_column)
        print(f"{name:<58} {100 * result.f_avg:6.2f} {100 * result.macro_f1:8.2f} {seconds:8.1f}")


def stance_model(train: LabelledData, args: argparse.Namespace, with_targets: bool) -> Scorer:
    """The stance recipe with its default settings, with or without the target column."""
    target_column = args.target_column if with_targets else None
    model, _ = fit_with_report(train, text_column=args.text_column, target_column=target_column, search=False,
                               random_state=args.seed)
    return lambda texts, targets: model.predictor_.predict(texts, targets if with_targets else None)


def per_target_baseline(train: LabelledData, args: argparse.Namespace) -> Scorer:
    """One TF-IDF + logistic regression per target (C by cross-validated metric), and one global model for the rest."""
    targets = [t or None for t in train.extra[args.target_column]] if args.target_column else [None] * len(train)
    models = {None: _tfidf_lr(train.texts, train.labels, args)}
    for target in sorted({t for t in targets if t is not None}):
        rows = [i for i, t in enumerate(targets) if t == target]
        models[target] = _tfidf_lr([train.texts[i] for i in rows], [train.labels[i] for i in rows], args)

    def predict(texts: list[str], text_targets: list[Any]) -> list[str]:
        labels = [""] * len(texts)
        for target in set(text_targets):
            rows = [i for i, t in enumerate(text_targets) if t == target]
            for i, label in zip(rows, models.get(target, models[None]).predict([texts[i] for i in rows])):
                labels[i] = str(label)
        return labels

    return predict


def _tfidf_lr(texts: list[str], labels: list[str], args: argparse.Namespace) -> Any:
    """Word 1-3 + char 2-5 TF-IDF and a logistic regression whose C maximises the cross-validated metric."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, make_scorer
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([("word", TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True)),
                             ("char", TfidfVectorizer(analyzer="char", ngram_range=(2, 5), sublinear_tf=True))])
    model = LogisticRegression(max_iter=2000, class_weight="balanced", solver="newton-cg")
    pipeline = Pipeline([("features", features), ("model", model)])
    averaged = sorted(set(labels)) if args.metric == "macro_f1" else \
        [label for label in args.positive_labels or default_positive_labels(sorted(set(labels))) if label in labels]
    scorer = make_scorer(f1_score, labels=averaged, average="macro", zero_division=0)
    n_splits = max(2, min(5, min(labels.count(label) for label in set(labels))))
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=args.seed)
    return GridSearchCV(pipeline, {"model__C": [0.1, 1.0, 10.0, 100.0]}, scoring=scorer, cv=folds).fit(texts, labels)


if __name__ == "__main__":
    main()
