"""StancePredictor scores exactly as the fitted scikit-learn pipeline it was compiled from, on 10,000 varied texts."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest

import stance
from stance.classifier import StanceClassifier
from stance.predictor import StancePredictor

AUTHORED = Path(__file__).resolve().parents[1] / "seeds" / "authored.csv"
N_TEXTS = 10_000
TOLERANCE = 1e-9
ODDITIES = ["🇺🇦", "🕊️", "👩🏽‍⚖️", "«Мир»", "السلام", "שלום", "和平", "naïve", "Café", "İstanbul", "straße", "\u200b",
            "\x00", "\x1b[0m", "\t", "\n", "\r\n", "\u00a0", "\u3000", "#Ukraine", "@POTUS", "https://x.org/a?b=c",
            "soooo", "!!!", "...", "—", "'", '"', "2025", "_", "a", "I"]
CONFIGURATIONS = {
    "word+char_wb": {},
    "word only": {"char_ngram_range": None, "word_ngram_range": (1, 3)},
    "char_wb only": {"word_ngram_range": None, "char_ngram_range": (1, 4)},
    "char analyzer": {"char_analyzer": "char", "char_ngram_range": (2, 4)},
    "social": {"social": True},
    "raw tf, min_df 2": {"sublinear_tf": False, "min_df": 2, "word_ngram_range": (2, 3)},
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
        elif kind < 0.97:
            text = rng.choice(["", " ", "\t"]).join(rng.choice(ODDITIES + words[:50]) for _ in range(rng.randint(0, 8)))
        else:
            text = "\n".join(rng.choices(corpus, k=rng.randint(20, 80)))
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


def assert_same_scores(clf: StanceClassifier, texts: list[str]) -> None:
    """Labels identical, probabilities and scores within TOLERANCE, predictor against pipeline."""
    pipeline, predictor = clf.pipeline_, clf.predictor_
    expected = pipeline.predict_proba(texts)
    proba = predictor.predict_proba(texts)
    assert proba.shape == expected.shape
    assert np.abs(proba - expected).max() < TOLERANCE
    assert predictor.predict(texts) == pipeline.predict(texts).tolist()
    scores, expected_scores = predictor.decision_function(texts), pipeline.decision_function(texts)
    assert scores.shape == expected_scores.shape
    assert np.abs(scores - expected_scores).max() < TOLERANCE


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_predictor_matches_pipeline_for_each_block_configuration(name, training_rows, texts):
    clf = StanceClassifier(**CONFIGURATIONS[name]).fit(*training_rows)
    assert_same_scores(clf, texts)


def test_predictor_matches_pipeline_for_two_labels(training_rows, texts):
    rows, labels = training_rows
    binary = ["critical" if label == "critical_of_concessions" else "not_critical" for label in labels]
    clf = StanceClassifier().fit(rows, binary)
    assert clf.predictor_.decision_function(texts[:3]).shape == (3,)
    assert_same_scores(clf, texts)


def test_public_functions_match_pipeline(training_rows, texts):
    clf = StanceClassifier().fit(*training_rows)
    expected = clf.pipeline_.predict_proba(texts)
    got = stance.predict_proba(texts, model=clf)
    assert np.abs(np.array([list(d.values()) for d in got]) - expected).max() < TOLERANCE
    assert list(got[0]) == list(clf.classes_)
    assert stance.predict(texts, model=clf) == clf.pipeline_.predict(texts).tolist()
    one = stance.predict_proba(texts[100], model=clf)
    assert np.abs(np.array(list(one.values())) - expected[100]).max() < TOLERANCE
    assert stance.predict(texts[100], model=clf) == clf.pipeline_.predict([texts[100]])[0]


def test_features_equal_the_pipeline_matrix_entry_for_entry(training_rows, texts):
    clf = StanceClassifier().fit(*training_rows)
    sample = texts[:500]
    matrix = clf.pipeline_[0].transform(sample).tocsr()
    matrix.sort_indices()
    expected = matrix.tocoo()
    rows, cols, values = clf.predictor_.features(sample)
    np.testing.assert_array_equal(rows, expected.row)
    np.testing.assert_array_equal(cols, expected.col)
    np.testing.assert_allclose(values, expected.data, rtol=0, atol=1e-12)


def test_scoring_does_not_depend_on_batching_or_the_word_cache(training_rows, texts):
    predictor = StanceClassifier().fit(*training_rows).predictor_
    sample = texts[:300]
    together = predictor.predict_proba(sample)
    one_by_one = np.vstack([predictor.predict_proba([text]) for text in sample])
    np.testing.assert_array_equal(together, one_by_one)
    char_block = predictor.blocks[1]
    char_block._word_ids.clear()
    char_block._word_ids.limit = 5
    np.testing.assert_array_equal(predictor.predict_proba(sample), together)
    assert len(char_block._word_ids) <= 5


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
