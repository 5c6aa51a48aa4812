"""``StanceClassifier``: the scikit-learn estimator that learns stance from labelled texts.

It fits a word + character TF-IDF and a logistic regression, calibrates the scores with one temperature learned
out of fold, then freezes the result into a :class:`~stance.predictor.StancePredictor` that does all prediction.
With a target column (stance *toward what*), the linear model sees every text twice, once as itself and once as
a copy private to its target ("frustratingly easy" feature augmentation), so it learns what holds for every target
and what holds for each one.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from stance.predictor import FeatureBlock, StancePredictor, as_targets, scores_to_proba
from stance.text import SOCIAL_TOKEN_PATTERN, WORD_TOKEN_PATTERN, preprocessor

FEATURE_PARAMS = ("word_ngram_range", "char_ngram_range", "char_analyzer", "sublinear_tf", "min_df", "social", "negation")
"""The parameters that change the TF-IDF features (the others only change the linear model)."""


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
    negation : bool, default=True
        Mark the words after a negation up to the next punctuation mark in the word n-grams ("not a betrayal"
        gives ``neg_betrayal``), so a rebuttal does not read like the charge it rebuts.
    max_iter : int, default=2000
        Iterations for the solver.
    random_state : int, default=0
        Seed for the calibration folds; training is deterministic for a given seed.
    text_column : str, default="text"
        With ``target_column``: the column of ``X`` holding the texts.
    target_column : str or None, default=None
        The column of ``X`` naming what each text takes a stance toward. When set, ``X`` is a pandas DataFrame (or a
        mapping of column name to values) holding both columns; otherwise ``X`` is a list of texts.
    target_weight : float, default=1.0
        Scale of the per-target copy of the features: above 1 leans toward separate per-target models, below 1
        toward one model for all targets.
    nb_scaling : bool, default=False
        Scale features by their naive Bayes log-count ratio (NB-SVM) and fit one logistic regression per class;
        the scaling is folded into the coefficients, so prediction is the same plain linear model.
    class_bias : mapping of label to float, or None, default=None
        Added to each label's calibrated log-probability (so to its score) before the softmax: moves decisions
        toward labels a metric rewards, as when F_avg ignores "none". :func:`stance.train` learns it out of fold.

    Attributes
    ----------
    classes_ : ndarray of str
    targets_ : list of str
        The targets seen in training, sorted (empty without ``target_column``).
    temperature_ : float
    pipeline_ : sklearn Pipeline
        The fitted TF-IDF union and linear model (with targets, the model takes :meth:`with_targets` features).
    predictor_ : StancePredictor
        The NumPy-only model all predictions go through.

    Notes
    -----
    With targets, a text about target ``t`` scores ``x·W + b + x·W_t + b_t``. A text whose target was not seen in
    training (or has none) scores ``x·W + b``: the part learned from every target, the best guess for a new one.

    Examples
    --------
    >>> clf = StanceClassifier().fit(["we welcome the talks", "this is surrender"], ["supportive", "critical"])
    >>> clf.predict(["a welcome step"])
    ['supportive']
    >>> tweets = {"text": ["ban them now", "ban them now", "keep them", "keep them"],
    ...           "target": ["phones", "reactors", "phones", "reactors"]}
    >>> clf = StanceClassifier(target_column="target").fit(tweets, ["FAVOR", "AGAINST", "AGAINST", "FAVOR"])
    >>> clf.predict({"text": ["ban them now"], "target": ["phones"]})
    ['FAVOR']
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
        negation: bool = True,
        max_iter: int = 2000,
        random_state: int = 0,
        text_column: str = "text",
        target_column: str | None = None,
        target_weight: float = 1.0,
        nb_scaling: bool = False,
        class_bias: Mapping[str, float] | None = None,
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
        self.negation = negation
        self.max_iter = max_iter
        self.random_state = random_state
        self.text_column = text_column
        self.target_column = target_column
        self.target_weight = target_weight
        self.nb_scaling = nb_scaling
        self.class_bias = class_bias

    def fit(self, X: Any, y: Sequence[Any]) -> "StanceClassifier":
        """Learn from ``X`` (texts, or with ``target_column`` a table of texts and targets) and the labels ``y``."""
        texts, targets = self.split_input(X)
        labels = np.asarray([str(label) for label in y], dtype=object)
        if len(texts) != len(labels):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        if len(set(labels)) < 2:
            raise ValueError("need at least two different labels to learn from")
        self.targets_ = sorted({t for t in targets if t is not None}) if targets is not None else []
        pipeline = Pipeline([("features", self.make_features()), ("model", self.make_model(bool(self.targets_)))])
        features = self.with_targets(pipeline[0].fit_transform(texts), targets)
        model = pipeline[1].fit(features, labels)
        self.temperature_ = self._out_of_fold_temperature(features, labels) if self.temperature == "auto" else float(self.temperature)
        model.coef_ /= self.temperature_
        model.intercept_ /= self.temperature_
        model.intercept_ += self._bias(model.classes_)
        self.pipeline_ = pipeline
        self.classes_ = model.classes_
        self.predictor_ = self._compile(pipeline)
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """Linear scores per class (after calibration)."""
        check_is_fitted(self, "predictor_")
        return self.predictor_.decision_function(*self.split_input(X))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities, shape (n_texts, n_classes), columns in ``classes_`` order."""
        check_is_fitted(self, "predictor_")
        return self.predictor_.predict_proba(*self.split_input(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable label of each text."""
        check_is_fitted(self, "predictor_")
        return np.asarray(self.predictor_.predict(*self.split_input(X)), dtype=object)

    def save(self, path: str) -> None:
        """Write the fitted model to ``path`` in stance's safe format (see :func:`stance.load`)."""
        from stance.persistence import save

        check_is_fitted(self, "predictor_")
        save(self, path)

    def split_input(self, X: Any) -> tuple[list[str], list[str | None] | None]:
        """The texts of ``X`` and, with ``target_column``, the target of each (``None`` where it has none)."""
        if self.target_column is None:
            return as_texts(X), None
        if not isinstance(X, Mapping) and not hasattr(X, "columns"):
            raise TypeError(f"with target_column set, X must be a DataFrame or a mapping of columns, not {type(X).__name__}")
        if self.text_column not in X or self.target_column not in X:
            raise KeyError(f"X needs the columns {self.text_column!r} (texts) and {self.target_column!r} (targets)")
        return as_texts(X[self.text_column]), as_targets(X[self.target_column])

    def make_features(self) -> FeatureUnion:
        """The unfitted union of TF-IDF blocks this estimator's parameters describe."""
        blocks = []
        common = dict(sublinear_tf=self.sublinear_tf, min_df=self.min_df, dtype=np.float64)
        if self.word_ngram_range is not None:
            pattern = SOCIAL_TOKEN_PATTERN if self.social else WORD_TOKEN_PATTERN
            word = TfidfVectorizer(analyzer="word", ngram_range=tuple(self.word_ngram_range), token_pattern=pattern,
                                   preprocessor=preprocessor(self.social, self.negation), **common)
            blocks.append(("word", word))
        if self.char_ngram_range is not None:
            char = TfidfVectorizer(analyzer=self.char_analyzer, ngram_range=tuple(self.char_ngram_range),
                                   preprocessor=preprocessor(self.social), **common)
            blocks.append(("char", char))
        if not blocks:
            raise ValueError("word_ngram_range and char_ngram_range cannot both be None")
        return FeatureUnion(blocks)

    def make_model(self, with_targets: bool = False) -> Any:
        """The unfitted linear model: scikit-learn's logistic regression, or (with targets or NB scaling) its variant
        that skips unused columns and can scale features (:class:`SparseLogisticRegression`)."""
        if with_targets or self.nb_scaling:
            return SparseLogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                            nb_scaling=self.nb_scaling)
        return logistic_regression(self.C, self.class_weight, self.max_iter)

    def with_targets(self, features: Any, targets: Sequence[str | None] | None) -> Any:
        """The TF-IDF matrix augmented with each row's per-target copy (unchanged for a model without targets)."""
        if not self.targets_ or targets is None:
            return features
        return augment(features, target_index(targets, self.targets_), len(self.targets_), self.target_weight)

    def _bias(self, classes: np.ndarray) -> np.ndarray:
        """``class_bias`` as offsets to the intercepts (one, the difference, for a two-class model)."""
        unknown = sorted(set(self.class_bias or {}) - set(classes))
        if unknown:
            raise ValueError(f"class_bias names labels not in the training labels: {', '.join(unknown)}")
        offsets = np.asarray([float((self.class_bias or {}).get(label, 0.0)) for label in classes])
        return offsets[1:] - offsets[0] if len(classes) == 2 else offsets

    def _out_of_fold_temperature(self, features: Any, labels: np.ndarray) -> float:
        """The temperature fitted on 3-fold out-of-fold scores (1.0 when a class is too small to fold)."""
        n_splits = min(3, int(np.unique(labels, return_counts=True)[1].min()))
        if n_splits < 2:
            return 1.0
        folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
        scores = cross_val_predict(self.make_model(bool(self.targets_)), features, labels, cv=folds, method="decision_function")
        return fit_temperature(scores, labels)

    def _compile(self, pipeline: Pipeline) -> StancePredictor:
        """Freeze the fitted pipeline into a NumPy-only predictor (per-target weights folded into the coefficients)."""
        blocks = [
            FeatureBlock(
                analyzer=vec.analyzer,
                ngram_range=vec.ngram_range,
                vocabulary={term: int(j) for term, j in vec.vocabulary_.items()},
                idf=vec.idf_.astype(np.float64),
                sublinear_tf=vec.sublinear_tf,
                social=self.social,
                negation=self.negation and name == "word",
            )
            for name, vec in pipeline[0].transformer_list
        ]
        model = pipeline[1]
        if not self.targets_:
            return StancePredictor(model.classes_, blocks, model.coef_, model.intercept_)
        n_features = sum(block.n_features for block in blocks)
        coef = model.coef_[:, : n_features * (1 + len(self.targets_))].copy()
        coef[:, n_features:] *= self.target_weight
        target_intercept = model.coef_[:, coef.shape[1]:].T * self.target_weight
        return StancePredictor(model.classes_, blocks, coef, model.intercept_, targets=self.targets_,
                               target_intercept=target_intercept)


class SparseLogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression fitted on the columns that occur in training, optionally on NB-scaled features (NB-SVM).

    Columns no training row uses (most of the per-target copies) keep a zero weight under L2 regularisation, so
    leaving them out of the solver gives the same model faster. With ``nb_scaling``, one binary model per class
    (one for two classes) sees the features times that class's naive Bayes log-count ratio: the log of how often
    each feature occurs in the class over how often elsewhere, each smoothed by ``alpha`` and normalised. ``coef_``
    always holds the final weights over every column (ratios folded in), so scoring is ``X @ coef_.T + intercept_``.
    Its problems are several times larger than plain ones, so the solver stops at a looser ``tol`` (1e-3 instead
    of 1e-4: cross-validated scores move by less than their noise, fitting takes about half the time).
    """

    def __init__(self, C: float = 10.0, class_weight: str | None = "balanced", max_iter: int = 2000,
                 nb_scaling: bool = False, alpha: float = 1.0, tol: float = 1e-3):
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.nb_scaling = nb_scaling
        self.alpha = alpha
        self.tol = tol

    def fit(self, X: Any, y: Sequence[Any]) -> "SparseLogisticRegression":
        """Fit on the used columns; ``coef_`` is zero elsewhere."""
        X = sp.csr_matrix(X)
        y = np.asarray(y)
        used = np.unique(X.indices)
        coef, self.intercept_, self.classes_ = self._fit_used(X[:, used], y)
        self.coef_ = np.zeros((len(coef), X.shape[1]))
        self.coef_[:, used] = coef
        return self

    def _fit_used(self, X: sp.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Weights, intercepts and classes: multinomial, or one-vs-rest on NB-scaled features."""
        if not self.nb_scaling:
            model = logistic_regression(self.C, self.class_weight, self.max_iter, self.tol).fit(X, y)
            return model.coef_, model.intercept_, model.classes_
        classes = np.unique(y)
        present = sp.csr_matrix((np.ones_like(X.data), X.indices, X.indptr), shape=X.shape)
        coef, intercept = [], []
        for positive in classes[1:] if len(classes) == 2 else classes:
            is_positive = y == positive
            ratio = self._log_count_ratio(present, is_positive)
            model = logistic_regression(self.C, self.class_weight, self.max_iter, self.tol)
            model.fit(X.multiply(ratio).tocsr(), is_positive)
            coef.append(model.coef_[0] * ratio)
            intercept.append(model.intercept_[0])
        return np.vstack(coef), np.asarray(intercept), classes

    def _log_count_ratio(self, present: Any, is_positive: np.ndarray) -> np.ndarray:
        """log(p / |p|) - log(q / |q|) with p, q the smoothed document counts of each feature in and out of the class."""
        p = self.alpha + np.asarray(present[is_positive].sum(axis=0)).ravel()
        q = self.alpha + np.asarray(present[~is_positive].sum(axis=0)).ravel()
        return np.log(p / p.sum()) - np.log(q / q.sum())

    def decision_function(self, X: Any) -> np.ndarray:
        """Scores per class, or one score per row for two classes (as ``LogisticRegression``)."""
        check_is_fitted(self, "coef_")
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores[:, 0] if len(self.coef_) == 1 else scores

    def predict_proba(self, X: Any) -> np.ndarray:
        """Softmax of the scores (logistic for two classes), columns in ``classes_`` order."""
        return scores_to_proba(self.decision_function(X))

    def predict(self, X: Any) -> np.ndarray:
        """The highest-scoring class of each row."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def logistic_regression(C: float, class_weight: str | None, max_iter: int, tol: float = 1e-4) -> LogisticRegression:
    """The linear model everywhere: newton-cg converges in a few iterations on TF-IDF features, deterministically."""
    return LogisticRegression(C=C, class_weight=class_weight, max_iter=max_iter, solver="newton-cg", tol=tol)


def target_index(targets: Sequence[str | None], known: Sequence[str]) -> np.ndarray:
    """Each target's position in ``known``, or -1 for a target not in it (or none)."""
    position = {target: i for i, target in enumerate(known)}
    return np.asarray([position.get(t, -1) if t is not None else -1 for t in targets], dtype=np.int64)


def augment(features: Any, target_index: np.ndarray, n_targets: int, weight: float = 1.0) -> sp.csr_matrix:
    """``[x | x in the block of its target | a bias column per target]``; rows with index -1 get the first part only.

    A row of target t repeats its entries, times ``weight``, at columns ``col + n_features * (1 + t)``, and has
    ``weight`` in column ``n_features * (1 + n_targets) + t``: the linear model then learns weights shared by
    every target and weights (and an intercept) of each target.
    """
    coo = sp.coo_matrix(features)
    n_rows, n_features = coo.shape
    entry_target = target_index[coo.row]
    known = entry_target >= 0
    rows_with_target = np.flatnonzero(target_index >= 0)
    rows = np.concatenate([coo.row, coo.row[known], rows_with_target])
    cols = np.concatenate([coo.col, coo.col[known] + n_features * (1 + entry_target[known]),
                           n_features * (1 + n_targets) + target_index[rows_with_target]])
    values = np.concatenate([coo.data, coo.data[known] * weight, np.full(len(rows_with_target), float(weight))])
    return sp.csr_matrix((values, (rows, cols)), shape=(n_rows, n_features * (1 + n_targets) + n_targets))


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
