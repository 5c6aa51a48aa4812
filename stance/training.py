"""Training a ``StanceClassifier`` from labelled CSV files, with a cross-validated report of its quality."""

from __future__ import annotations

import os
from typing import Any, Sequence

from stance.data import LabelledData, read_labelled_csv
from stance.errors import StanceInputError
from stance.evaluation import EvaluationReport, build_report, out_of_fold

PathLike = str | os.PathLike[str]


def train(
    csv_path: PathLike | Sequence[PathLike],
    text_column: str = "text",
    label_column: str = "label",
    *,
    group_column: str | None = None,
    n_splits: int = 5,
    drop_invalid: bool = False,
    **params: Any,
) -> tuple[Any, EvaluationReport]:
    """Fit a ``StanceClassifier`` on one or more CSVs and report its cross-validated quality.

    Any label set works. ``group_column`` keeps rows of the same group (near-paraphrases, contrast pairs) on one
    side of every split; ``params`` go to ``StanceClassifier``.

    Returns
    -------
    (StanceClassifier, EvaluationReport)
    """
    data = read_training_data(csv_path, text_column, label_column, group_column, drop_invalid)
    return fit_with_report(data, group_column, n_splits, **params)


def read_training_data(csv_path: PathLike | Sequence[PathLike], text_column: str, label_column: str,
                       group_column: str | None = None, drop_invalid: bool = False) -> LabelledData:
    """Read and concatenate one or more labelled CSVs."""
    paths = [csv_path] if isinstance(csv_path, (str, os.PathLike)) else list(csv_path)
    extra = (group_column,) if group_column else ()
    parts = [read_labelled_csv(p, text_column, label_column, extra_columns=extra, drop_invalid=drop_invalid) for p in paths]
    merged = LabelledData(texts=[], labels=[], source=", ".join(p.source for p in parts), extra={c: [] for c in extra})
    for part in parts:
        merged.texts += part.texts
        merged.labels += part.labels
        merged.warnings += part.warnings
        for column in extra:
            merged.extra[column] += part.extra.get(column) or [f"{part.source}:{i}" for i in range(len(part))]
    return merged


def fit_with_report(data: LabelledData, group_column: str | None = None, n_splits: int = 5,
                    **params: Any) -> tuple[Any, EvaluationReport]:
    """Cross-validate, learn the calibration temperature from the same out-of-fold scores, then fit on all rows.

    Refuses label sets too small to cross-validate.
    """
    from stance.classifier import StanceClassifier, fit_temperature
    from stance.predictor import scores_to_proba

    counts = data.label_counts()
    if len(counts) < 2:
        raise StanceInputError(f"{data.source}: only one label ({next(iter(counts))}); training needs at least two")
    rarest, fewest = min(counts.items(), key=lambda item: item[1])
    if fewest < 2:
        raise StanceInputError(f"{data.source}: label '{rarest}' has only {fewest} example; cross-validation needs at least 2 per label")
    groups = _groups(data, group_column)
    if groups is not None:
        rarest, fewest = _fewest_groups(data.labels, groups)
        if fewest < 2:
            raise StanceInputError(f"{data.source}: all rows labelled '{rarest}' share one '{group_column}' value; "
                                   "grouped cross-validation needs each label in at least 2 groups")
    n_splits = min(n_splits, fewest)
    uncalibrated = StanceClassifier(**{**params, "temperature": 1.0})
    scores = out_of_fold(uncalibrated, data.texts, data.labels, groups, n_splits, method="decision_function")
    temperature = fit_temperature(scores, data.labels) if params.get("temperature", "auto") == "auto" else params["temperature"]
    notes = [*data.warnings, f"{n_splits}-fold {'grouped ' if groups else ''}cross-validation, "
             f"probabilities calibrated with temperature {temperature:.2f}"]
    report = build_report(data.texts, data.labels, scores_to_proba(scores / temperature), sorted(counts), notes=notes)
    model = StanceClassifier(**{**params, "temperature": temperature}).fit(data.texts, data.labels)
    return model, report


def _fewest_groups(labels: list[str], groups: list[str]) -> tuple[str, int]:
    """The label found in the fewest distinct groups, and that number."""
    groups_of: dict[str, set[str]] = {}
    for label, group in zip(labels, groups):
        groups_of.setdefault(label, set()).add(group)
    return min(((label, len(found)) for label, found in groups_of.items()), key=lambda item: (item[1], item[0]))


def _groups(data: LabelledData, group_column: str | None) -> list[str] | None:
    """Group ids for grouped folds; rows with an empty group form a group of their own."""
    if not group_column:
        return None
    return [g or f"row-{i}" for i, g in enumerate(data.extra[group_column])]
