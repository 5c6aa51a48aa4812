"""The contract of predict/predict_proba: any str gets a known label and a probability vector; anything else a TypeError;
and many threads sharing one model get the answers a single thread gets."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stance

ANY_CHARACTER = st.characters(blacklist_categories=())  # surrogates and control characters included
CONTRACT = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

ODD_TEXTS = [
    "",
    " ",
    " \t\r\n\u00a0\u2003 ",
    "\x00\x01\x07\x1b[31m\x7f",
    "🇺🇦🤝🇺🇸 ✌️🕊️ 👩🏽‍⚖️",
    "هذا استسلام لبوتين",
    "זו כניעה לפוטין",
    "\u202eeveR\u202c mixed \u200f",
    "\ud800 lone surrogate \udfff",
    "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ",
    "a" * 1_000_000,
    "surrender " * 100_000,
]


def assert_contract(model, text: str) -> None:
    """A known label, and probabilities in [0, 1] that sum to 1, in classes_ order, whose best is the label."""
    classes = [str(c) for c in model.classes_]
    label = stance.predict(text, model=model)
    proba = stance.predict_proba(text, model=model)
    assert label in classes
    assert list(proba) == classes
    assert all(isinstance(p, float) and 0.0 <= p <= 1.0 and math.isfinite(p) for p in proba.values())
    assert math.isclose(sum(proba.values()), 1.0, abs_tol=1e-9)
    assert proba[label] == max(proba.values())


@pytest.mark.parametrize("text", ODD_TEXTS, ids=lambda t: repr(t[:12]))
def test_odd_strings_get_a_valid_label(tiny_model, text):
    assert_contract(tiny_model, text)


@CONTRACT
@given(text=st.text(alphabet=ANY_CHARACTER, max_size=300))
def test_any_text_gets_a_known_label_and_a_probability_vector(tiny_model, text):
    assert_contract(tiny_model, text)


@CONTRACT
@given(texts=st.lists(st.text(alphabet=ANY_CHARACTER, max_size=80), max_size=8))
def test_a_list_gets_one_answer_per_text_matching_the_single_answers(tiny_model, texts):
    labels = stance.predict(texts, model=tiny_model)
    probas = stance.predict_proba(texts, model=tiny_model)
    assert labels == [stance.predict(t, model=tiny_model) for t in texts]
    assert [list(p.values()) for p in probas] == [list(stance.predict_proba(t, model=tiny_model).values()) for t in texts]


@pytest.mark.parametrize("bad", [None, 3, 2.5, True, b"bytes", bytearray(b"x"), {"text": "x"}, {"a"}, 1j, object()])
@pytest.mark.parametrize("function", [stance.predict, stance.predict_proba, stance.explain])
def test_non_text_is_a_type_error_naming_what_was_given(tiny_model, function, bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        function(bad, model=tiny_model)


@pytest.mark.parametrize("function", [stance.predict, stance.predict_proba])
def test_a_non_text_item_in_a_list_is_named(tiny_model, function):
    with pytest.raises(TypeError, match="item 2 must be str, got NoneType"):
        function(["fine", "also fine", None], model=tiny_model)


def test_threads_sharing_one_model_get_the_single_thread_answers(tiny_model_file):
    texts = [f"{word} talks number {i} 🙂" for i in range(120) for word in ("welcome", "surrender", "stalling")][:300]
    reference = stance.load(tiny_model_file)
    expected = [(stance.predict(t, model=reference), stance.predict_proba(t, model=reference)) for t in texts]
    shared = stance.load(tiny_model_file)  # fresh, so the threads race to fill its caches

    def answer(i: int):
        text = texts[i % len(texts)]
        return i % len(texts), stance.predict(text, model=shared), stance.predict_proba(text, model=shared)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(answer, range(len(texts) * 8)))
    for i, label, proba in results:
        assert (label, proba) == expected[i]
    batches = list(ThreadPoolExecutor(max_workers=8).map(lambda _: stance.predict(texts, model=shared), range(16)))
    assert all(batch == [label for label, _ in expected] for batch in batches)
