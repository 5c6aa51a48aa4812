"""Train the default ``stance train`` recipe on labelled CSV data and score it on data it has not seen.

    python benchmarks/stance_benchmark.py --train TRAIN.csv --test TEST.csv --text-column Tweet \\
        --label-column Stance --target-column Target --metric f_avg --positive-labels FAVOR,AGAINST [--time-budget 90]
    python benchmarks/stance_benchmark.py --train A.csv B.csv --cv 5 --group-column group ...   # nested CV, no test file

With ``--test``: prints the chosen settings, the test metric, the per-label F1 and the training time (reading,
search and final fit). With ``--cv K`` instead: the whole of ``stance train`` (search, calibration, offsets) is run
inside each of K outer folds of ``--train`` (grouped by ``--group-column`` if given) and scored on the held-out
fold; prints each fold and the mean with its standard error, the honest figure for choosing a default recipe.
``--compare`` also runs reference recipes on the same data: a plain per-target TF-IDF (word 1-3 and char 2-5
n-grams) + logistic regression with C chosen by 5-fold cross-validation (a global model of the same kind scores
targets it has no model for), one model that ignores the targets, the target model with the default settings and
no search, and ``stance train`` without the per-label offsets. Nothing here knows about any particular data set:
any CSVs with these columns work.
"""

from __future__ import annotations

import argparse
import time
from typing import Any, Callable

import numpy as np

from stance.data import LabelledData
from stance.evaluation import build_report, default_positive_labels, folds
from stance.training import DEFAULT_TIME_BUDGET, fit_with_report, read_training_data

Scorer = Callable[[list[str], list[Any]], list[str]]
Recipe = Callable[[LabelledData], Scorer]


def main() -> None:
    """Parse the options, read the data, run the split or the nested cross-validation."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True, nargs="+", help="one or more labelled CSVs to train on")
    held_out = parser.add_mutually_exclusive_group(required=True)
    held_out.add_argument("--test", help="CSV to score the trained model on")
    held_out.add_argument("--cv", type=int, metavar="K", help="no test file: K outer folds of --train instead")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--target-column", default=None)
    parser.add_argument("--group-column", default=None, help="with --cv: rows sharing a value stay in one outer fold")
    parser.add_argument("--metric", choices=("macro_f1", "f_avg"), default="macro_f1")
    parser.add_argument("--positive-labels", type=lambda value: value.split(","), default=None)
    parser.add_argument("--time-budget", type=float, default=DEFAULT_TIME_BUDGET)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare", action="store_true", help="also run the reference recipes")
    args = parser.parse_args()

    train = read_training_data(args.train, args.text_column, args.label_column, args.group_column,
                               target_column=args.target_column)
    positive = args.positive_labels or default_positive_labels(sorted(set(train.labels)))
    if args.cv:
        cross_validate(train, positive, args)
    else:
        test = read_training_data(args.test, args.text_column, args.label_column, target_column=args.target_column)
        split(train, test, positive, args)


def split(train: LabelledData, test: LabelledData, positive: list[str], args: argparse.Namespace) -> None:
    """Train on one file, score on the other; the default recipe in detail, then the references in one line each."""
    start = time.perf_counter()
    model, report = default_model(train, args)
    seconds = time.perf_counter() - start
    scored = score(test, lambda texts, targets: model.predictor_.predict(texts, targets), positive, args.target_column)
    if report.selection:
        changes = ", ".join(f"{k}={v}" for k, v in report.selection["changes"].items()) or "the default recipe"
        print(f"chosen: {changes} ({len(report.selection['candidates'])} candidates, "
              f"cross-validated {args.metric} {report.selection['score']:.4f}); label offsets: {model.class_bias or 'none'}")
    print(f"train: {len(train)} rows, test: {len(test)} rows; positive labels: {', '.join(positive)}")
    print(f"test {args.metric}: {100 * getattr(scored, args.metric):.2f}   macro-F1: {100 * scored.macro_f1:.2f}   "
          f"F_avg: {100 * scored.f_avg:.2f}   training time: {seconds:.1f} s")
    print("per-label F1: " + "   ".join(f"{label} {100 * s['f1']:.2f}" for label, s in scored.per_class.items()))
    if args.compare:
        print(f"\n{'model':<62} {'F_avg':>6} {'macro-F1':>8} {'seconds':>8}")
        for name, recipe in references(args):
            start = time.perf_counter()
            predict = recipe(train)
            seconds = time.perf_counter() - start
            result = score(test, predict, positive, args.target_column)
            print(f"{name:<62} {100 * result.f_avg:6.2f} {100 * result.macro_f1:8.2f} {seconds:8.1f}")


def cross_validate(data: LabelledData, positive: list[str], args: argparse.Namespace) -> None:
    """Every recipe trained inside each outer fold and scored on the rest: one line per fold, then mean ± s.e."""
    groups = data.extra[args.group_column] if args.group_column else None
    outer = folds(np.asarray(data.labels, dtype=object), groups, args.cv, args.seed)
    recipes = [("stance train (default recipe)", lambda part: _predict_with(default_model(part, args)[0])),
               *(references(args) if args.compare else [])]
    results: dict[str, list[float]] = {name: [] for name, _ in recipes}
    print(f"{args.cv}-fold nested cross-validation on {len(data)} rows; positive labels: {', '.join(positive)}")
    for k, (train_rows, test_rows) in enumerate(outer):
        for name, recipe in recipes:
            predict = recipe(data.subset(train_rows))
            value = getattr(score(data.subset(test_rows), predict, positive, args.target_column), args.metric)
            results[name].append(value)
            print(f"fold {k + 1}  {name:<62} {args.metric} {100 * value:6.2f}", flush=True)
    print(f"\n{'recipe':<62} {'mean ' + args.metric:>12} {'s.e.':>6}")
    for name, values in results.items():
        print(f"{name:<62} {100 * np.mean(values):12.2f} {100 * np.std(values, ddof=1) / np.sqrt(len(values)):6.2f}")


def default_model(train: LabelledData, args: argparse.Namespace, **options: Any) -> tuple[Any, Any]:
    """What ``stance train`` does with these options (the search within the time budget unless it is 0)."""
    return fit_with_report(train, text_column=args.text_column, target_column=args.target_column,
                           search=args.time_budget > 0, time_budget=args.time_budget, metric=args.metric,
                           positive_labels=args.positive_labels, random_state=args.seed, **options)


def references(args: argparse.Namespace) -> list[tuple[str, Recipe]]:
    """The reference recipes of ``--compare``, by name."""
    return [
        ("per-target TF-IDF word 1-3 + char 2-5, LR, C by 5-fold CV", lambda train: per_target_baseline(train, args)),
        ("one model, target ignored (default settings)", lambda train: stance_model(train, args, with_targets=False)),
        ("targets, default settings (no search)", lambda train: stance_model(train, args, with_targets=True)),
        ("stance train without label offsets", lambda train: _predict_with(default_model(train, args, tune_bias=False)[0])),
    ]


def score(data: LabelledData, predict: Scorer, positive: list[str], target_column: str | None) -> Any:
    """The evaluation report of ``predict`` on labelled data (targets passed when there is a target column)."""
    targets = [t or None for t in data.extra[target_column]] if target_column else [None] * len(data)
    labels = predict(data.texts, targets)
    classes = sorted(set(data.labels) | set(labels))
    proba = np.asarray([[float(label == c) for c in classes] for label in labels])
    return build_report(data.texts, data.labels, proba, classes, positive_labels=positive)


def stance_model(train: LabelledData, args: argparse.Namespace, with_targets: bool) -> Scorer:
    """The stance recipe with its default settings, with or without the target column."""
    target_column = args.target_column if with_targets else None
    model, _ = fit_with_report(train, text_column=args.text_column, target_column=target_column, search=False,
                               random_state=args.seed)
    return lambda texts, targets: model.predictor_.predict(texts, targets if with_targets else None)


def _predict_with(model: Any) -> Scorer:
    """A model's labels for texts and their targets."""
    return lambda texts, targets: model.predictor_.predict(texts, targets)


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
    scorer = make_scorer(f1_score, labels=averaged, average="macro", zero_division=0, pos_label=None)
    n_splits = max(2, min(5, min(labels.count(label) for label in set(labels))))
    cv = StratifiedKFold(n_splits, shuffle=True, random_state=args.seed)
    return GridSearchCV(pipeline, {"model__C": [0.1, 1.0, 10.0, 100.0]}, scoring=scorer, cv=cv).fit(texts, labels)


if __name__ == "__main__":
    main()
