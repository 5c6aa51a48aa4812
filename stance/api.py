"""The top-level functions: ``predict``, ``predict_proba`` and ``explain`` on a text, a list or a pandas Series.

A string in gives one result; a list gives a list and a Series a Series with the same index, always in the
model's ``classes_`` order. The shipped model is loaded once, on first use, so ``import stance`` stays light.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any, Callable

from stance.batch import predict_proba_many
from stance.predictor import StancePredictor

_shipped: StancePredictor | None = None
_shipped_lock = threading.Lock()


def shipped_model() -> StancePredictor:
    """The model that ships with the library, loaded (and checked) on first use."""
    global _shipped
    if _shipped is None:
        with _shipped_lock:
            if _shipped is None:
                from stance.bundled import load_shipped_model

                _shipped = load_shipped_model()
    return _shipped


def resolve_model(model: Any = None) -> StancePredictor:
    """Turn ``None`` (the shipped model), a path, a fitted ``StanceClassifier`` or a predictor into a predictor."""
    if model is None:
        return shipped_model()
    if isinstance(model, (str, os.PathLike)):
        from stance.persistence import load

        model = load(model)
    predictor = getattr(model, "predictor_", model)
    if not isinstance(predictor, StancePredictor):
        raise TypeError(f"model must be a path, a fitted StanceClassifier or a loaded stance model, not {type(model).__name__}")
    return predictor


def predict(text: Any, model: Any = None, target: Any = None) -> Any:
    """The stance label of ``text``: a str for a str, a list for a list, a Series (same index) for a Series.

    ``target`` is for a model trained with targets: one target for every text, or one per text (a target the model
    has not seen is scored with the part of the model all targets share).

    Examples
    --------
    >>> stance.predict("Trump has effectively surrendered to Putin")  # doctest: +SKIP
    'critical_of_concessions'
    """
    predictor = resolve_model(model)
    return _map_texts(text, lambda texts: predictor.labels(_probabilities(predictor, texts, target)))


def predict_proba(text: Any, model: Any = None, target: Any = None) -> Any:
    """``{label: probability}`` for ``text`` in ``classes_`` order; one dict per item for a list or Series."""
    predictor = resolve_model(model)
    labels = [str(c) for c in predictor.classes_]

    def as_dicts(texts: list[str]) -> list[dict[str, float]]:
        return [dict(zip(labels, row)) for row in _probabilities(predictor, texts, target).tolist()]

    return _map_texts(text, as_dicts)


def _probabilities(predictor: StancePredictor, texts: list[str], target: Any) -> Any:
    """Probabilities of a batch: with targets through the predictor, else through the (parallel) batch path."""
    if target is None:
        return predict_proba_many(predictor, texts)
    targets = [target] * len(texts) if isinstance(target, str) else list(target)
    if len(targets) != len(texts):
        raise ValueError(f"got {len(targets)} targets for {len(texts)} texts; give one target, or one per text")
    return predictor.predict_proba(texts, targets)


@dataclass(frozen=True)
class Explanation:
    """Why a text got its label: the n-grams that pushed hardest toward it and against it."""

    text: str
    label: str
    probability: float
    toward: list[tuple[str, float]]
    against: list[tuple[str, float]]

    def __str__(self) -> str:
        def terms(pairs: list[tuple[str, float]]) -> str:
            return ", ".join(f"{term!r} {push:+.3f}" for term, push in pairs) or "(none)"

        return f"{self.label} ({self.probability:.2f})\n  toward: {terms(self.toward)}\n  against: {terms(self.against)}"


def explain(text: str, top: int = 5, model: Any = None, target: str | None = None) -> Explanation:
    """The label of ``text`` (toward ``target``, for a model trained with targets), its probability, and the
    ``top`` terms pushing toward it and against it."""
    check_text(text, "text")
    predictor = resolve_model(model)
    proba = predictor.predict_proba([text], None if target is None else [target])[0]
    best = int(proba.argmax())
    pushes = predictor.contributions(text, best, target)
    toward = [(term, round(push, 4)) for term, push in pushes[:top] if push > 0]
    against = [(term, round(push, 4)) for term, push in reversed(pushes[-top:]) if push < 0]
    return Explanation(text, str(predictor.classes_[best]), float(proba[best]), toward, against)


def check_text(text: Any, what: str) -> None:
    """Raise TypeError unless ``text`` is a str, saying what was given instead."""
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, got {type(text).__name__}: {text!r:.60}")


def _map_texts(text: Any, score: Callable[[list[str]], list[Any]]) -> Any:
    """Apply a batch scorer to a str, list/tuple or pandas Series, returning the matching shape."""
    if isinstance(text, str):
        return score([text])[0]
    if type(text).__module__.startswith("pandas") and hasattr(text, "index"):
        import pandas as pd

        values = list(text)
        _check_items(values)
        return pd.Series(score(values), index=text.index, name=text.name)
    if isinstance(text, (list, tuple)):
        _check_items(text)
        return score(list(text))
    raise TypeError(f"text must be str, a list of str or a pandas Series, got {type(text).__name__}: {text!r:.60}")


def _check_items(texts: Any) -> None:
    """Every item of a batch must be a str."""
    for i, item in enumerate(texts):
        check_text(item, f"item {i}")
