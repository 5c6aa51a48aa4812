"""The shipped model: checked against its SHA-256, rebuilt from the bundled data when it can't be used, cached, said once."""

from __future__ import annotations

import csv
import json
import warnings

import numpy as np
import pytest

import stance
from stance import api, bundled
from stance.errors import StanceInputError
from stance.persistence import FORMAT_VERSION, file_sha256, predictor_to_arrays, save


@pytest.fixture
def shipped(tmp_path, monkeypatch, tiny_model, tiny_corpus):
    """A fake install: a small model with its metadata in models/, the tiny corpus as the bundled training data,
    and the user cache in tmp_path; the real shipped model and cache are never touched."""
    models, seeds = tmp_path / "models", tmp_path / "seeds"
    models.mkdir()
    seeds.mkdir()
    with open(seeds / "authored.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["text", "label", "group"], *[[t, l, f"g{i}"] for i, (t, l) in enumerate(tiny_corpus)]])
    save(tiny_model, models / bundled.MODEL_FILE)
    write_metadata(models, sklearn_version="1.0.0")
    monkeypatch.setattr(bundled, "bundled_dir", lambda name: tmp_path / name)
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(api, "_shipped", None)
    return models


def write_metadata(models, **fields):
    """Metadata beside the model, recording the model file's current SHA-256."""
    metadata = {"model_file": bundled.MODEL_FILE, "model_sha256": file_sha256(models / bundled.MODEL_FILE), **fields}
    (models / bundled.METADATA_FILE).write_text(json.dumps(metadata), encoding="utf-8")


def cached_files(shipped):
    cache = shipped.parent / "cache"
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def load_and_catch():
    """Load the shipped model, returning it and the warnings raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = bundled.load_shipped_model()
    return model, [str(w.message) for w in caught]


def test_the_real_shipped_model_matches_its_recorded_sha256():
    models = bundled.bundled_dir("models")
    model = bundled.load_checked(models / bundled.MODEL_FILE, models / bundled.METADATA_FILE)
    assert len(model.classes_) == 3


def test_an_intact_model_loads_without_a_rebuild_even_if_saved_with_another_scikit_learn(shipped, tiny_model, monkeypatch):
    """The metadata says scikit-learn 1.0.0; the npz format doesn't depend on it, so nothing is rebuilt or said."""
    monkeypatch.setattr(bundled, "fit_shipped_recipe", lambda *a, **k: pytest.fail("rebuilt an intact model"))
    model, said = load_and_catch()
    assert said == [] and cached_files(shipped) == []
    np.testing.assert_array_equal(model.predict_proba(["a welcome step"]), tiny_model.predict_proba(["a welcome step"]))


def damage_bytes(models):
    path = models / bundled.MODEL_FILE
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))


def unreadable_with_matching_sha(models):
    (models / bundled.MODEL_FILE).write_bytes(b"PK\x03\x04 not really a zip file")
    write_metadata(models)


def newer_format(models):
    predictor = stance.load(models / bundled.MODEL_FILE)
    arrays = predictor_to_arrays(predictor, {})
    manifest = {**json.loads(arrays["manifest"].tobytes()), "format_version": FORMAT_VERSION + 1}
    arrays["manifest"] = np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8)
    np.savez_compressed(models / bundled.MODEL_FILE, **arrays)
    write_metadata(models)


def no_metadata(models):
    (models / bundled.METADATA_FILE).unlink()


def no_model(models):
    (models / bundled.MODEL_FILE).unlink()


@pytest.mark.parametrize(("damage", "reason"), [
    (damage_bytes, "SHA-256 does not match"),
    (unreadable_with_matching_sha, "damaged or not a stance model file"),
    (newer_format, f"model format {FORMAT_VERSION + 1} is newer"),
    (no_metadata, "missing or unreadable model metadata"),
    (no_model, "missing"),
])
def test_a_model_that_cannot_be_used_is_rebuilt_cached_and_said_once(shipped, damage, reason):
    damage(shipped)
    model, said = load_and_catch()
    assert len(said) == 1 and reason in said[0] and "rebuilt it from the bundled training data and cached it" in said[0]
    (cached,) = cached_files(shipped)
    assert stance.predict("We welcome the talks", model=model) in model.classes_
    again = stance.load(shipped.parent / "cache" / cached)
    np.testing.assert_array_equal(again.predict_proba(["a surrender"]), model.predict_proba(["a surrender"]))


def test_the_next_process_reuses_the_cached_rebuild(shipped, monkeypatch):
    damage_bytes(shipped)
    first, _ = load_and_catch()
    monkeypatch.setattr(bundled, "fit_shipped_recipe", lambda *a, **k: pytest.fail("retrained despite the cache"))
    second, said = load_and_catch()
    assert len(said) == 1 and "rebuilt from the bundled training data earlier" in said[0]
    np.testing.assert_array_equal(first.predict_proba(["Putin will not move"]), second.predict_proba(["Putin will not move"]))


def test_the_rebuild_is_deterministic(shipped, tmp_path, monkeypatch):
    damage_bytes(shipped)
    first, _ = load_and_catch()
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "other-cache"))
    second, _ = load_and_catch()
    np.testing.assert_array_equal(first.coef, second.coef)


def test_a_damaged_cached_copy_is_rebuilt(shipped):
    damage_bytes(shipped)
    load_and_catch()
    (cached,) = cached_files(shipped)
    (shipped.parent / "cache" / cached).write_bytes(b"garbage")
    model, said = load_and_catch()
    assert "rebuilt it from the bundled training data and cached it" in said[0]
    assert stance.load(shipped.parent / "cache" / cached).classes_.tolist() == model.classes_.tolist()


def test_an_unwritable_cache_still_gives_a_model(shipped, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("STANCE_CACHE_DIR", str(blocker / "cache"))
    damage_bytes(shipped)
    model, said = load_and_catch()
    assert len(said) == 1 and "not cached" in said[0]
    assert stance.predict("a surrender", model=model) in model.classes_


def test_the_cache_key_changes_with_the_training_data(shipped):
    before = bundled.rebuild_key(bundled.training_paths())
    with open(shipped.parent / "seeds" / "authored.csv", "a", encoding="utf-8") as handle:
        handle.write("One more quote,supportive,g99\n")
    assert bundled.rebuild_key(bundled.training_paths()) != before


def test_no_training_data_to_rebuild_from_is_a_clear_error(shipped):
    damage_bytes(shipped)
    (shipped.parent / "seeds" / "authored.csv").unlink()
    with pytest.raises(StanceInputError, match="bundled training data to rebuild it is missing"):
        load_and_catch()


def test_users_of_stance_predict_are_told_once_per_process(shipped):
    damage_bytes(shipped)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        labels = [stance.predict(text) for text in ("We welcome the talks", "a surrender", "Putin will not move")]
        stance.predict_proba("again")
    assert len(caught) == 1 and "could not be used" in str(caught[0].message)
    assert set(labels) <= set(stance.api.shipped_model().classes_)


@pytest.mark.filterwarnings("always::RuntimeWarning")
def test_the_command_line_says_it_in_one_line_and_carries_on(shipped, capsys):
    from stance.cli import main

    damage_bytes(shipped)
    assert main(["predict", "We welcome the talks"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("stance predict: warning: stance: the shipped model")
    assert captured.out.split("\t")[0] in stance.api.shipped_model().classes_
