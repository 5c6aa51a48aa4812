"""Choosing ``StanceClassifier`` settings by cross-validation, within a time budget.

Candidates come in a fixed order, one axis at a time (regularisation, target weight, tokenizer, n-grams, ...), each
axis varied around the best settings found so far (a greedy coordinate search). A change is kept only if it beats
the best so far by :data:`MIN_GAIN`: smaller differences between out-of-fold scores are mostly noise, and taking
them anyway would tune the recipe to the folds. Every candidate is judged on
out-of-fold predictions over the same folds, so the choice depends only on the data, the seed and how many
candidates the time budget lets through. Each fold's TF-IDF matrices are fitted once per feature setting and
shared by every candidate that only changes the linear model.

Same data, same seed and same budget give the same model as long as the budget lets the same candidates through;
when it cuts the search short, how many get through depends on the machine's speed, and the result says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from stance.batch import default_jobs
from stance.classifier import FEATURE_PARAMS, StanceClassifier, augment, target_index
from stance.evaluation import folds, metric_score
from stance.predictor import scores_to_proba
from stance.training import DEFAULT_TIME_BUDGET

PARALLEL_MIN_TEXTS = 1_000
"""From this many texts on, folds are fitted in parallel worker processes by default."""

AXES: tuple[tuple[str, tuple[dict[str, Any], ...]], ...] = (
    ("C", ({"C": 3.0}, {"C": 1.0}, {"C": 30.0})),
    ("target weight", ({"target_weight": 0.5}, {"target_weight": 2.0})),
    ("social tokens", ({"social": True},)),
    ("word n-grams", ({"word_ngram_range": (1, 3)}, {"word_ngram_range": (1, 1)})),
    ("char n-grams", ({"char_analyzer": "char", "char_ngram_range": (2, 5)}, {"char_ngram_range": (1, 4)},
                      {"char_ngram_range": (3, 5)})),
    ("NB scaling", ({"nb_scaling": True},)),
    ("sublinear tf", ({"sublinear_tf": False},)),
    ("class weight", ({"class_weight": None},)),
)
"""The search space in priority order; each variant changes the best settings found before its axis."""

MIN_GAIN = 0.005
"""How much a candidate must raise the out-of-fold metric over the best settings so far to replace them."""

SEARCHED = sorted({name for _, variants in AXES for change in variants for name in change})


@dataclass
class Candidate:
    """One setting tried: what it changed from the default recipe, its cross-validated score and its cost."""

    name: str
    changes: dict[str, Any]
    score: float
    seconds: float


@dataclass
class SelectionResult:
    """The chosen settings, their cross-validated score, and every candidate tried.

    ``scores`` are the chosen settings' out-of-fold decision scores (uncalibrated, columns in sorted label order),
    from which the training report and the calibration temperature are computed without refitting.
    """

    params: dict[str, Any]
    score: float
    metric: str
    candidates: list[Candidate]
    skipped: int
    seconds: float
    scores: np.ndarray = field(repr=False)

    @property
    def changes(self) -> dict[str, Any]:
        """The chosen settings that differ from the default recipe."""
        return _changes(self.params, self.params)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready description (without the scores array)."""
        return {"metric": self.metric, "score": self.score, "changes": self.changes, "params": self.params,
                "skipped": self.skipped, "seconds": round(self.seconds, 2),
                "candidates": [{"name": c.name, "score": c.score, "seconds": round(c.seconds, 2)} for c in self.candidates]}

    def __str__(self) -> str:
        return format_selection(self.summary())


def format_selection(summary: dict[str, Any]) -> str:
    """A :meth:`SelectionResult.summary` as a table of the candidates tried, then the chosen settings."""
    metric = summary["metric"]
    chosen = ", ".join(f"{k}={v}" for k, v in summary["changes"].items()) or "the default recipe"
    lines = [f"model selection: {len(summary['candidates'])} candidate(s) in {summary['seconds']:.0f} s"
             + (f", {summary['skipped']} left out for lack of time" if summary["skipped"] else ""),
             f"{'candidate':<56} {metric:>8}  seconds"]
    lines += [f"{c['name']:<56} {c['score']:8.4f}  {c['seconds']:7.1f}" for c in summary["candidates"]]
    lines.append(f"chosen: {chosen} (cross-validated {metric} {summary['score']:.4f})")
    return "\n".join(lines)


def select_params(texts: Sequence[str], labels: Sequence[str], targets: Sequence[str | None] | None = None,
                  groups: Sequence[Any] | None = None, metric: str = "macro_f1",
                  positive_labels: Sequence[str] | None = None, time_budget: float = DEFAULT_TIME_BUDGET,
                  random_state: int = 0, n_splits: int = 5, fixed: dict[str, Any] | None = None,
                  n_jobs: int | None = None) -> SelectionResult:
    """Search :data:`AXES` around the default recipe and return the settings with the best out-of-fold ``metric``.

    Parameters
    ----------
    texts, labels : sequences of str
    targets : sequence of str or None, optional
        Each text's target; the per-target part of a fold's model knows only the targets of its training rows.
    groups : sequence, optional
        Rows sharing a group stay on one side of every split.
    metric : {"macro_f1", "f_avg"}
    positive_labels : sequence of str, optional
        The labels F_avg averages (default: all but none/neutral).
    time_budget : float
        Seconds; no new candidate starts once the time spent plus the first candidate's time would exceed it (the
        default recipe is always scored).
    random_state : int
        Seed of the folds and of the estimator.
    fixed : dict, optional
        ``StanceClassifier`` parameters the caller set: kept as given and never varied.
    n_jobs : int, optional
        Folds fitted at once, in worker processes (default: one per core from :data:`PARALLEL_MIN_TEXTS` texts on).
    """
    start = time.perf_counter()
    fixed = dict(fixed or {})
    search = _FoldScorer(texts, labels, targets, groups, n_splits, random_state, metric, positive_labels, n_jobs)
    best = {**StanceClassifier().get_params(), **fixed, "random_state": random_state, "temperature": 1.0}
    best_score, best_scores, first_seconds = search.score(best)
    candidates = [Candidate(_describe(best), _changes(best), best_score, first_seconds)]
    tried = [dict(best)]
    skipped = 0
    for _, variants in _axes(fixed, targets is not None):
        axis_best: tuple[float, dict[str, Any], np.ndarray] | None = None
        for change in variants:
            params = {**best, **change}
            if params in tried:
                continue
            if skipped or time.perf_counter() - start + first_seconds > time_budget:
                skipped += 1
                continue
            tried.append(params)
            score, scores, seconds = search.score(params)
            candidates.append(Candidate(_describe(params), _changes(params), score, seconds))
            if axis_best is None or score > axis_best[0]:
                axis_best = (score, params, scores)
        if axis_best is not None and axis_best[0] >= best_score + MIN_GAIN:
            best_score, best, best_scores = axis_best
        search.keep_features_of(best)
    chosen = {**{name: best[name] for name in SEARCHED}, **fixed}
    return SelectionResult(chosen, best_score, metric, candidates, skipped, time.perf_counter() - start, best_scores)


BIAS_STEPS = tuple(sorted(np.round(np.arange(-3.0, 3.01, 0.1), 1), key=abs))
"""Offsets tried for each label's log-probability, smallest first so that ties keep the smaller shift."""


def fit_class_bias(proba: np.ndarray, labels: Sequence[str], metric: str = "macro_f1",
                   positive_labels: Sequence[str] | None = None) -> tuple[dict[str, float], float]:
    """Offsets to each label's log-probability that maximise ``metric`` on out-of-fold ``proba``, and that score.

    A coordinate search over :data:`BIAS_STEPS`, the first label fixed at 0 (only differences matter). Returns no
    offsets when the best gain is under :data:`MIN_GAIN`. ``proba`` columns are in sorted label order.
    """
    classes = np.unique(np.asarray(labels, dtype=object))
    log_proba = np.log(np.clip(proba, 1e-12, None))

    def score(offsets: np.ndarray) -> float:
        predicted = classes[(log_proba + offsets).argmax(axis=1)]
        return metric_score(metric, labels, predicted, classes, positive_labels)

    offsets = np.zeros(len(classes))
    base = best = score(offsets)
    for _ in range(3):
        before = best
        for k in range(1, len(classes)):
            for step in BIAS_STEPS:
                trial = offsets.copy()
                trial[k] = step
                if (value := score(trial)) > best + 1e-12:
                    best, offsets = value, trial
        if best == before:
            break
    if best - base < MIN_GAIN:
        return {}, base
    return {str(label): float(offset) for label, offset in zip(classes, offsets) if offset}, best


def shift_proba(proba: np.ndarray, classes: Sequence[str], class_bias: dict[str, float]) -> np.ndarray:
    """Probabilities with each label's log-probability moved by its offset, renormalised (what the model will say)."""
    shifted = proba * np.exp([class_bias.get(str(label), 0.0) for label in classes])
    return shifted / shifted.sum(axis=1, keepdims=True)


def _axes(fixed: dict[str, Any], with_targets: bool) -> list[tuple[str, tuple[dict[str, Any], ...]]]:
    """The axes to search: none that would change a parameter the caller fixed, and target weight only with targets."""
    axes = []
    for name, variants in AXES:
        kept = tuple(change for change in variants if not set(change) & set(fixed))
        if kept and (with_targets or "target_weight" not in kept[0]):
            axes.append((name, kept))
    return axes


def _changes(params: dict[str, Any], names: Iterable[str] = SEARCHED) -> dict[str, Any]:
    """The parameters among ``names`` whose value in ``params`` differs from the default recipe."""
    defaults = StanceClassifier().get_params()
    return {name: params[name] for name in names if params[name] != defaults[name]}


def _describe(params: dict[str, Any]) -> str:
    """A short name for a candidate: its differences from the default recipe."""
    return ", ".join(f"{name}={value}" for name, value in _changes(params).items()) or "default recipe"


class _FoldScorer:
    """Out-of-fold scores of candidate settings over fixed folds, with each fold's TF-IDF matrices cached per setting."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str], targets: Sequence[str | None] | None,
                 groups: Sequence[Any] | None, n_splits: int, random_state: int, metric: str,
                 positive_labels: Sequence[str] | None, n_jobs: int | None):
        self.texts = list(texts)
        self.n_jobs = n_jobs or (default_jobs() if len(self.texts) >= PARALLEL_MIN_TEXTS else 1)
        self.labels = np.asarray(labels, dtype=object)
        self.classes = np.unique(self.labels)
        self.metric, self.positive_labels = metric, positive_labels
        self.folds = folds(self.labels, groups, n_splits, random_state)
        self.targets = self._fold_targets(targets) if targets is not None else None
        self.features: dict[tuple[Any, ...], list[tuple[Any, Any]]] = {}

    def _fold_targets(self, targets: Sequence[str | None]) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """Per fold: how many targets its training rows have, and the target index of its training and test rows."""
        per_fold = []
        for train, test in self.folds:
            known = sorted({targets[i] for i in train if targets[i] is not None})
            per_fold.append((len(known), target_index([targets[i] for i in train], known),
                             target_index([targets[i] for i in test], known)))
        return per_fold

    def score(self, params: dict[str, Any]) -> tuple[float, np.ndarray, float]:
        """The metric of ``params`` on out-of-fold predictions, those decision scores, and the seconds it took."""
        start = time.perf_counter()
        estimator = StanceClassifier(**params)
        tasks = [(estimator, X_train, self.labels[train], X_test, self._fold_target(k))
                 for k, ((train, _), (X_train, X_test)) in enumerate(zip(self.folds, self._features(estimator)))]
        scores: np.ndarray | None = None
        for (_, test), fold_scores in zip(self.folds, self._map(_fold_scores, tasks)):
            if scores is None:
                scores = np.zeros((len(self.labels), *fold_scores.shape[1:]))
            scores[test] = fold_scores
        assert scores is not None
        predicted = self.classes[scores_to_proba(scores).argmax(axis=1)]
        value = metric_score(self.metric, self.labels, predicted, self.classes, self.positive_labels)
        return value, scores, time.perf_counter() - start

    def _fold_target(self, k: int) -> tuple[int, np.ndarray, np.ndarray] | None:
        """Fold ``k``'s number of known targets and target indices of its rows (``None`` without targets)."""
        return self.targets[k] if self.targets is not None else None

    def _map(self, function: Any, tasks: list[tuple[Any, ...]]) -> list[Any]:
        """``function(*task)`` for every task, over ``n_jobs`` worker processes (in order, deterministic)."""
        if self.n_jobs == 1:
            return [function(*task) for task in tasks]
        from joblib import Parallel, delayed

        return Parallel(n_jobs=self.n_jobs)(delayed(function)(*task) for task in tasks)

    def keep_features_of(self, params: dict[str, Any]) -> None:
        """Free the cached matrices of every feature setting but that of ``params``."""
        key = self._key(StanceClassifier(**params))
        self.features = {key: self.features[key]} if key in self.features else {}

    @staticmethod
    def _key(estimator: StanceClassifier) -> tuple[str, ...]:
        """What identifies a feature setting."""
        return tuple(repr(getattr(estimator, name)) for name in FEATURE_PARAMS)

    def _features(self, estimator: StanceClassifier) -> list[tuple[Any, Any]]:
        """Each fold's (train, test) TF-IDF matrices for the estimator's feature settings, fitted on the first request."""
        key = self._key(estimator)
        if key not in self.features:
            tasks = [(estimator, [self.texts[i] for i in train], [self.texts[i] for i in test]) for train, test in self.folds]
            self.features[key] = self._map(_fold_features, tasks)
        return self.features[key]


def _fold_features(estimator: StanceClassifier, train: list[str], test: list[str]) -> tuple[Any, Any]:
    """TF-IDF matrices of one fold: fitted on its training texts, applied to both parts."""
    union = estimator.make_features()
    return union.fit_transform(train), union.transform(test)


def _fold_scores(estimator: StanceClassifier, X_train: Any, y_train: np.ndarray, X_test: Any,
                 fold_targets: tuple[int, np.ndarray, np.ndarray] | None) -> np.ndarray:
    """Decision scores of one fold's test rows from a linear model fitted on its training rows."""
    if fold_targets is not None:
        n_targets, train_index, test_index = fold_targets
        X_train = augment(X_train, train_index, n_targets, estimator.target_weight)
        X_test = augment(X_test, test_index, n_targets, estimator.target_weight)
    return estimator.make_model(fold_targets is not None).fit(X_train, y_train).decision_function(X_test)
