"""Measuring a model: accuracy, macro-F1, F_avg, per-class scores, confusion matrix, calibration error, worst mistakes.

F_avg is the mean F1 of the labels that take a side (SemEval-2016 Task 6 style: FAVOR and AGAINST, not NONE),
computed once over all texts pooled.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from stance.data import LabelledData, read_labelled_csv
from stance.errors import StanceInputError

METRICS = ("macro_f1", "f_avg")
NO_STANCE_LABELS = frozenset({"none", "neutral"})


@dataclass
class EvaluationReport:
    """What a model got right and wrong on labelled texts; ``str(report)`` is for people, ``to_dict`` for code."""

    labels: list[str]
    n_texts: int
    accuracy: float
    macro_f1: float
    f_avg: float
    positive_labels: list[str]
    per_class: dict[str, dict[str, float]]
    confusion: list[list[int]]
    calibration_error: float
    mistakes: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    selection: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy of the report."""
        return asdict(self)

    def __str__(self) -> str:
        width = max(len(label) for label in self.labels)
        lines = [*self.notes, f"texts: {self.n_texts}   accuracy: {self.accuracy:.3f}   macro-F1: {self.macro_f1:.3f}   "
                 f"F_avg ({', '.join(self.positive_labels)}): {self.f_avg:.3f}   "
                 f"calibration error (ECE): {self.calibration_error:.3f}", "",
                 f"{'label':<{width}}  precision  recall     F1  support"]
        for label, scores in self.per_class.items():
            lines.append(f"{label:<{width}}  {scores['precision']:9.3f}  {scores['recall']:6.3f}  {scores['f1']:5.3f}  {int(scores['support']):7d}")
        lines += ["", "confusion matrix (rows: true label, columns: predicted)"]
        lines.append(" " * width + "  " + "  ".join(f"{label[:12]:>12}" for label in self.labels))
        for label, row in zip(self.labels, self.confusion):
            lines.append(f"{label:<{width}}  " + "  ".join(f"{count:12d}" for count in row))
        if self.mistakes:
            lines += ["", "most confident mistakes (gold -> predicted, confidence):"]
            for m in self.mistakes:
                text = m["text"] if len(m["text"]) <= 110 else m["text"][:107] + "..."
                lines.append(f"  {m['gold']} -> {m['predicted']} ({m['confidence']:.2f}): {text}")
        return "\n".join(lines)


def build_report(texts: Sequence[str], gold: Sequence[str], proba: np.ndarray, classes: Sequence[str],
                 worst: int = 10, notes: Sequence[str] = (), positive_labels: Sequence[str] | None = None) -> EvaluationReport:
    """Score predictions given as probabilities (columns in ``classes`` order) against gold labels.

    ``positive_labels``: the labels F_avg averages (default: :func:`default_positive_labels`).
    """
    classes = [str(c) for c in classes]
    predicted = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    gold = np.asarray(gold, dtype=object)
    labels = classes + sorted(set(gold) - set(classes))
    confusion = confusion_matrix(gold, predicted, labels)
    per_class = {label: _class_scores(confusion, i) for i, label in enumerate(labels)}
    positive = check_positive_labels(positive_labels, labels)
    confidence = proba.max(axis=1)
    correct = predicted == gold
    order = np.argsort(-confidence[~correct], kind="stable")[:worst]
    wrong = np.flatnonzero(~correct)[order]
    mistakes = [{"text": texts[i], "gold": gold[i], "predicted": predicted[i], "confidence": round(float(confidence[i]), 4)} for i in wrong]
    return EvaluationReport(
        labels=labels, n_texts=len(gold), accuracy=float(correct.mean()),
        macro_f1=float(np.mean([s["f1"] for s in per_class.values()])),
        f_avg=float(np.mean([per_class[label]["f1"] for label in positive])), positive_labels=positive,
        per_class=per_class, confusion=confusion,
        calibration_error=expected_calibration_error(confidence, correct), mistakes=mistakes, notes=list(notes),
    )


def metric_score(metric: str, gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str],
                 positive_labels: Sequence[str] | None = None) -> float:
    """``"macro_f1"`` (mean F1 over ``labels``) or ``"f_avg"`` (mean F1 over the positive labels) of predicted labels."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    labels = list(labels)
    confusion = confusion_matrix(np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object), labels)
    averaged = labels if metric == "macro_f1" else check_positive_labels(positive_labels, labels)
    return float(np.mean([_class_scores(confusion, labels.index(label))["f1"] for label in averaged]))


def default_positive_labels(labels: Sequence[str]) -> list[str]:
    """Every label except ones meaning "no stance" (none, neutral: any case); all of them if that leaves none."""
    positive = [label for label in labels if label.strip().casefold() not in NO_STANCE_LABELS]
    return positive or list(labels)


def check_positive_labels(positive_labels: Sequence[str] | None, labels: Sequence[str]) -> list[str]:
    """The positive labels to average, checked against the label set (default: :func:`default_positive_labels`)."""
    if positive_labels is None:
        return default_positive_labels(labels)
    unknown = [label for label in positive_labels if label not in labels]
    if unknown or not positive_labels:
        raise StanceInputError(f"positive labels must be some of the labels ({', '.join(labels)}); "
                               f"got {', '.join(positive_labels) or 'none'}")
    return list(positive_labels)


def confusion_matrix(gold: np.ndarray, predicted: np.ndarray, labels: Sequence[str]) -> list[list[int]]:
    """Counts of (true label, predicted label) pairs, rows and columns in ``labels`` order."""
    return [[int(np.sum((gold == t) & (predicted == p))) for p in labels] for t in labels]


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10) -> float:
    """Mean gap between confidence and accuracy over equal-width confidence bins, weighted by bin size."""
    bins = np.minimum((np.asarray(confidence) * n_bins).astype(int), n_bins - 1)
    gap = 0.0
    for b in np.unique(bins):
        members = bins == b
        gap += members.sum() * abs(float(np.mean(correct[members])) - float(np.mean(confidence[members])))
    return gap / len(confidence)


def evaluate(data: str | os.PathLike[str] | LabelledData, model: Any = None, text_column: str = "text",
             label_column: str = "label", worst: int = 10, target_column: str | None = None,
             positive_labels: Sequence[str] | None = None) -> EvaluationReport:
    """Evaluate a model (the shipped one by default) on a labelled CSV; rows with labels it doesn't know are left out.

    ``target_column`` names the column with each text's target, for a model trained with targets.
    """
    from stance.api import resolve_model

    if not isinstance(data, LabelledData):
        extra = (target_column,) if target_column else ()
        data = read_labelled_csv(data, text_column, label_column, extra_columns=extra, key_columns=extra)
    predictor = resolve_model(model)
    known = set(str(c) for c in predictor.classes_)
    keep = [i for i, label in enumerate(data.labels) if label in known]
    if not keep:
        raise StanceInputError(f"{data.source}: none of its labels ({', '.join(sorted(set(data.labels))[:10])}) is one the "
                               f"model knows ({', '.join(sorted(known))}); is --label-column right?")
    notes = [*data.warnings]
    if len(keep) < len(data.labels):
        unknown = sorted(set(data.labels) - known)
        notes.append(f"left out {len(data.labels) - len(keep)} row(s) whose label the model does not know: {', '.join(unknown)}")
    texts = [data.texts[i] for i in keep]
    targets = [data.extra[target_column][i] or None for i in keep] if target_column else None
    return build_report(texts, [data.labels[i] for i in keep], predictor.predict_proba(texts, targets), predictor.classes_,
                        worst, notes, positive_labels)


def out_of_fold(estimator: Any, texts: Any, labels: Sequence[str], groups: Sequence[Any] | None = None,
                n_splits: int = 5, random_state: int = 0, method: str = "predict_proba") -> np.ndarray:
    """``predict_proba`` or ``decision_function`` of each text from a clone that never saw it; columns in sorted label order.

    ``texts`` is what the estimator takes: a list of texts, or a mapping of column name to values (texts and targets).
    """
    from sklearn.base import clone

    labels = np.asarray(labels, dtype=object)
    result: np.ndarray | None = None
    for train_idx, test_idx in folds(labels, groups, n_splits, random_state):
        fitted = clone(estimator).fit(take(texts, train_idx), labels[train_idx])
        fold_result = getattr(fitted, method)(take(texts, test_idx))
        if result is None:
            result = np.zeros((len(labels), *fold_result.shape[1:]))
        result[test_idx] = fold_result
    assert result is not None
    return result


def folds(labels: Sequence[str], groups: Sequence[Any] | None = None, n_splits: int = 5,
          random_state: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) row indices of stratified, shuffled folds; grouped when ``groups`` is given (a group never splits)."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    labels = np.asarray(labels, dtype=object)
    rows = np.zeros(len(labels))
    if groups is None:
        return list(StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state).split(rows, labels))
    return list(StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state).split(rows, labels, groups))


def take(texts: Any, rows: Sequence[int]) -> Any:
    """The given rows of a list of texts, or of every column of a mapping of columns."""
    if isinstance(texts, Mapping):
        return {name: [values[i] for i in rows] for name, values in texts.items()}
    return [texts[i] for i in rows]


def _class_scores(confusion: list[list[int]], i: int) -> dict[str, float]:
    """Precision, recall, F1 and support of class ``i`` from a confusion matrix (0 where undefined)."""
    matrix = np.asarray(confusion)
    true_pos, predicted, actual = matrix[i, i], matrix[:, i].sum(), matrix[i, :].sum()
    precision = true_pos / predicted if predicted else 0.0
    recall = true_pos / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1), "support": int(actual)}
