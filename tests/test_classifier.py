"""StanceClassifier behaves like any scikit-learn classifier, deterministically."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score

from stance.classifier import StanceClassifier


def split(corpus):
    texts, labels = zip(*corpus)
    return list(texts), list(labels)


def test_fit_exposes_classes_and_probabilities(tiny_model, tiny_corpus):
    texts, _ = split(tiny_corpus)
    assert list(tiny_model.classes_) == ["critical_of_concessions", "skeptical", "supportive"]
    proba = tiny_model.predict_proba(texts)
    assert proba.shape == (len(texts), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert tiny_model.decision_function(texts).shape == (len(texts), 3)
    assert set(tiny_model.predict(texts)) <= set(tiny_model.classes_)


def test_learns_the_training_data(tiny_model, tiny_corpus):
    texts, labels = split(tiny_corpus)
    assert np.mean(tiny_model.predict(texts) == np.asarray(labels)) == 1.0


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError):
        StanceClassifier().predict(["text"])


def test_get_set_params_and_clone():
    clf = StanceClassifier(C=3.0, word_ngram_range=(1, 3))
    assert clf.get_params()["C"] == 3.0
    clf.set_params(C=0.5, char_ngram_range=None)
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert copy is not clf


def test_grid_search_and_cross_val_score_on_lists_of_texts(tiny_corpus):
    texts, labels = split(tiny_corpus * 2)
    search = GridSearchCV(StanceClassifier(temperature=1.0), {"C": [0.1, 10.0]}, cv=3, scoring="f1_macro")
    search.fit(texts, labels)
    assert search.best_params_["C"] in (0.1, 10.0)
    scores = cross_val_score(StanceClassifier(temperature=1.0), texts, labels, cv=3)
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))


def test_training_is_deterministic(tiny_corpus):
    texts, labels = split(tiny_corpus * 3)
    first = StanceClassifier().fit(texts, labels).predict_proba(texts)
    second = StanceClassifier().fit(texts, labels).predict_proba(texts)
    np.testing.assert_array_equal(first, second)


def test_temperature_auto_is_learned_and_a_number_is_kept(tiny_corpus):
    texts, labels = split(tiny_corpus * 3)
    assert StanceClassifier(temperature=2.0).fit(texts, labels).temperature_ == 2.0
    learned = StanceClassifier().fit(texts, labels).temperature_
    assert learned > 0 and learned != 1.0


def test_any_label_set_including_two_classes():
    texts = ["good news", "great deal", "fine outcome", "bad news", "awful deal", "poor outcome"]
    labels = ["pos", "pos", "pos", "neg", "neg", "neg"]
    clf = StanceClassifier().fit(texts, labels)
    assert list(clf.classes_) == ["neg", "pos"]
    assert clf.predict_proba(["good deal"]).shape == (1, 2)
    assert clf.decision_function(["good deal"]).shape == (1,)


def test_class_bias_shifts_the_scores_of_the_labels_it_names(tiny_corpus):
    texts, labels = split(tiny_corpus * 3)
    plain = StanceClassifier(temperature=1.0).fit(texts, labels)
    label = plain.classes_[1]
    biased = StanceClassifier(temperature=1.0, class_bias={label: 1.5}).fit(texts, labels)
    shift = biased.decision_function(texts) - plain.decision_function(texts)
    np.testing.assert_allclose(shift, np.where(plain.classes_ == label, 1.5, 0.0)[None, :].repeat(len(texts), 0))
    assert (biased.predict_proba(texts)[:, 1] > plain.predict_proba(texts)[:, 1]).all()
    with pytest.raises(ValueError, match="class_bias names labels not in the training labels: nope"):
        StanceClassifier(class_bias={"nope": 1.0}).fit(texts, labels)


def test_class_bias_with_two_classes_moves_the_single_score():
    texts = ["good news", "great deal", "fine outcome", "bad news", "awful deal", "poor outcome"]
    labels = ["pos", "pos", "pos", "neg", "neg", "neg"]
    plain = StanceClassifier(temperature=1.0).fit(texts, labels)
    biased = StanceClassifier(temperature=1.0, class_bias={"neg": 0.5, "pos": 2.0}).fit(texts, labels)
    np.testing.assert_allclose(biased.decision_function(texts) - plain.decision_function(texts), 1.5)


def test_feature_blocks_can_be_switched_off(tiny_corpus):
    texts, labels = split(tiny_corpus)
    word_only = StanceClassifier(char_ngram_range=None).fit(texts, labels)
    assert [b.analyzer for b in word_only.predictor_.blocks] == ["word"]
    with pytest.raises(ValueError):
        StanceClassifier(word_ngram_range=None, char_ngram_range=None).fit(texts, labels)


def test_rejects_non_text_and_mismatched_lengths(tiny_corpus):
    texts, labels = split(tiny_corpus)
    with pytest.raises(TypeError):
        StanceClassifier().fit([1, 2, 3], ["a", "b", "a"])
    with pytest.raises(ValueError):
        StanceClassifier().fit(texts, labels[:-1])
    with pytest.raises(ValueError):
        StanceClassifier().fit(["a", "b"], ["x", "x"])


def test_save_and_load_round_trip(tiny_model, tiny_corpus, tmp_path):
    import stance

    texts, _ = split(tiny_corpus)
    path = tmp_path / "model.npz"
    tiny_model.save(path)
    loaded = stance.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(texts), tiny_model.predict_proba(texts))
    assert list(loaded.classes_) == list(tiny_model.classes_)
