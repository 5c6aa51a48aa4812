"""A fitted stance model frozen for prediction: TF-IDF features and linear scores in NumPy, no scikit-learn.

Scoring one quote through a scikit-learn pipeline pays input validation and sparse-matrix set-up on every call;
computing the same features and scores directly from the fitted vocabulary, IDF weights and coefficients gives
identical probabilities in a fraction of the time, and lets the shipped model load without importing
scikit-learn. Texts are analysed in Python (``char_wb`` n-gram ids cached per word); counting, TF-IDF weighting and
scoring run on whole batches in NumPy.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from stance.text import build_analyzer, preprocessor, split_words, word_char_ngrams

WORD_CACHE_LIMIT = 100_000
_IDS = np.dtype(np.intc)  # packed n-gram ids: C ints, as array.array("i") writes them


class _WordIds(dict):
    """word -> its in-vocabulary ``char_wb`` n-gram ids as packed bytes, computed on first sight.

    Bytes join in C, so a text's ids are one ``b"".join`` over its words. Emptied when full, to bound memory.
    """

    def __init__(self, lookup: Callable[[str], bytes], limit: int):
        super().__init__()
        self.lookup = lookup
        self.limit = limit

    def __missing__(self, word: str) -> bytes:
        if len(self) >= self.limit:
            self.clear()
        ids = self[word] = self.lookup(word)
        return ids


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
    _preprocess: Callable[[str], str] = field(init=False, repr=False)
    _word_ids: _WordIds = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.ngram_range = (int(self.ngram_range[0]), int(self.ngram_range[1]))
        self.idf = np.asarray(self.idf, dtype=np.float64)
        self._analyze = build_analyzer(self.analyzer, self.ngram_range, self.social)
        self._preprocess = preprocessor(self.social)
        self._word_ids = _WordIds(self._packed_word_ids, WORD_CACHE_LIMIT)

    @property
    def n_features(self) -> int:
        """Number of columns this block contributes."""
        return len(self.idf)

    def term_ids(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """Vocabulary ids of the n-grams of ``texts`` (out-of-vocabulary ones dropped, repeats kept), all texts
        concatenated, and how many belong to each text."""
        if self.analyzer == "char_wb":
            word_ids, preprocess = self._word_ids.__getitem__, self._preprocess
            packed = [b"".join(map(word_ids, split_words(preprocess(text)))) for text in texts]
            return np.frombuffer(b"".join(packed), dtype=_IDS), [len(ids) // _IDS.itemsize for ids in packed]
        found: list[int] = []
        lengths: list[int] = []
        for text in texts:
            ids = self._known_ids(self._analyze(text))
            found.extend(ids)
            lengths.append(len(ids))
        return np.array(found, dtype=_IDS), lengths

    def _known_ids(self, grams: list[str]) -> list[int]:
        """Vocabulary ids of the in-vocabulary ``grams``, in order."""
        return [j for j in map(self.vocabulary.get, grams) if j is not None]

    def _packed_word_ids(self, word: str) -> bytes:
        """Packed in-vocabulary ids of one word's padded character n-grams."""
        return array("i", self._known_ids(word_char_ngrams(word, self.ngram_range))).tobytes()


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
        self._terms: list[str] | None = None
        sizes = [b.n_features for b in blocks]
        if self.coef.shape[1] != sum(sizes):
            raise ValueError("coefficients and feature blocks disagree on the number of features")
        self._offsets = np.cumsum([0, *sizes])[:-1].tolist()
        self._idf = np.concatenate([b.idf for b in blocks])
        self._block_of = np.repeat(np.arange(len(blocks), dtype=np.intp), sizes)
        self._sublinear = np.repeat([b.sublinear_tf for b in blocks], sizes)
        self._sublinear_blocks = {b.sublinear_tf for b in blocks}

    def features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse TF-IDF rows of ``texts`` as coordinate arrays (row ids, column ids, values).

        Entries are sorted by row then column, as in the CSR matrix scikit-learn's ``FeatureUnion`` makes; each
        block's part of a row is L2-normalised on its own, as each ``TfidfVectorizer`` does.
        """
        keys, n_columns = self._term_keys(texts), len(self._idf)
        keys.sort()
        boundaries = np.empty(len(keys) + 1, dtype=bool)
        boundaries[[0, -1]] = True
        np.not_equal(keys[1:], keys[:-1], out=boundaries[1:-1])
        edges = np.flatnonzero(boundaries)
        rows, cols = np.divmod(keys[edges[:-1]], n_columns)
        values = self._term_frequency((edges[1:] - edges[:-1]).astype(np.float64), cols) * self._idf[cols]
        segments = rows * len(self.blocks) + self._block_of[cols]
        norms = np.sqrt(np.bincount(segments, weights=values * values))
        norms[norms == 0.0] = 1.0
        values /= norms[segments]
        return rows, cols, values

    def _term_keys(self, texts: Sequence[str]) -> np.ndarray:
        """``row * n_columns + column`` for every in-vocabulary n-gram of ``texts`` in every block, repeats kept."""
        n_columns = len(self._idf)
        key_type = np.int32 if (len(texts) + 1) * n_columns < 2**31 else np.int64
        row_starts = np.arange(len(texts), dtype=key_type) * key_type(n_columns)
        keys = []
        for block, offset in zip(self.blocks, self._offsets):
            ids, lengths = block.term_ids(texts)
            keys.append(np.repeat(row_starts + offset, lengths) + ids)
        return np.concatenate(keys)

    def _term_frequency(self, counts: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Raw counts, or 1 + log(count) for the columns of ``sublinear_tf`` blocks."""
        if True not in self._sublinear_blocks:
            return counts
        sublinear = np.log(counts) + 1.0
        return sublinear if False not in self._sublinear_blocks else np.where(self._sublinear[cols], sublinear, counts)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Linear scores, shape (n_texts, n_classes), or (n_texts,) for a two-class model, as scikit-learn."""
        rows, cols, vals = self.features(texts)
        scores = np.empty((len(texts), len(self.coef)))
        for k, coef in enumerate(self.coef):
            scores[:, k] = np.bincount(rows, weights=vals * coef[cols], minlength=len(texts))
        scores += self.intercept
        return scores[:, 0] if len(self.coef) == 1 else scores

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, n_classes), columns in ``classes_`` order."""
        return scores_to_proba(self.decision_function(texts))

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable label of each text."""
        return self.labels(self.predict_proba(texts))

    def labels(self, proba: np.ndarray) -> list[str]:
        """The most probable label of each row of probabilities (the first one on a tie, as scikit-learn)."""
        return self.classes_[proba.argmax(axis=1)].tolist()

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
