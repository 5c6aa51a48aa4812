"""StancePredictor scores exactly as the fitted scikit-learn pipeline it was compiled from, on 10,000 varied texts."""

from __future__ import annotations

import csv
import pickle
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import stance
from stance.classifier import StanceClassifier
from stance.predictor import StancePredictor

AUTHORED = Path(__file__).resolve().parents[1] / "seeds" / "authored.csv"
N_TEXTS = 10_000
TOLERANCE = 1e-9
ODDITIES = ["🇺🇦", "🕊️", "👩🏽‍⚖️", "«Мир»", "السلام", "שלום", "和平", "naïve", "Café", "İstanbul", "straße",
            "\u200b", "\x00", "\x1b[0m", "\t", "\n", "\r\n", "\u00a0", "\u3000", "#Ukraine", "@POTUS",
            "https://x.org/a?b=c", "soooo", "!!!", "...", "—", "'", '"', "2025", "_", "a", "I"]
CONFIGURATIONS = {  # StanceClassifier parameters; temperature 1.0 skips the calibration folds (faster, same maths)
    "word+char_wb": {},
    "two labels": {"temperature": 1.0},
    "word only, raw tf, min_df 2": {"char_ngram_range": None, "word_ngram_range": (1, 3), "sublinear_tf": False,
                                    "min_df": 2, "temperature": 1.0},
    "char_wb only": {"word_ngram_range": None, "char_ngram_range": (1, 4), "temperature": 1.0},
    "char analyzer": {"char_analyzer": "char", "char_ngram_range": (2, 4), "word_ngram_range": (2, 3), "temperature": 1.0},
    "social": {"social": True, "temperature": 1.0},
}


def read_corpus() -> tuple[list[str], list[str]]:
    """Texts and labels of the bundled authored corpus."""
    with open(AUTHORED, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def noisy(word: str, rng: random.Random) -> str:
    """A word with a typo, a case change or an odd character now and then."""
    roll = rng.random()
    if roll < 0.05 and len(word) > 2:
        i = rng.randrange(len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if roll < 0.08:
        return word.upper()
    if roll < 0.14:
        return rng.choice(ODDITIES) + word if rng.random() < 0.5 else word + rng.choice(ODDITIES)
    return word


def varied_texts(corpus: list[str], n: int, seed: int = 0) -> list[str]:
    """``n`` texts recombined from the corpus: shuffled sentences and words, noise, unicode, empty and very long."""
    rng = random.Random(seed)
    words = [w for text in corpus for w in text.split()]
    texts = ["", " ", "\n\t", "a", "I", "🇺🇦", "zzzzqqq xxyyzz"]
    while len(texts) < n:
        kind = rng.random()
        if kind < 0.45:
            text = " ".join(rng.sample(corpus, rng.randint(1, 3)))
        elif kind < 0.8:
            text = " ".join(noisy(rng.choice(words), rng) for _ in range(rng.randint(1, 40)))
        elif kind < 0.99:
            text = rng.choice(["", " ", "\t"]).join(rng.choice(ODDITIES + words[:50]) for _ in range(rng.randint(0, 8)))
        else:
            text = "\n".join(rng.choices(corpus, k=rng.randint(10, 40)))
        texts.append(text)
    return texts


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str]]:
    return read_corpus()


@pytest.fixture(scope="module")
def texts(corpus) -> list[str]:
    return varied_texts(corpus[0], N_TEXTS)


@pytest.fixture(scope="module")
def training_rows(corpus) -> tuple[list[str], list[str]]:
    """A few hundred labelled rows, enough for a realistic vocabulary and a fast fit."""
    texts, labels = corpus
    rng = random.Random(1)
    picked = rng.sample(range(len(texts)), 300)
    return [texts[i] for i in picked], [labels[i] for i in picked]


@dataclass
class Reference:
    """A classifier fitted on the training rows, and scikit-learn's answers for every text (computed once)."""

    clf: StanceClassifier
    proba: np.ndarray
    scores: np.ndarray
    labels: list[str]


@pytest.fixture(scope="module")
def reference(training_rows, texts):
    """Configuration name -> Reference; what ``Pipeline.predict_proba`` etc. compute, with one transform."""
    memo: dict[str, Reference] = {}

    def fit(name: str) -> Reference:
        if name not in memo:
            rows, labels = training_rows
            if name == "two labels":
                labels = ["critical" if label == "critical_of_concessions" else "other" for label in labels]
            clf = StanceClassifier(**CONFIGURATIONS[name]).fit(rows, labels)
            features, model = clf.pipeline_[0].transform(texts), clf.pipeline_[1]
            memo[name] = Reference(clf, model.predict_proba(features), model.decision_function(features),
                                   model.predict(features).tolist())
        return memo[name]

    return fit


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_predictor_matches_pipeline(name, reference, texts):
    expected = reference(name)
    predictor = expected.clf.predictor_
    proba = predictor.predict_proba(texts)
    assert proba.shape == expected.proba.shape
    assert np.abs(proba - expected.proba).max() < TOLERANCE
    assert predictor.labels(proba) == expected.labels
    scores = predictor.decision_function(texts)
    assert scores.shape == expected.scores.shape
    assert np.abs(scores - expected.scores).max() < TOLERANCE


def test_pipeline_object_gives_the_reference_answers(reference, texts):
    clf = reference("word+char_wb").clf
    sample = texts[:200]
    np.testing.assert_array_equal(clf.pipeline_.predict_proba(sample), reference("word+char_wb").proba[:200])
    assert clf.predictor_.predict(sample) == clf.pipeline_.predict(sample).tolist()


def test_two_label_model_scores_are_one_dimensional(reference, texts):
    assert reference("two labels").clf.predictor_.decision_function(texts[:3]).shape == (3,)


def test_public_functions_match_pipeline(reference, texts):
    expected = reference("word+char_wb")
    clf = expected.clf
    got = stance.predict_proba(texts, model=clf)
    assert list(got[0]) == list(clf.classes_)
    assert np.abs(np.array([list(d.values()) for d in got]) - expected.proba).max() < TOLERANCE
    assert stance.predict(texts, model=clf) == expected.labels
    for i in (0, 100, 5_000):
        one = stance.predict_proba(texts[i], model=clf)
        assert np.abs(np.array(list(one.values())) - expected.proba[i]).max() < TOLERANCE
        assert stance.predict(texts[i], model=clf) == expected.labels[i]


def test_features_equal_the_pipeline_matrix_entry_for_entry(reference, texts):
    clf = reference("word+char_wb").clf
    sample = texts[:500]
    matrix = clf.pipeline_[0].transform(sample).tocsr()
    matrix.sort_indices()
    expected = matrix.tocoo()
    rows, cols, values = clf.predictor_.features(sample)
    np.testing.assert_array_equal(rows, expected.row)
    np.testing.assert_array_equal(cols, expected.col)
    np.testing.assert_allclose(values, expected.data, rtol=0, atol=1e-12)


def test_scoring_does_not_depend_on_batching_or_the_word_cache(reference, texts):
    predictor = reference("word+char_wb").clf.predictor_
    sample = texts[:300]
    together = predictor.predict_proba(sample)
    one_by_one = np.vstack([predictor.predict_proba([text]) for text in sample])
    np.testing.assert_array_equal(together, one_by_one)
    in_threes = np.vstack([predictor.predict_proba(sample[i : i + 3]) for i in range(0, len(sample), 3)])
    np.testing.assert_array_equal(together, in_threes)
    word_cache = predictor._packers[1].words
    word_cache.clear()
    word_cache.limit = 5
    np.testing.assert_array_equal(predictor.predict_proba(sample), together)
    assert 0 < len(word_cache) <= 5


def test_empty_batch_and_texts_without_known_ngrams(tiny_model):
    predictor: StancePredictor = tiny_model.predictor_
    assert predictor.predict_proba([]).shape == (0, 3)
    assert predictor.predict([]) == []
    unknown = predictor.predict_proba(["", "ЖЖЖ ЩЩЩ", "\u200b"])
    intercept_only = np.exp(predictor.intercept) / np.exp(predictor.intercept).sum()
    np.testing.assert_allclose(unknown, np.tile(intercept_only, (3, 1)), rtol=0, atol=1e-12)


def test_mismatched_coefficients_are_refused(tiny_model):
    predictor = tiny_model.predictor_
    with pytest.raises(ValueError, match="disagree on the number of features"):
        StancePredictor(predictor.classes_, predictor.blocks, predictor.coef[:, :-1], predictor.intercept)


def test_pickles_without_its_caches(tiny_model):
    predictor = tiny_model.predictor_
    predictor.predict_proba(["We welcome the talks"])
    copy = pickle.loads(pickle.dumps(predictor))
    assert len(predictor._packers[1].words) > 0 and len(copy._packers[1].words) == 0
    texts = ["We welcome the talks", "This is a surrender", ""]
    np.testing.assert_array_equal(copy.predict_proba(texts), predictor.predict_proba(texts))
    assert list(copy.classes_) == list(predictor.classes_)
