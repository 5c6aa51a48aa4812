"""Stance toward a target: per-target weights on top of shared ones, an unseen target scored by the shared part,
the same answers from scikit-learn, the predictor, a saved file and the command line."""

from __future__ import annotations

import csv
import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score

import stance
from stance.classifier import SparseLogisticRegression, StanceClassifier, augment, logistic_regression
from stance.cli import main
from stance.errors import StanceInputError
from stance.persistence import load, model_metadata, predictor_to_arrays, save
from stance.predictor import StancePredictor

DATA = Path(__file__).parent / "data" / "targets"
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def train_frame() -> pd.DataFrame:
    """Tweet-like texts on four targets, labelled FAVOR, AGAINST or NONE."""
    return pd.read_csv(DATA / "train.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def test_frame() -> pd.DataFrame:
    """Held-out texts on the same four targets and one target never seen in training (rent control)."""
    return pd.read_csv(DATA / "test.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def model(train_frame) -> StanceClassifier:
    return StanceClassifier(target_column="target").fit(train_frame, train_frame["label"])


def sklearn_scores(clf: StanceClassifier, frame: pd.DataFrame) -> np.ndarray:
    """What the fitted scikit-learn pipeline computes on the augmented matrix: the reference for the predictor."""
    features = clf.pipeline_[0].transform(frame["text"].tolist())
    return clf.pipeline_[1].decision_function(clf.with_targets(features, frame["target"].tolist()))


def test_the_bundled_target_data_has_the_promised_shape(train_frame, test_frame):
    assert len(train_frame) >= 400 and len(test_frame) >= 150
    assert set(train_frame["label"]) == set(test_frame["label"]) == {"FAVOR", "AGAINST", "NONE"}
    assert len(set(train_frame["target"])) == 4
    assert set(test_frame["target"]) - set(train_frame["target"]) == {"rent control"}
    assert not set(train_frame["text"]) & set(test_frame["text"])


def test_targets_are_learned_and_scored_as_scikit_learn_does(model, test_frame):
    assert model.targets_ == ["bike lanes", "four-day week", "nuclear power", "phone ban in schools"]
    n_features = model.predictor_.n_features
    assert model.predictor_.coef.shape == (3, n_features * 5)
    assert model.predictor_.target_intercept.shape == (4, 3)
    assert np.abs(model.decision_function(test_frame) - sklearn_scores(model, test_frame)).max() < TOLERANCE
    proba = model.predict_proba(test_frame)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.mean(model.predict(test_frame) == test_frame["label"].to_numpy()) > 0.7


@pytest.mark.parametrize("params", [{"nb_scaling": True}, {"target_weight": 0.5, "social": True}])
def test_variants_fold_into_the_same_linear_predictor(train_frame, test_frame, params):
    clf = StanceClassifier(target_column="target", temperature=1.0, **params).fit(train_frame, train_frame["label"])
    assert np.abs(clf.decision_function(test_frame) - sklearn_scores(clf, test_frame)).max() < TOLERANCE


def test_two_labels_with_targets(train_frame, test_frame):
    sided = train_frame[train_frame["label"] != "NONE"]
    clf = StanceClassifier(target_column="target", temperature=1.0).fit(sided, sided["label"])
    scores = clf.decision_function(test_frame)
    assert scores.shape == (len(test_frame),) and list(clf.classes_) == ["AGAINST", "FAVOR"]
    assert np.abs(scores - sklearn_scores(clf, test_frame)).max() < TOLERANCE


def test_an_unseen_or_missing_target_uses_the_shared_weights_only(model, test_frame):
    unseen = test_frame[test_frame["target"] == "rent control"]
    texts = unseen["text"].tolist()
    shared_only = model.predictor_.decision_function(texts)
    np.testing.assert_array_equal(model.decision_function(unseen), shared_only)
    np.testing.assert_array_equal(model.decision_function({"text": texts, "target": [None] * len(texts)}), shared_only)
    np.testing.assert_array_equal(model.decision_function({"text": texts, "target": [float("nan")] * len(texts)}), shared_only)
    n_features = model.predictor_.n_features
    shared_part = model.pipeline_[0].transform(texts) @ model.predictor_.coef[:, :n_features].T
    np.testing.assert_allclose(shared_only, shared_part + model.predictor_.intercept, atol=1e-12)


def test_knowing_the_target_helps(model, test_frame):
    seen = test_frame[test_frame["target"] != "rent control"]
    gold = seen["label"].to_numpy()
    rotate = {t: model.targets_[(i + 1) % len(model.targets_)] for i, t in enumerate(model.targets_)}
    right = np.mean(model.predict(seen) == gold)
    unknown = np.mean(model.predict(seen.assign(target="")) == gold)
    wrong = np.mean(model.predict(seen.assign(target=seen["target"].map(rotate))) == gold)
    assert right > unknown > wrong


def test_explanations_include_the_targets_weights(model):
    text = "Nuclear keeps the lights on #GoNuclear"
    favor = list(model.classes_).index("FAVOR")
    with_target = dict(model.predictor_.contributions(text, favor, "nuclear power"))
    shared = dict(model.predictor_.contributions(text, favor))
    assert set(with_target) == set(shared) and with_target != shared


def test_scikit_learn_tools_work_on_a_dataframe(train_frame):
    frame = train_frame.sample(120, random_state=0)
    clf = StanceClassifier(target_column="target", temperature=1.0, char_ngram_range=None)
    assert clone(clf).get_params() == clf.get_params()
    scores = cross_val_score(clf, frame, frame["label"], cv=3)
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    search = GridSearchCV(clf, {"target_weight": [0.5, 2.0]}, cv=3, scoring="f1_macro").fit(frame, frame["label"])
    assert search.best_params_["target_weight"] in (0.5, 2.0)


def test_input_that_lacks_the_columns_is_refused(model):
    with pytest.raises(KeyError, match="'text'.*'target'"):
        model.predict({"tweet": ["a"], "target": ["x"]})
    with pytest.raises(TypeError, match="DataFrame or a mapping"):
        model.predict(["a text without its target"])
    with pytest.raises(ValueError, match="one target per text"):
        model.predictor_.predict_proba(["a", "b"], ["bike lanes"])


def test_a_model_without_targets_ignores_them(tiny_model):
    texts = ["We welcome the talks", "This is a surrender"]
    np.testing.assert_array_equal(tiny_model.predictor_.predict_proba(texts, ["x", "y"]), tiny_model.predict_proba(texts))
    assert tiny_model.predictor_.targets == []


def test_skipping_unused_columns_gives_the_same_model(tiny_corpus):
    texts, labels = map(list, zip(*tiny_corpus))
    features = StanceClassifier().make_features().fit_transform(texts)
    plain = logistic_regression(10.0, "balanced", 2000, tol=1e-3).fit(features, labels)
    padded = augment(features, np.full(len(texts), -1), 3)  # three empty target blocks
    sparse = SparseLogisticRegression(tol=1e-3).fit(padded, labels)
    np.testing.assert_allclose(sparse.coef_[:, : features.shape[1]], plain.coef_, atol=1e-12)
    assert not sparse.coef_[:, features.shape[1]:].any()


def test_save_and_load_keep_the_targets(model, test_frame, tmp_path):
    path = tmp_path / "m.joblib"  # stance writes its safe format whatever the name; loading sniffs the content
    model.save(path)
    loaded = load(path)
    assert loaded.targets == model.targets_
    texts, targets = test_frame["text"].tolist(), test_frame["target"].tolist()
    np.testing.assert_array_equal(loaded.predict_proba(texts, targets), model.predict_proba(test_frame))
    assert model_metadata(path) == {}


def test_pickling_keeps_the_targets(model, test_frame):
    copy = pickle.loads(pickle.dumps(model.predictor_))
    texts, targets = test_frame["text"].tolist(), test_frame["target"].tolist()
    assert copy.targets == model.targets_
    np.testing.assert_array_equal(copy.predict_proba(texts, targets), model.predict_proba(test_frame))


def test_files_without_targets_are_unchanged(tiny_model):
    arrays = predictor_to_arrays(tiny_model.predictor_, {})
    assert "target_intercept" not in arrays
    assert "targets" not in json.loads(arrays["manifest"].tobytes())


def test_damaged_target_arrays_are_refused(model, tmp_path):
    predictor = model.predictor_
    arrays = predictor_to_arrays(predictor, {})
    arrays["target_intercept"] = arrays["target_intercept"][:-1]
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(StanceInputError, match="damaged"):
        load(path)
    with pytest.raises(ValueError, match="disagree"):
        StancePredictor(predictor.classes_, predictor.blocks, predictor.coef[:, :-1], predictor.intercept, predictor.targets)


def test_train_from_csv_with_a_target_column(test_frame):
    clf, report = stance.train(DATA / "train.csv", target_column="target", search=False, n_splits=3)
    assert clf.target_column == "target" and len(clf.targets_) == 4
    assert any("4 seen in training" in note for note in report.notes)
    assert report.selection is None
    assert report.positive_labels == ["AGAINST", "FAVOR"]
    assert np.mean(clf.predict(test_frame) == test_frame["label"].to_numpy()) > 0.7


def test_one_text_may_take_different_stances_toward_different_targets(write_csv):
    rows = [["text", "target", "label"]]
    for i in range(4):
        rows += [[f"ban it now {i}", "phones", "FAVOR"], [f"ban it now {i}", "reactors", "AGAINST"],
                 [f"keep it going {i}", "phones", "AGAINST"], [f"keep it going {i}", "reactors", "FAVOR"]]
    path = write_csv(rows)
    with pytest.raises(StanceInputError, match="same text has different labels"):
        stance.train(path, search=False, n_splits=2)
    clf, _ = stance.train(path, target_column="target", search=False, n_splits=2)
    assert list(clf.predict({"text": ["ban it now 9", "ban it now 9"], "target": ["phones", "reactors"]})) == ["FAVOR", "AGAINST"]


def test_a_missing_target_column_names_the_columns_found(write_csv, tiny_corpus):
    path = write_csv([["text", "label"]] + [list(row) for row in tiny_corpus])
    with pytest.raises(StanceInputError, match="no column 'target'.*'text', 'label'"):
        stance.train(path, target_column="target", search=False)


def test_command_line_train_predict_evaluate_with_targets(capsys, tmp_path):
    model_path, predictions = tmp_path / "m.joblib", tmp_path / "pred.csv"
    assert main(["train", str(DATA / "train.csv"), "--target-column", "target", "--output", str(model_path),
                 "--time-budget", "0", "--folds", "3"]) == 0
    assert "F_avg (AGAINST, FAVOR)" in capsys.readouterr().out
    assert main(["predict", "--input", str(DATA / "test.csv"), "--column", "text", "--target-column", "target",
                 "--model", str(model_path), "--output", str(predictions), "--jobs", "1"]) == 0
    with open(predictions, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    frame = pd.read_csv(DATA / "test.csv", keep_default_na=False)
    assert [r["text"] for r in rows] == frame["text"].tolist()
    expected = load(model_path).predict(frame["text"].tolist(), frame["target"].tolist())
    assert [r["predicted_label"] for r in rows] == expected
    assert set(rows[0]) >= {"predicted_label", "proba_AGAINST", "proba_FAVOR", "proba_NONE"}
    capsys.readouterr()
    assert main(["evaluate", str(DATA / "test.csv"), "--model", str(model_path), "--target-column", "target",
                 "--positive-labels", "FAVOR,AGAINST"]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "F_avg (FAVOR, AGAINST)" in out


def test_command_line_predict_needs_the_target_column(capsys, model, tmp_path):
    model_path = tmp_path / "m.npz"
    save(model, model_path)
    assert main(["predict", "--input", str(DATA / "test.csv"), "--target-column", "topic", "--model", str(model_path),
                 "--output", str(tmp_path / "out.csv")]) == 2
    assert "no column 'topic'" in capsys.readouterr().err
    assert main(["predict", "--target-column", "target", "--model", str(model_path), "a text"]) == 2
    assert "--target-column needs --input" in capsys.readouterr().err
    assert main(["predict", "--model", str(model_path), "Nuclear keeps the lights on"]) == 0
    assert "stance predict: warning: this model was trained with targets" in capsys.readouterr().err
    assert main(["evaluate", str(DATA / "test.csv"), "--model", str(model_path)]) == 0
    assert "stance evaluate: warning: this model was trained with targets" in capsys.readouterr().err


def test_scoring_a_csv_with_targets_is_the_same_serial_or_parallel(model, tmp_path):
    from stance.batch import predict_csv

    serial, parallel = tmp_path / "serial.csv", tmp_path / "parallel.csv"
    predict_csv(model.predictor_, DATA / "test.csv", serial, target_column="target", n_jobs=1)
    predict_csv(model.predictor_, DATA / "test.csv", parallel, target_column="target", n_jobs=2)
    assert serial.read_bytes() == parallel.read_bytes()
    frame = pd.read_csv(serial, keep_default_na=False)
    expected = model.predict_proba(pd.read_csv(DATA / "test.csv", keep_default_na=False))
    np.testing.assert_allclose(frame[[f"proba_{c}" for c in model.classes_]].to_numpy(), expected, atol=1e-6)


def test_top_level_functions_take_a_target(model, test_frame):
    texts, targets = test_frame["text"].tolist()[:20], test_frame["target"].tolist()[:20]
    expected = model.predictor_.predict(texts, targets)
    assert stance.predict(texts, model=model, target=targets) == expected
    assert stance.predict(texts[0], model=model, target=targets[0]) == expected[0]
    proba = stance.predict_proba(texts[:2], model=model, target=targets[0])
    np.testing.assert_allclose([list(p.values()) for p in proba], model.predictor_.predict_proba(texts[:2], targets[:1] * 2))
    assert stance.explain(texts[0], model=model, target=targets[0]).label == expected[0]
    with pytest.raises(ValueError, match="3 targets for 20 texts"):
        stance.predict(texts, model=model, target=targets[:3])
