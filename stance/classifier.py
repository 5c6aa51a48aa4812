"""``StanceClassifier``: the scikit-learn estimator that learns stance from labelled texts.

It fits a word + character TF-IDF and a logistic regression, calibrates the scores with one temperature learned
out of fold, then freezes the result into a :class:`~stance.predictor.StancePredictor` that does all prediction.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from stance.predictor import FeatureBlock, StancePredictor, scores_to_proba
from stance.text import SOCIAL_TOKEN_PATTERN, WORD_TOKEN_PATTERN, normalize_social


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF (word and character n-grams) + logistic regression, with calibrated probabilities.

    Parameters
    ----------
    word_ngram_range : tuple of int or None, default=(1, 2)
        Word n-gram sizes; ``None`` leaves word features out.
    char_ngram_range : tuple of int or None, default=(2, 5)
        Character n-gram sizes; ``None`` leaves character features out.
    char_analyzer : {"char_wb", "char"}, default="char_wb"
        ``"char_wb"`` keeps character n-grams inside words, ``"char"`` lets them cross spaces.
    sublinear_tf : bool, default=True
        Use 1 + log(count) instead of the raw count.
    min_df : int, default=1
        Drop n-grams seen in fewer training texts than this.
    C : float, default=10.0
        Inverse regularisation strength of the logistic regression.
    class_weight : "balanced" or None, default="balanced"
        Weigh classes inversely to their frequency.
    temperature : "auto" or float, default="auto"
        Divides the scores before the softmax so that "80% sure" is right about 80% of the time. ``"auto"`` learns
        it from 3-fold out-of-fold scores; a number fixes it (1.0: no calibration).
    social : bool, default=False
        Replace URLs, squash repeated letters and keep ``#hashtags``/``@mentions`` as tokens.
    max_iter : int, default=2000
        Iterations for the solver.
    random_state : int, default=0
        Seed for the calibration folds; training is deterministic for a given seed.

    Examples
    --------
    >>> clf = StanceClassifier().fit(["we welcome the talks", "this is surrender"], ["supportive", "critical"])
    >>> clf.predict(["a welcome step"])
    ['supportive']
    """

    def __init__(
        self,
        word_ngram_range: tuple[int, int] | None = (1, 2),
        char_ngram_range: tuple[int, int] | None = (2, 5),
        char_analyzer: str = "char_wb",
        sublinear_tf: bool = True,
        min_df: int = 1,
        C: float = 10.0,
        class_weight: str | None = "balanced",
        temperature: str | float = "auto",
        social: bool = False,
        max_iter: int = 2000,
        random_state: int = 0,
    ):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.char_analyzer = char_analyzer
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.temperature = temperature
        self.social = social
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X: Sequence[str], y: Sequence[Any]) -> "StanceClassifier":
        """Learn from texts ``X`` and their labels ``y``."""
        texts = as_texts(X)
        labels = np.asarray([str(label) for label in y], dtype=object)
        if len(texts) != len(labels):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        if len(set(labels)) < 2:
            raise ValueError("need at least two different labels to learn from")
        pipeline = self._make_pipeline()
        features = pipeline[0].fit_transform(texts)
        model = pipeline[1].fit(features, labels)
        self.temperature_ = self._out_of_fold_temperature(features, labels) if self.temperature == "auto" else float(self.temperature)
        model.coef_ /= self.temperature_
        model.intercept_ /= self.temperature_
        self.pipeline_ = pipeline
        self.classes_ = model.classes_
        self.predictor_ = self._compile(pipeline)
        return self

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """Linear scores per class (after calibration)."""
        check_is_fitted(self, "predictor_")
        return self.predictor_.decision_function(as_texts(X))

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, n_classes), columns in ``classes_`` order."""
        check_is_fitted(self, "predictor_")
        return self.predictor_.predict_proba(as_texts(X))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """The most probable label of each text."""
        check_is_fitted(self, "predictor_")
        return np.asarray(self.predictor_.predict(as_texts(X)), dtype=object)

    def save(self, path: str) -> None:
        """Write the fitted model to ``path`` in stance's safe format (see :func:`stance.load`)."""
        from stance.persistence import save

        check_is_fitted(self, "predictor_")
        save(self, path)

    def _make_pipeline(self) -> Pipeline:
        """The scikit-learn pipeline this estimator fits: a union of TF-IDF blocks, then logistic regression."""
        blocks = []
        common = dict(sublinear_tf=self.sublinear_tf, min_df=self.min_df, dtype=np.float64)
        if self.social:
            common["preprocessor"] = normalize_social
        if self.word_ngram_range is not None:
            pattern = SOCIAL_TOKEN_PATTERN if self.social else WORD_TOKEN_PATTERN
            word = TfidfVectorizer(analyzer="word", ngram_range=tuple(self.word_ngram_range), token_pattern=pattern, **common)
            blocks.append(("word", word))
        if self.char_ngram_range is not None:
            char = TfidfVectorizer(analyzer=self.char_analyzer, ngram_range=tuple(self.char_ngram_range), **common)
            blocks.append(("char", char))
        if not blocks:
            raise ValueError("word_ngram_range and char_ngram_range cannot both be None")
        return Pipeline([("features", FeatureUnion(blocks)), ("model", self._logistic_regression())])

    def _logistic_regression(self) -> LogisticRegression:
        """The linear model; newton-cg converges in a few iterations on TF-IDF features, deterministically."""
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter, solver="newton-cg")

    def _out_of_fold_temperature(self, features: Any, labels: np.ndarray) -> float:
        """The temperature fitted on 3-fold out-of-fold scores (1.0 when a class is too small to fold)."""
        n_splits = min(3, int(np.unique(labels, return_counts=True)[1].min()))
        if n_splits < 2:
            return 1.0
        folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
        scores = cross_val_predict(self._logistic_regression(), features, labels, cv=folds, method="decision_function")
        return fit_temperature(scores, labels)

    def _compile(self, pipeline: Pipeline) -> StancePredictor:
        """Freeze the fitted pipeline into a NumPy-only predictor."""
        blocks = [
            FeatureBlock(
                analyzer=vec.analyzer,
                ngram_range=vec.ngram_range,
                vocabulary={term: int(j) for term, j in vec.vocabulary_.items()},
                idf=vec.idf_.astype(np.float64),
                sublinear_tf=vec.sublinear_tf,
                social=self.social,
            )
            for _, vec in pipeline[0].transformer_list
        ]
        model = pipeline[1]
        return StancePredictor(model.classes_, blocks, model.coef_, model.intercept_)


def fit_temperature(scores: np.ndarray, labels: Sequence[str]) -> float:
    """The temperature T minimising the log-loss of softmax(scores / T) (scores: columns in sorted label order)."""
    truth = np.unique(np.asarray(labels, dtype=object), return_inverse=True)[1]
    rows = np.arange(len(truth))

    def log_loss(log_t: float) -> float:
        proba = scores_to_proba(scores / np.exp(log_t))
        return float(-np.log(np.clip(proba[rows, truth], 1e-12, None)).mean())

    return float(np.exp(minimize_scalar(log_loss, bounds=(-3.0, 3.0), method="bounded").x))


def as_texts(X: Any) -> list[str]:
    """Accept a list, tuple, NumPy array or pandas Series of strings; refuse anything else with a TypeError."""
    if isinstance(X, str):
        raise TypeError("expected a sequence of texts, got a single str; wrap it in a list")
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text at position {i} is {type(text).__name__}, not str")
    return texts
