"""The top-level API: str in gives one result, list a list, Series a Series; probabilities in classes_ order."""

from __future__ import annotations

import pandas as pd
import pytest

import stance


def test_predict_shapes_follow_the_input(tiny_model):
    assert stance.predict("We welcome the talks", model=tiny_model) in tiny_model.classes_
    labels = stance.predict(["We welcome the talks", "This is a surrender"], model=tiny_model)
    assert isinstance(labels, list) and len(labels) == 2
    series = pd.Series(["We welcome the talks", "Putin will not move"], index=[10, 20], name="quote")
    result = stance.predict(series, model=tiny_model)
    assert isinstance(result, pd.Series) and list(result.index) == [10, 20]
    assert list(result) == stance.predict(list(series), model=tiny_model)


def test_predict_proba_is_a_dict_in_classes_order(tiny_model):
    proba = stance.predict_proba("Putin will not move", model=tiny_model)
    assert list(proba) == list(tiny_model.classes_)
    assert sum(proba.values()) == pytest.approx(1.0)
    assert max(proba, key=proba.get) == stance.predict("Putin will not move", model=tiny_model)
    many = stance.predict_proba(["a", "b"], model=tiny_model)
    assert isinstance(many, list) and all(list(p) == list(tiny_model.classes_) for p in many)


def test_explain_names_terms_toward_and_against(tiny_model):
    explanation = stance.explain("Handing Crimea to Russia is a surrender", top=3, model=tiny_model)
    assert explanation.label == "critical_of_concessions"
    assert 0 < explanation.probability <= 1
    assert 1 <= len(explanation.toward) <= 3 and all(push > 0 for _, push in explanation.toward)
    assert all(push < 0 for _, push in explanation.against)
    assert any("surrender" in term or "crimea" in term for term, _ in explanation.toward)
    assert explanation.label in str(explanation)


def test_model_can_be_a_path(tiny_model, tmp_path):
    path = tmp_path / "m.npz"
    tiny_model.save(path)
    assert stance.predict("surrender", model=str(path)) == stance.predict("surrender", model=tiny_model)


def test_non_text_raises_type_error(tiny_model):
    for bad in (None, 3, 2.5, b"bytes", object()):
        with pytest.raises(TypeError, match=type(bad).__name__):
            stance.predict(bad, model=tiny_model)
    with pytest.raises(TypeError, match="item 1"):
        stance.predict(["fine", None], model=tiny_model)


def test_shipped_model_answers_a_seed_quote():
    label = stance.predict("Trump has effectively surrendered to Putin")
    assert label == "critical_of_concessions"
    assert list(stance.predict_proba("x")) == stance.api.shipped_model().classes_.tolist()


def test_import_is_light_and_lazy_names_resolve():
    assert stance.StanceClassifier.__name__ == "StanceClassifier"
    assert callable(stance.train) and callable(stance.evaluate)
    with pytest.raises(AttributeError):
        stance.no_such_name
