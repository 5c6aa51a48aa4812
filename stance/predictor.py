"""A fitted stance model frozen for prediction: TF-IDF features and linear scores in NumPy, no scikit-learn.

Scoring one quote through a scikit-learn pipeline pays input validation and sparse-matrix set-up on every call;
computing the same features and scores directly from the fitted vocabulary, IDF weights and coefficients gives
identical probabilities in a fraction of the time, and lets the shipped model load without importing
scikit-learn. Texts are analysed in Python (``char_wb`` n-gram ids cached per word); counting, TF-IDF weighting and
scoring run on whole batches in NumPy.

A model trained with targets has, besides the weights shared by every target, one block of weights (and an
intercept) per target: a text about a known target adds its target's block to the shared score.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from stance.text import build_analyzer, preprocessor, split_words, word_char_ngrams

WORD_CACHE_LIMIT = 100_000
SCORE_BATCH = 1_000
_IDS = np.dtype(np.intc)  # packed n-gram ids: C ints, as array.array("i") writes them
_FIRST = np.zeros(1, dtype=np.intp)


@dataclass
class FeatureBlock:
    """One fitted TF-IDF vectorizer: its analyzer settings, vocabulary and IDF weights."""

    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray
    sublinear_tf: bool = True
    social: bool = False
    negation: bool = False
    analyze: Callable[[str], list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.ngram_range = (int(self.ngram_range[0]), int(self.ngram_range[1]))
        self.idf = np.asarray(self.idf, dtype=np.float64)
        self.analyze = build_analyzer(self.analyzer, self.ngram_range, self.social, self.negation)

    @property
    def n_features(self) -> int:
        """Number of columns this block contributes."""
        return len(self.idf)

    def __reduce__(self) -> tuple:
        """Pickle the fitted fields only; the analyzer is rebuilt from them."""
        return FeatureBlock, (self.analyzer, self.ngram_range, self.vocabulary, self.idf, self.sublinear_tf, self.social,
                              self.negation)


class _WordColumns(dict):
    """word -> its packed ``char_wb`` columns, computed on first sight; emptied when full, to bound memory."""

    def __init__(self, compute: Callable[[str], bytes]):
        super().__init__()
        self.compute = compute
        self.limit = WORD_CACHE_LIMIT

    def __missing__(self, word: str) -> bytes:
        if len(self) >= self.limit:
            self.clear()
        columns = self[word] = self.compute(word)
        return columns


class _ColumnPacker:
    """text -> the columns of its in-vocabulary n-grams in one block (repeats kept), packed as C ints.

    Packed bytes join in C, so a batch becomes one array without a Python loop over n-grams. ``char_wb`` n-grams
    never cross words, so each word's columns are computed once, sorted (a text is then a few sorted runs, which
    timsort merges fast) and cached.
    """

    def __init__(self, block: FeatureBlock, offset: int):
        self.block, self.offset = block, offset
        self.pack: Callable[[str], bytes] = self._pack_text
        if block.analyzer == "char_wb":
            self.preprocess = preprocessor(block.social, block.negation)
            self.words = _WordColumns(self._pack_word)
            self.pack = self._pack_by_word

    def _pack_text(self, text: str) -> bytes:
        """All n-grams of the text at once (word and ``char`` analyzers)."""
        return array("i", self._columns(self.block.analyze(text))).tobytes()

    def _pack_by_word(self, text: str) -> bytes:
        """The cached columns of each word (``char_wb``), joined."""
        return b"".join(map(self.words.__getitem__, split_words(self.preprocess(text))))

    def _pack_word(self, word: str) -> bytes:
        """One word's ``char_wb`` columns, sorted."""
        return array("i", sorted(self._columns(word_char_ngrams(word, self.block.ngram_range)))).tobytes()

    def _columns(self, grams: list[str]) -> list[int]:
        """The columns of the in-vocabulary ``grams``, in order."""
        found = [j for j in map(self.block.vocabulary.get, grams) if j is not None]
        return [self.offset + j for j in found] if self.offset else found


class StancePredictor:
    """Scores texts with fitted TF-IDF blocks and a linear model; the prediction half of ``StanceClassifier``.

    Parameters
    ----------
    classes : sequence of str
        Labels in the model's order; every probability vector follows it.
    blocks : list of FeatureBlock
        Feature blocks whose columns are stacked left to right.
    coef : ndarray of shape (n_scores, n_features * (1 + n_targets))
        One row per class, or one row for two classes. The first ``n_features`` columns are shared by every target;
        target ``t`` has the block of ``n_features`` columns that starts at ``n_features * (1 + t)``.
    intercept : ndarray of shape (n_scores,)
    targets : sequence of str, optional
        The targets seen in training, in the order of their coefficient blocks (none: a model without targets).
    target_intercept : ndarray of shape (n_targets, n_scores), optional
        What each target adds to ``intercept`` (default: zeros).

    Notes
    -----
    A text whose target is not among ``targets`` (or that has none) is scored with the shared weights and
    ``intercept`` only: what the model learned from every target is its best guess for a new one.
    """

    def __init__(self, classes: Sequence[str], blocks: list[FeatureBlock], coef: np.ndarray, intercept: np.ndarray,
                 targets: Sequence[str] | None = None, target_intercept: np.ndarray | None = None):
        self.classes_ = np.asarray(list(classes), dtype=object)
        self.blocks = blocks
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.targets = [str(target) for target in targets or ()]
        n_scores = len(self.coef)
        self.target_intercept = (np.zeros((len(self.targets), n_scores)) if target_intercept is None
                                 else np.asarray(target_intercept, dtype=np.float64))
        self._terms: list[str] | None = None
        sizes = [b.n_features for b in blocks]
        n_features = sum(sizes)
        if self.coef.shape[1] != n_features * (1 + len(self.targets)):
            raise ValueError("coefficients and feature blocks disagree on the number of features")
        if self.target_intercept.shape != (len(self.targets), n_scores) or len(set(self.targets)) != len(self.targets):
            raise ValueError("targets and their intercepts disagree, or a target is named twice")
        starts = np.cumsum([0, *sizes]).tolist()
        self._packers = [_ColumnPacker(block, start) for block, start in zip(blocks, starts)]
        # One row per column: its block, IDF weight and shared coefficients, gathered with one random access per n-gram.
        self._columns = np.column_stack([np.repeat(np.arange(len(blocks), dtype=np.float64), sizes),
                                         np.concatenate([b.idf for b in blocks]), self.coef[:, :n_features].T])
        self._sublinear = np.repeat([b.sublinear_tf for b in blocks], sizes)
        # Row t * n_features + column: target t's coefficients of that column.
        self._target_coef = np.ascontiguousarray(self.coef[:, n_features:].T)
        self._target_position = {target: t for t, target in enumerate(self.targets)}

    @property
    def n_features(self) -> int:
        """Number of feature columns, all blocks together."""
        return len(self._columns)

    def __reduce__(self) -> tuple:
        """Pickle the model itself; lookup tables and word caches are rebuilt on loading."""
        return StancePredictor, (list(self.classes_), self.blocks, self.coef, self.intercept, self.targets,
                                 self.target_intercept)

    def features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse TF-IDF rows of ``texts`` as coordinate arrays (row ids, column ids, values).

        Entries are sorted by row then column, as in the CSR matrix scikit-learn's ``FeatureUnion`` makes; each
        block's part of a row is L2-normalised on its own, as each ``TfidfVectorizer`` does.
        """
        rows, cols, values, _ = self._weighted_terms(texts)
        return rows, cols, values

    def _weighted_terms(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`features`, plus each entry's row of the column table (block, IDF weight, coefficients)."""
        keys = self._term_keys(texts)
        keys.sort(kind="stable")  # timsort: the keys are short sorted runs (one per block and cached word)
        boundaries = np.empty(len(keys) + 1, dtype=bool)
        boundaries[0] = boundaries[-1] = True
        np.not_equal(keys[1:], keys[:-1], out=boundaries[1:-1])
        edges = boundaries.nonzero()[0]
        keys = keys[edges[:-1]]
        rows, cols = (np.zeros_like(keys), keys) if len(texts) == 1 else np.divmod(keys, self.n_features)
        columns = self._columns[cols]
        values = self._term_frequency(np.subtract(edges[1:], edges[:-1], dtype=np.float64), cols)
        values *= columns[:, 1]
        # Each (row, block) part is normalised; it has at least one entry, and every value is >= 1 (IDF >= 1).
        segments = rows * len(self.blocks) + columns[:, 0].astype(rows.dtype)
        values /= np.sqrt(np.bincount(segments, weights=values * values))[segments]
        return rows, cols, values, columns

    def _term_keys(self, texts: Sequence[str]) -> np.ndarray:
        """``row * n_features + column`` for every in-vocabulary n-gram of ``texts`` in every block, repeats kept."""
        packers = [packer.pack for packer in self._packers]
        packed = [b"".join([pack(text) for pack in packers]) for text in texts]
        key_type = np.int32 if (len(texts) + 1) * self.n_features < 2**31 else np.int64
        if len(texts) == 1:  # one quote (the common call): its keys are its columns
            return np.frombuffer(packed[0], dtype=_IDS).astype(key_type)
        row_starts = np.arange(len(texts), dtype=key_type) * key_type(self.n_features)
        lengths = [len(columns) // _IDS.itemsize for columns in packed]
        return np.repeat(row_starts, lengths) + np.frombuffer(b"".join(packed), dtype=_IDS)

    def _term_frequency(self, counts: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Raw counts, or 1 + log(count) for the columns of ``sublinear_tf`` blocks."""
        sublinear = [b.sublinear_tf for b in self.blocks]
        if not any(sublinear):
            return counts
        tf = np.log(counts)
        tf += 1.0
        return tf if all(sublinear) else np.where(self._sublinear[cols], tf, counts)

    def decision_function(self, texts: Sequence[str], targets: Sequence[Any] | None = None) -> np.ndarray:
        """Linear scores, shape (n_texts, n_classes), or (n_texts,) for a two-class model, as scikit-learn.

        ``targets``: each text's target, for a model trained with targets (a target it has not seen, or none,
        scores with the shared weights only; a model without targets ignores them). Long lists are scored
        :data:`SCORE_BATCH` texts at a time, which bounds the memory scoring needs.
        """
        if len(texts) > SCORE_BATCH:
            parts = [slice(i, i + SCORE_BATCH) for i in range(0, len(texts), SCORE_BATCH)]
            return np.concatenate([self.decision_function(texts[part], None if targets is None else targets[part])
                                   for part in parts])
        rows, cols, values, columns = self._weighted_terms(texts)
        index = self.target_index(targets, len(texts))
        if index is not None:
            self._add_target_coefs(index[rows], cols, columns[:, 2:])
        scores = np.zeros((len(texts), len(self.coef)))  # a text without known n-grams scores the intercept
        if len(rows):  # entries are grouped by row: sum each row's run, the same way however texts are batched
            starts = np.concatenate(([True], rows[1:] != rows[:-1])).nonzero()[0] if len(texts) > 1 else _FIRST
            columns *= values[:, np.newaxis]
            scores[rows[starts]] = np.add.reduceat(columns, starts, axis=0)[:, 2:]
        scores += self.intercept
        if index is not None:
            known = index >= 0
            scores[known] += self.target_intercept[index[known]]
        return scores[:, 0] if len(self.coef) == 1 else scores

    def target_index(self, targets: Sequence[Any] | None, n_texts: int) -> np.ndarray | None:
        """Each text's position in :attr:`targets` (-1: unseen or none), or ``None`` when targets change nothing."""
        if targets is None or not self.targets:
            return None
        if isinstance(targets, str) or len(targets) != n_texts:
            got = "a str" if isinstance(targets, str) else len(targets)
            raise ValueError(f"expected one target per text ({n_texts}), got {got}")
        position = self._target_position
        return np.asarray([position.get(target, -1) for target in as_targets(targets)], dtype=np.int64)

    def _add_target_coefs(self, entry_target: np.ndarray, cols: np.ndarray, coefs: np.ndarray) -> None:
        """Add, in place, to each entry's shared coefficients those of its text's target (where the model knows it)."""
        known = entry_target >= 0
        coefs[known] += self._target_coef[entry_target[known] * self.n_features + cols[known]]

    def predict_proba(self, texts: Sequence[str], targets: Sequence[Any] | None = None) -> np.ndarray:
        """Probabilities, shape (n_texts, n_classes), columns in ``classes_`` order (targets: :meth:`decision_function`)."""
        return scores_to_proba(self.decision_function(texts, targets))

    def predict(self, texts: Sequence[str], targets: Sequence[Any] | None = None) -> list[str]:
        """The most probable label of each text."""
        return self.labels(self.predict_proba(texts, targets))

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

    def contributions(self, text: str, label_index: int, target: str | None = None) -> list[tuple[str, float]]:
        """Each present n-gram's push toward ``label_index`` relative to the other labels, largest first.

        With the ``target`` of a model trained with targets, each push includes that target's weights.
        """
        rows, cols, vals, columns = self._weighted_terms([text])
        coefs = columns[:, 2:]
        index = self.target_index([target], 1)
        if index is not None:
            self._add_target_coefs(index[rows], cols, coefs)
        if coefs.shape[1] == 1:
            sign = 1.0 if label_index == 1 else -1.0
            weights = sign * coefs[:, 0]
        else:
            weights = coefs[:, label_index] - coefs.mean(axis=1)
        pushes: dict[str, float] = {}
        for column, push in zip(cols.tolist(), (vals * weights).tolist()):
            name = self.term(column)
            pushes[name] = pushes.get(name, 0.0) + push
        return sorted(pushes.items(), key=lambda item: -item[1])


def as_targets(values: Sequence[Any]) -> list[str | None]:
    """Target names as stripped strings; a missing value (None, NaN, pandas NA, empty) becomes ``None``: no target."""
    if isinstance(values, str):
        raise TypeError("expected a sequence of targets, got a single str; wrap it in a list")
    return [_target_name(value) for value in values]


def _target_name(value: Any) -> str | None:
    """One target as a stripped string, or ``None`` for a missing value."""
    if value is None or type(value).__name__ in ("NAType", "NaTType") or (isinstance(value, float) and value != value):
        return None
    return str(value).strip() or None


def scores_to_proba(scores: np.ndarray) -> np.ndarray:
    """Softmax over classes, or the logistic function for a two-class model, as scikit-learn's LogisticRegression."""
    if scores.ndim == 1:
        positive = 1.0 / (1.0 + np.exp(-scores))
        return np.column_stack([1.0 - positive, positive])
    shifted = np.exp(scores - np.maximum.reduce(scores, axis=1, keepdims=True))
    shifted /= np.add.reduce(shifted, axis=1, keepdims=True)
    return shifted
