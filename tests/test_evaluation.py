"""Evaluation figures are computed correctly and the report reads well."""

from __future__ import annotations

import numpy as np
import pytest

import stance
from stance.evaluation import build_report, expected_calibration_error


def test_build_report_figures_match_a_hand_count():
    gold = ["a", "a", "b", "b"]
    proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.3, 0.7]])
    report = build_report(["t1", "t2", "t3", "t4"], gold, proba, ["a", "b"])
    assert report.accuracy == 0.75
    assert report.confusion == [[1, 1], [0, 2]]
    assert report.per_class["a"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2}
    assert report.per_class["b"]["precision"] == pytest.approx(2 / 3)
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    assert report.mistakes == [{"text": "t2", "gold": "a", "predicted": "b", "confidence": 0.6}]


def test_expected_calibration_error():
    confidence = np.array([0.95, 0.95, 0.55, 0.55])
    correct = np.array([True, True, True, False])
    assert expected_calibration_error(confidence, correct) == pytest.approx((2 * 0.05 + 2 * 0.05) / 4)


def test_evaluate_leaves_out_unknown_labels_and_says_so(tiny_model, write_csv, tiny_corpus):
    rows = [["text", "label"]] + [list(row) for row in tiny_corpus] + [["logistics only", "none"]]
    report = stance.evaluate(write_csv(rows), model=tiny_model)
    assert report.n_texts == len(tiny_corpus)
    assert any("none" in note for note in report.notes)
    assert report.accuracy == 1.0
    text = str(report)
    for needle in ("accuracy", "macro-F1", "precision", "confusion matrix", "ECE"):
        assert needle in text
    assert set(report.to_dict()) >= {"accuracy", "macro_f1", "per_class", "confusion", "calibration_error", "mistakes"}
