"""Training a ``StanceClassifier`` from labelled CSV files, with a cross-validated report of its quality.

By default the settings are chosen by a cross-validated search within a time budget (:mod:`stance.selection`);
the report and the calibration temperature come from the chosen settings' out-of-fold scores, so nothing is
fitted twice.
"""

from __future__ import annotations

import os
from typing import Any, Sequence

from stance.data import LabelledData, read_labelled_csv
from stance.errors import StanceInputError
from stance.evaluation import METRICS, EvaluationReport, build_report, check_positive_labels, out_of_fold

PathLike = str | os.PathLike[str]
DEFAULT_TIME_BUDGET = 90.0
"""Seconds the settings search may take by default: with the final fit, training on a few thousand short texts
stays under two minutes on two cores."""


def train(
    csv_path: PathLike | Sequence[PathLike],
    text_column: str = "text",
    label_column: str = "label",
    *,
    group_column: str | None = None,
    target_column: str | None = None,
    n_splits: int = 5,
    drop_invalid: bool = False,
    search: bool = True,
    time_budget: float = DEFAULT_TIME_BUDGET,
    metric: str = "macro_f1",
    positive_labels: Sequence[str] | None = None,
    tune_bias: bool = True,
    **params: Any,
) -> tuple[Any, EvaluationReport]:
    """Fit a ``StanceClassifier`` on one or more CSVs and report its cross-validated quality.

    Any label set works. ``group_column`` keeps rows of the same group (near-paraphrases, contrast pairs) on one
    side of every split. ``target_column`` names what each text takes a stance toward: the model then learns with
    the target known (see ``StanceClassifier``). With ``search`` the settings are chosen by cross-validated
    ``metric`` (``"macro_f1"`` or ``"f_avg"``, the mean F1 of ``positive_labels``) within ``time_budget`` seconds;
    with ``tune_bias`` each label's score gets the offset that maximises the same out-of-fold metric (kept only if
    it gains at least 0.005; see ``StanceClassifier(class_bias=...)``). ``params`` go to ``StanceClassifier`` and
    are never varied by the search.

    Returns
    -------
    (StanceClassifier, EvaluationReport)
        The report's ``selection`` describes the search (``None`` without one).
    """
    data = read_training_data(csv_path, text_column, label_column, group_column, drop_invalid, target_column)
    return fit_with_report(data, group_column, n_splits, text_column=text_column, target_column=target_column,
                           search=search, time_budget=time_budget, metric=metric, positive_labels=positive_labels,
                           tune_bias=tune_bias, **params)


def read_training_data(csv_path: PathLike | Sequence[PathLike], text_column: str, label_column: str,
                       group_column: str | None = None, drop_invalid: bool = False,
                       target_column: str | None = None) -> LabelledData:
    """Read and concatenate one or more labelled CSVs (each must have ``target_column`` when one is named)."""
    paths = [csv_path] if isinstance(csv_path, (str, os.PathLike)) else list(csv_path)
    keys = (target_column,) if target_column else ()
    extra = (group_column, *keys) if group_column else keys
    parts = [read_labelled_csv(p, text_column, label_column, extra_columns=extra, drop_invalid=drop_invalid, key_columns=keys)
             for p in paths]
    merged = LabelledData(texts=[], labels=[], source=", ".join(p.source for p in parts), extra={c: [] for c in extra})
    for part in parts:
        merged.texts += part.texts
        merged.labels += part.labels
        merged.warnings += part.warnings
        for column in extra:
            merged.extra[column] += part.extra.get(column) or [f"{part.source}:{i}" for i in range(len(part))]
    return merged


def fit_with_report(data: LabelledData, group_column: str | None = None, n_splits: int = 5, *,
                    text_column: str = "text", target_column: str | None = None, search: bool = False,
                    time_budget: float = DEFAULT_TIME_BUDGET, metric: str = "macro_f1",
                    positive_labels: Sequence[str] | None = None, tune_bias: bool = True,
                    **params: Any) -> tuple[Any, EvaluationReport]:
    """Cross-validate (searching the settings if ``search``), calibrate on the same out-of-fold scores, fit on all rows.

    Refuses label sets too small to cross-validate, an unknown metric and positive labels that are not labels.
    """
    from stance.classifier import StanceClassifier, fit_temperature
    from stance.predictor import scores_to_proba
    from stance.selection import fit_class_bias, select_params, shift_proba

    counts = data.label_counts()
    groups, n_splits = _check_folds(data, group_column, n_splits, counts)
    if metric not in METRICS:
        raise StanceInputError(f"unknown metric '{metric}'; choose one of {', '.join(METRICS)}")
    positive = check_positive_labels(positive_labels, sorted(counts))
    random_state = params.get("random_state", 0)
    targets = [t or None for t in data.extra[target_column]] if target_column else None
    X: Any = {text_column: data.texts, target_column: targets} if target_column else data.texts
    columns = {"text_column": text_column, "target_column": target_column} if target_column else {}
    selection = None
    if search and time_budget > 0:
        selection = select_params(data.texts, data.labels, targets, groups, metric, positive, time_budget, random_state,
                                  n_splits, fixed={k: v for k, v in params.items() if k != "random_state"})
        params, scores = {**params, **selection.params}, selection.scores
    else:
        uncalibrated = StanceClassifier(**{**params, **columns, "temperature": 1.0})
        scores = out_of_fold(uncalibrated, X, data.labels, groups, n_splits, random_state, method="decision_function")
    temperature = fit_temperature(scores, data.labels) if params.get("temperature", "auto") == "auto" else params["temperature"]
    proba = scores_to_proba(scores / temperature)
    if tune_bias and "class_bias" not in params:
        params["class_bias"] = fit_class_bias(proba, data.labels, metric, positive)[0] or None
    proba = shift_proba(proba, sorted(counts), params.get("class_bias") or {})
    searched = f" of the settings the search chose among {len(selection.candidates)} (so slightly optimistic)" if selection else ""
    notes = [*data.warnings, f"{n_splits}-fold {'grouped ' if groups else ''}cross-validation{searched}, "
             f"probabilities calibrated with temperature {temperature:.2f}"]
    if params.get("class_bias"):
        shifts = ", ".join(f"{label} {offset:+.1f}" for label, offset in params["class_bias"].items())
        notes.append(f"label offsets chosen on these same predictions to raise {metric} (so slightly optimistic): {shifts}")
    if target_column:
        notes.append(f"targets ({target_column}): {len({t for t in targets if t})} seen in training; "
                     "texts about other targets are scored by the part of the model shared by all targets")
    report = build_report(data.texts, data.labels, proba, sorted(counts), notes=notes, positive_labels=positive)
    report.selection = selection.summary() if selection else None
    model = StanceClassifier(**{**params, **columns, "temperature": temperature}).fit(X, data.labels)
    return model, report


def _check_folds(data: LabelledData, group_column: str | None, n_splits: int,
                 counts: dict[str, int]) -> tuple[list[str] | None, int]:
    """The groups of grouped folds and the number of folds the rarest label allows, or a clear error."""
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
    return groups, min(n_splits, fewest)


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
