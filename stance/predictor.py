"""A fitted stance model frozen for prediction: TF-IDF features and linear scores in NumPy, no scikit-learn.

Scoring one quote through a scikit-learn pipeline pays input validation and sparse-matrix set-up on every call;
computing the same features and scores directly from the fitted vocabulary, IDF weights and coefficients gives
identical probabilities in a fraction of the time, and lets the shipped model load without importing
scikit-learn.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from stance.text import _WHITE_SPACES, build_analyzer, normalize_social, word_char_ngrams

_WORD_CACHE_LIMIT = 500_000


@dataclass
class FeatureBlock:
    """One fitted TF-IDF vectorizer: its analyzer settings, vocabulary and IDF weights."""

    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray
    sublinear_tf: bool = True
    social: bool = False
    _analyze: Callable[[str], list[str]] = field(init=False, repr=False)
    _word_cache: dict[str, list[int]] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.ngram_range = tuple(int(n) for n in self.ngram_range)
        self._analyze = build_analyzer(self.analyzer, self.ngram_range, self.social)

    @property
    def n_features(self) -> int:
        """Number of columns this block contributes."""
        return len(self.idf)

    def term_ids(self, text: str) -> list[int]:
        """Vocabulary indices of the n-grams in ``text`` (out-of-vocabulary n-grams dropped), with repeats."""
        if self.analyzer == "char_wb":
            return self._char_wb_ids(text)
        get = self.vocabulary.get
        return [j for j in map(get, self._analyze(text)) if j is not None]

    def _char_wb_ids(self, text: str) -> list[int]:
        """char_wb n-grams never cross words, so each distinct word's n-gram ids are computed once and cached."""
        preprocess = normalize_social if self.social else str.lower
        cache = self._word_cache
        ids: list[int] = []
        for word in _WHITE_SPACES.sub(" ", preprocess(text)).split():
            word_ids = cache.get(word)
            if word_ids is None:
                word_ids = self._word_ids(word)
                if len(cache) < _WORD_CACHE_LIMIT:
                    cache[word] = word_ids
            ids.extend(word_ids)
        return ids

    def _word_ids(self, word: str) -> list[int]:
        """In-vocabulary ids of one word's padded character n-grams."""
        get = self.vocabulary.get
        return [j for j in map(get, word_char_ngrams(word, self.ngram_range)) if j is not None]

    def weights(self, text: str) -> tuple[list[int], list[float]]:
        """TF-IDF weights of ``text``: (column ids, L2-normalised values), as ``TfidfVectorizer.transform``."""
        counts = Counter(self.term_ids(text))
        ids = list(counts)
        idf = self.idf
        if self.sublinear_tf:
            values = [(math.log(c) + 1.0) * idf[j] for j, c in counts.items()]
        else:
            values = [c * idf[j] for j, c in counts.items()]
        norm = math.sqrt(sum(v * v for v in values))
        if norm > 0.0:
            values = [v / norm for v in values]
        return ids, values


class StancePredictor:
    """Scores texts with fitted TF-IDF blocks and a linear model; the prediction half of ``StanceClassifier``.

    Parameters
    ----------
    classes : sequence of str
        Labels in the model's order; every probability vector follows it.
    blocks : list of FeatureBlock
        Feature blocks whose columns are stacked left to right.
    coef : ndarray of shape (n_classes, n_features), or (1, n_features) for two classes
    intercept : ndarray of shape (n_classes,) or (1,)
    """

    def __init__(self, classes: Sequence[str], blocks: list[FeatureBlock], coef: np.ndarray, intercept: np.ndarray):
        self.classes_ = np.asarray(list(classes), dtype=object)
        self.blocks = blocks
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self._coef_t = np.ascontiguousarray(self.coef.T)
        self._offsets = np.cumsum([0] + [b.n_features for b in blocks])[:-1].tolist()
        self._terms: list[str] | None = None
        if self.coef.shape[1] != sum(b.n_features for b in blocks):
            raise ValueError("coefficients and feature blocks disagree on the number of features")

    def features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse TF-IDF rows of ``texts`` as coordinate arrays (row ids, column ids, values)."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for i, text in enumerate(texts):
            for block, offset in zip(self.blocks, self._offsets):
                ids, values = block.weights(text)
                rows.extend([i] * len(ids))
                cols.extend([j + offset for j in ids])
                vals.extend(values)
        return np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp), np.asarray(vals, dtype=np.float64)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Linear scores, shape (n_texts, n_classes), or (n_texts,) for a two-class model, as scikit-learn."""
        rows, cols, vals = self.features(texts)
        n_scores = self._coef_t.shape[1]
        scores = np.empty((len(texts), n_scores))
        for k in range(n_scores):
            scores[:, k] = np.bincount(rows, weights=vals * self._coef_t[cols, k], minlength=len(texts))
        scores += self.intercept
        return scores[:, 0] if n_scores == 1 else scores

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, n_classes), columns in ``classes_`` order."""
        return scores_to_proba(self.decision_function(texts))

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable label of each text."""
        return self.classes_[self.predict_proba(texts).argmax(axis=1)].tolist()

    def term(self, column: int) -> str:
        """The n-gram behind a feature column (built lazily: only explanations need it)."""
        if self._terms is None:
            terms: list[str] = []
            for block in self.blocks:
                names = [""] * block.n_features
                for name, j in block.vocabulary.items():
                    names[j] = name
                terms.extend(names)
            self._terms = terms
        return self._terms[column]

    def contributions(self, text: str, label_index: int) -> list[tuple[str, float]]:
        """Each present n-gram's push toward ``label_index`` relative to the other labels, largest first."""
        _, cols, vals = self.features([text])
        if self.coef.shape[0] == 1:
            sign = 1.0 if label_index == 1 else -1.0
            weights = sign * self.coef[0, cols]
        else:
            weights = self.coef[label_index, cols] - self.coef[:, cols].mean(axis=0)
        pushes: dict[str, float] = {}
        for column, push in zip(cols.tolist(), (vals * weights).tolist()):
            name = self.term(column)
            pushes[name] = pushes.get(name, 0.0) + push
        return sorted(pushes.items(), key=lambda item: -item[1])


def scores_to_proba(scores: np.ndarray) -> np.ndarray:
    """Softmax over classes, or the logistic function for a two-class model, as scikit-learn's LogisticRegression."""
    if scores.ndim == 1:
        positive = 1.0 / (1.0 + np.exp(-scores))
        return np.column_stack([1.0 - positive, positive])
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)

