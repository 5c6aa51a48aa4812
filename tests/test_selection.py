"""Model selection inside training: a fixed candidate order, the same folds for all, a time budget, reproducible
choices, and the metric options (macro-F1, or F_avg over the labels that take a side)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stance
from stance import selection
from stance.classifier import StanceClassifier
from stance.cli import main
from stance.errors import StanceInputError
from stance.evaluation import build_report, default_positive_labels, metric_score, out_of_fold
from stance.predictor import scores_to_proba
from stance.selection import AXES, MIN_GAIN, fit_class_bias, select_params, shift_proba

DATA = Path(__file__).parent / "data" / "targets"
N_VARIANTS = sum(len(variants) for _, variants in AXES)
N_TARGET_VARIANTS = sum(len(variants) for name, variants in AXES if name == "target weight")


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    """Twenty-four rows per target: enough for three folds, fast enough to search everything in about a second."""
    frame = pd.read_csv(DATA / "train.csv", keep_default_na=False)
    return frame.groupby("target").head(24).reset_index(drop=True)


@pytest.fixture(scope="module")
def full_search(small):
    """Every candidate tried (no targets), twice, to check the search is reproducible."""
    run = lambda: select_params(small["text"].tolist(), small["label"].tolist(), n_splits=3, time_budget=1e6)  # noqa: E731
    return run(), run()


def predicted(scores: np.ndarray, labels) -> np.ndarray:
    classes = np.unique(np.asarray(labels, dtype=object))
    return classes[scores_to_proba(scores).argmax(axis=1)]


def test_candidates_come_in_priority_order_starting_with_the_default_recipe(full_search):
    result, _ = full_search
    names = [c.name for c in result.candidates]
    assert names[0] == "default recipe" and result.candidates[0].changes == {}
    assert len(names) == len(set(names)) == 1 + N_VARIANTS - N_TARGET_VARIANTS
    assert result.skipped == 0
    varied = [next(iter(set(c.changes) - {"C"}), "C") for c in result.candidates[1:4]]
    assert varied == ["C", "C", "C"]
    assert result.score >= result.candidates[0].score
    assert result.score == max(c.score for c in result.candidates if c.changes == result.changes)


def test_the_search_is_reproducible(full_search):
    first, second = full_search
    assert first.params == second.params
    assert [c.score for c in first.candidates] == [c.score for c in second.candidates]
    np.testing.assert_array_equal(first.scores, second.scores)


def test_scores_are_the_out_of_fold_scores_of_the_chosen_settings(full_search, small):
    result, _ = full_search
    texts, labels = small["text"].tolist(), small["label"].tolist()
    expected = out_of_fold(StanceClassifier(**{**result.params, "temperature": 1.0}), texts, labels, n_splits=3,
                           method="decision_function")
    np.testing.assert_allclose(result.scores, expected, atol=1e-9)
    assert result.score == metric_score("macro_f1", labels, predicted(result.scores, labels), sorted(set(labels)))


def test_with_targets_the_out_of_fold_scores_match_a_cloned_estimator(small):
    texts, labels, targets = small["text"].tolist(), small["label"].tolist(), small["target"].tolist()
    result = select_params(texts, labels, targets, n_splits=3, time_budget=0)
    clf = StanceClassifier(target_column="target", temperature=1.0)
    expected = out_of_fold(clf, {"text": texts, "target": targets}, labels, n_splits=3, method="decision_function")
    np.testing.assert_allclose(result.scores, expected, atol=1e-9)


def test_a_zero_budget_scores_only_the_default_recipe(small):
    result = select_params(small["text"].tolist(), small["label"].tolist(), small["target"].tolist(), n_splits=3,
                           time_budget=0)
    assert [c.name for c in result.candidates] == ["default recipe"]
    assert result.skipped == N_VARIANTS
    assert result.params["C"] == StanceClassifier().C
    assert "left out for lack of time" in str(result)


def test_no_candidate_starts_once_the_budget_would_be_exceeded(small, monkeypatch):
    """A fake clock: every candidate takes exactly one second, so a 3.5 s budget lets three through."""
    clock = {"now": 0.0}
    real_score = selection._FoldScorer.score

    def one_second(self, params):
        score, scores, _ = real_score(self, params)
        clock["now"] += 1.0
        return score, scores, 1.0

    monkeypatch.setattr(selection.time, "perf_counter", lambda: clock["now"])
    monkeypatch.setattr(selection._FoldScorer, "score", one_second)
    result = select_params(small["text"].tolist(), small["label"].tolist(), n_splits=3, time_budget=3.5)
    assert len(result.candidates) == 3
    assert result.skipped == N_VARIANTS - N_TARGET_VARIANTS - 2


def test_fixed_parameters_are_never_varied(small):
    result = select_params(small["text"].tolist(), small["label"].tolist(), n_splits=3, time_budget=1e6,
                           fixed={"C": 3.0, "social": True})
    assert result.params["C"] == 3.0 and result.params["social"] is True
    assert all(c.changes.get("C") == 3.0 and c.changes.get("social") is True for c in result.candidates)


def test_the_target_weight_is_searched_only_with_targets(full_search, small):
    without, _ = full_search
    assert not any("target_weight" in c.changes for c in without.candidates)
    everything_else = {name: StanceClassifier().get_params()[name] for name in selection.SEARCHED if name != "target_weight"}
    with_targets = select_params(small["text"].tolist(), small["label"].tolist(), small["target"].tolist(), n_splits=3,
                                 time_budget=1e6, fixed=everything_else)
    assert [c.changes.get("target_weight") for c in with_targets.candidates] == [None, 0.5, 2.0]


def test_f_avg_is_the_searched_metric_when_asked(small):
    texts, labels = small["text"].tolist(), small["label"].tolist()
    result = select_params(texts, labels, n_splits=3, time_budget=0, metric="f_avg", positive_labels=["FAVOR", "AGAINST"])
    assert result.metric == "f_avg"
    assert result.score == metric_score("f_avg", labels, predicted(result.scores, labels), ["AGAINST", "FAVOR", "NONE"],
                                        ["FAVOR", "AGAINST"])


def test_metric_scores_match_a_hand_count():
    gold = ["FAVOR", "FAVOR", "AGAINST", "AGAINST", "NONE", "NONE"]
    guess = ["FAVOR", "NONE", "AGAINST", "FAVOR", "NONE", "NONE"]
    labels = ["AGAINST", "FAVOR", "NONE"]
    f1 = {"AGAINST": 2 / 3, "FAVOR": 0.5, "NONE": 0.8}
    assert metric_score("macro_f1", gold, guess, labels) == pytest.approx(sum(f1.values()) / 3)
    assert metric_score("f_avg", gold, guess, labels) == pytest.approx((f1["FAVOR"] + f1["AGAINST"]) / 2)
    assert metric_score("f_avg", gold, guess, labels, ["NONE"]) == pytest.approx(0.8)
    with pytest.raises(ValueError, match="unknown metric"):
        metric_score("accuracy", gold, guess, labels)
    with pytest.raises(StanceInputError, match="positive labels"):
        metric_score("f_avg", gold, guess, labels, ["PRO"])


def test_default_positive_labels_leave_out_no_stance_labels():
    assert default_positive_labels(["AGAINST", "FAVOR", "NONE"]) == ["AGAINST", "FAVOR"]
    assert default_positive_labels(["neg", "Neutral", "pos", "none"]) == ["neg", "pos"]
    assert default_positive_labels(["skeptical", "supportive"]) == ["skeptical", "supportive"]
    assert default_positive_labels(["none", "NEUTRAL"]) == ["none", "NEUTRAL"]


def test_reports_give_f_avg_beside_macro_f1():
    proba = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]])
    report = build_report(list("abcd"), ["AGAINST", "FAVOR", "NONE", "NONE"], proba, ["AGAINST", "FAVOR", "NONE"])
    assert report.positive_labels == ["AGAINST", "FAVOR"]
    assert report.f_avg == pytest.approx((2 / 3 + 1.0) / 2)
    assert report.macro_f1 == pytest.approx((2 / 3 + 1.0 + 2 / 3) / 3)
    assert "F_avg (AGAINST, FAVOR): 0.833" in str(report)
    assert json.loads(json.dumps(report.to_dict()))["f_avg"] == pytest.approx(report.f_avg)


def test_train_searches_by_default_and_reports_the_search(small, write_csv):
    path = write_csv([["text", "label"]] + small[["text", "label"]].values.tolist())
    model, report = stance.train(path, n_splits=3, time_budget=1e6, metric="f_avg", tune_bias=False)
    assert report.selection["metric"] == "f_avg" and len(report.selection["candidates"]) > 1
    assert {k: model.get_params()[k] for k in report.selection["params"]} == report.selection["params"]
    assert report.selection["score"] == pytest.approx(report.f_avg)
    assert any("the search chose among" in note for note in report.notes)
    json.dumps(report.to_dict())
    _, plain = stance.train(path, n_splits=3, time_budget=0)
    assert plain.selection is None


def test_train_refuses_bad_metric_options(small, write_csv):
    path = write_csv([["text", "label"]] + small[["text", "label"]].values.tolist())
    with pytest.raises(StanceInputError, match="unknown metric 'accuracy'"):
        stance.train(path, metric="accuracy")
    with pytest.raises(StanceInputError, match="positive labels must be some of the labels"):
        stance.train(path, metric="f_avg", positive_labels=["PRO", "CON"])


def test_command_line_train_prints_the_search_and_the_report(capsys, small, write_csv, tmp_path):
    path = write_csv([["tweet", "stance", "topic"]] + small[["text", "label", "target"]].values.tolist())
    output = tmp_path / "m.npz"
    argv = ["train", str(path), "--text-column", "tweet", "--label-column", "stance", "--target-column", "topic",
            "--folds", "3", "--time-budget", "0.001", "--metric", "f_avg", "--positive-labels", "FAVOR,AGAINST",
            "--seed", "1", "--output", str(output)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "model selection: 1 candidate(s)" in out and "left out for lack of time" in out
    assert "chosen: the default recipe (cross-validated f_avg" in out
    assert "F_avg (FAVOR, AGAINST)" in out and "macro-F1" in out
    assert stance.load(output).targets == sorted(set(small["target"]))


@pytest.mark.parametrize(("options", "message"), [
    (["--positive-labels", "PRO"], "positive labels must be some of the labels"),
    (["--time-budget", "-1"], "--time-budget must be 0"),
])
def test_command_line_train_refuses_bad_search_options(capsys, small, write_csv, tmp_path, options, message):
    path = write_csv([["text", "label"]] + small[["text", "label"]].values.tolist())
    assert main(["train", str(path), "--output", str(tmp_path / "m.npz"), "--folds", "3", *options]) == 2
    assert message in capsys.readouterr().err


def test_class_bias_moves_decisions_toward_what_the_metric_rewards():
    # Every FAVOR row is a near-tie lost to NONE: lifting FAVOR by 0.3 gets them right, and F_avg ignores NONE.
    labels = ["AGAINST"] * 4 + ["FAVOR"] * 4 + ["NONE"] * 4
    proba = np.array([[0.8, 0.1, 0.1]] * 4 + [[0.1, 0.42, 0.48]] * 4 + [[0.1, 0.1, 0.8]] * 4)
    bias, score = fit_class_bias(proba, labels, "f_avg", ["FAVOR", "AGAINST"])
    assert set(bias) == {"FAVOR"} and 0 < bias["FAVOR"] <= 0.3
    assert score == pytest.approx(1.0)
    shifted = shift_proba(proba, ["AGAINST", "FAVOR", "NONE"], bias)
    np.testing.assert_allclose(shifted.sum(axis=1), 1.0)
    assert (shifted.argmax(axis=1) == [0] * 4 + [1] * 4 + [2] * 4).all()


def test_class_bias_is_left_out_when_it_gains_too_little():
    labels = ["a", "b", "a", "b"]
    assert fit_class_bias(np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.4, 0.6]]), labels) == ({}, 1.0)
    assert MIN_GAIN > 0


def test_train_keeps_a_class_bias_that_raises_the_out_of_fold_metric(small, write_csv):
    path = write_csv([["text", "label"]] + small[["text", "label"]].values.tolist())
    model, report = stance.train(path, n_splits=3, time_budget=0, metric="f_avg")
    plain, unbiased = stance.train(path, n_splits=3, time_budget=0, metric="f_avg", tune_bias=False)
    assert plain.class_bias is None and model.class_bias  # on these rows an offset gains more than the minimum
    assert report.f_avg >= unbiased.f_avg + MIN_GAIN
    assert any("label offsets" in note for note in report.notes)
    assert not np.allclose(model.predict_proba(small["text"]), plain.predict_proba(small["text"]))


def test_command_line_no_bias_leaves_the_probabilities_as_calibrated(capsys, small, write_csv, tmp_path):
    path = write_csv([["text", "label"]] + small[["text", "label"]].values.tolist())
    argv = ["train", str(path), "--folds", "3", "--time-budget", "0", "--metric", "f_avg"]
    assert main([*argv, "--output", str(tmp_path / "a.npz")]) == 0
    assert "label offsets chosen" in capsys.readouterr().out  # on these rows an offset gains (see above)
    assert main([*argv, "--no-bias", "--output", str(tmp_path / "b.npz")]) == 0
    assert "label offsets" not in capsys.readouterr().out
    texts = small["text"].tolist()
    assert not np.allclose(stance.load(tmp_path / "a.npz").predict_proba(texts), stance.load(tmp_path / "b.npz").predict_proba(texts))
