"""train(): any columns, any label set, a cross-validated report, grouped folds, deterministic."""

from __future__ import annotations

import numpy as np
import pytest

import stance
from stance.errors import StanceInputError


def corpus_rows(corpus, text="text", label="label"):
    return [[text, label, "speaker"]] + [[t, l, "someone"] for t, l in corpus]


def test_train_returns_a_model_and_a_cross_validated_report(write_csv, tiny_corpus):
    path = write_csv(corpus_rows(tiny_corpus))
    model, report = stance.train(path, n_splits=3)
    assert list(model.classes_) == ["critical_of_concessions", "skeptical", "supportive"]
    assert report.n_texts == len(tiny_corpus)
    assert 0.0 <= report.macro_f1 <= 1.0 and 0.0 <= report.calibration_error <= 1.0
    assert any("3-fold" in note for note in report.notes)
    assert "macro-F1" in str(report)


def test_other_columns_and_label_set(write_csv):
    rows = [["quote", "stance"]] + [[f"good deal number {i}", "FAVOR"] for i in range(6)] + \
           [[f"bad idea number {i}", "AGAINST"] for i in range(6)]
    model, _ = stance.train(write_csv(rows), text_column="quote", label_column="stance", n_splits=3)
    assert list(model.classes_) == ["AGAINST", "FAVOR"]
    assert stance.predict("a good deal", model=model) == "FAVOR"


def test_same_csv_gives_the_same_probabilities(write_csv, tiny_corpus):
    path = write_csv(corpus_rows(tiny_corpus))
    texts = [t for t, _ in tiny_corpus]
    first, _ = stance.train(path, n_splits=3)
    second, _ = stance.train(path, n_splits=3)
    np.testing.assert_array_equal(first.predict_proba(texts), second.predict_proba(texts))


def test_group_column_is_used_for_grouped_folds(write_csv, tiny_corpus):
    rows = [["text", "label", "grp"]] + [[t, l, str(i // 2)] for i, (t, l) in enumerate(tiny_corpus)]
    _, report = stance.train(write_csv(rows), group_column="grp", n_splits=3)
    assert any("grouped" in note for note in report.notes)


def test_too_few_examples_per_label_is_a_clear_error(write_csv):
    rows = [["text", "label"], ["one", "a"], ["two", "b"], ["three", "b"]]
    with pytest.raises(StanceInputError, match="'a' has only 1 example"):
        stance.train(write_csv(rows))
