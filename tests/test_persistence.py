"""Model files: the safe format runs no code, pickles need trusted=True, and writing never damages the old file."""

from __future__ import annotations

import errno
import io
import json
import os
import pickle
import zipfile

import joblib
import numpy as np
import pytest
import sklearn.base

import stance
from stance import persistence
from stance.errors import StanceInputError
from stance.persistence import FORMAT_VERSION, ModelVersionWarning, atomic_write, load, predictor_to_arrays, save

TEXTS = ["We welcome the talks", "This is a surrender", "Putin will not move", "", "🇺🇦 ✌️"]


class CreatesAFile:
    """Unpickling this creates ``target``: the stand-in for a model file from a stranger that runs code."""

    def __init__(self, target: str):
        self.target = target

    def __reduce__(self):
        return open, (self.target, "w")


def test_save_and_load_give_the_same_probabilities(tiny_model, tmp_path):
    path = tmp_path / "m.npz"
    save(tiny_model, path, metadata={"note": "ß"})
    loaded = load(path)
    np.testing.assert_allclose(loaded.predict_proba(TEXTS), tiny_model.predict_proba(TEXTS), rtol=1e-12)
    assert list(loaded.classes_) == list(tiny_model.classes_)
    assert persistence.model_metadata(path) == {"note": "ß"}


@pytest.mark.parametrize(("name", "dump"), [
    ("evil.pkl", lambda obj, path: path.write_bytes(pickle.dumps(obj))),
    ("evil.joblib", lambda obj, path: joblib.dump(obj, path)),
    ("evil-compressed.joblib", lambda obj, path: joblib.dump(obj, path, compress=3)),
    ("evil.npz", lambda obj, path: path.write_bytes(pickle.dumps(obj, protocol=0))),
])
def test_a_malicious_pickle_is_refused_and_never_runs(tmp_path, name, dump):
    target = tmp_path / "pwned"
    path = tmp_path / name
    dump(CreatesAFile(str(target)), path)
    with pytest.raises(StanceInputError, match="can run arbitrary code.*trusted=True"):
        stance.load(path)
    with pytest.raises(StanceInputError):
        stance.predict("hello", model=str(path))
    assert not target.exists()


def test_a_pickled_object_array_inside_an_npz_is_refused_and_never_runs(tiny_model, tmp_path):
    target = tmp_path / "pwned"
    arrays = predictor_to_arrays(tiny_model.predictor_, {})
    arrays["coef"] = np.array([CreatesAFile(str(target))], dtype=object)
    path = tmp_path / "evil.npz"
    np.savez(path, **arrays)
    with pytest.raises(StanceInputError, match="damaged or not a stance model file"):
        load(path)
    assert not target.exists()


def test_the_malicious_pickle_really_would_run_code(tmp_path):
    """Guards the two tests above: unpickling the payload does create the file."""
    target = tmp_path / "pwned"
    pickle.loads(pickle.dumps(CreatesAFile(str(target)))).close()
    assert target.exists()


def test_trusted_joblib_and_pickle_files_load(tiny_model, tmp_path):
    joblib.dump(tiny_model, tmp_path / "m.joblib")
    (tmp_path / "m.pkl").write_bytes(pickle.dumps(tiny_model))
    for name in ("m.joblib", "m.pkl"):
        model = load(tmp_path / name, trusted=True)
        np.testing.assert_array_equal(model.predict_proba(TEXTS), tiny_model.predict_proba(TEXTS))


def test_a_trusted_file_that_is_not_a_model_is_a_clear_error(tmp_path):
    joblib.dump({"not": "a model"}, tmp_path / "dict.joblib")
    with pytest.raises(StanceInputError, match="holds a dict, not a fitted StanceClassifier"):
        load(tmp_path / "dict.joblib", trusted=True)
    (tmp_path / "junk.bin").write_bytes(b"\x80\x05 definitely not a pickle")
    with pytest.raises(StanceInputError, match="cannot be loaded"):
        load(tmp_path / "junk.bin", trusted=True)


def test_a_pickle_from_another_scikit_learn_gives_one_clear_warning(tiny_model, tmp_path, monkeypatch):
    """scikit-learn's InconsistentVersionWarning (one per estimator) becomes one warning saying what to do."""
    with monkeypatch.context() as patch:
        patch.setattr(sklearn.base, "__version__", "0.99.0")
        joblib.dump(tiny_model, tmp_path / "old.joblib")
    with pytest.warns(ModelVersionWarning) as caught:
        model = load(tmp_path / "old.joblib", trusted=True)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "scikit-learn 0.99.0" in message and sklearn.__version__ in message
    assert "stance train" in message and "stance.save" in message
    assert model.predict(TEXTS).tolist() == tiny_model.predict(TEXTS).tolist()


def test_a_model_from_a_newer_format_asks_for_an_upgrade(tiny_model, tmp_path):
    path = _rewrite_manifest(tiny_model, tmp_path, format_version=FORMAT_VERSION + 1)
    with pytest.raises(StanceInputError, match=f"model format {FORMAT_VERSION + 1} is newer.*upgrade stance"):
        load(path)


@pytest.mark.parametrize("change", [
    {"library": "other"},
    {"format_version": "one"},
    {"classes": ["a", "b"]},
    {"classes": ["a", "a", "b"]},
    {"blocks": [{"analyzer": "nonsense", "ngram_range": [1, 1], "sublinear_tf": True, "social": False}]},
])
def test_a_manifest_that_disagrees_with_the_arrays_is_refused(tiny_model, tmp_path, change):
    with pytest.raises(StanceInputError, match="not a stance model file|damaged"):
        load(_rewrite_manifest(tiny_model, tmp_path, **change))


@pytest.mark.parametrize("array", ["coef", "intercept", "idf_0"])
def test_non_finite_or_misshapen_numbers_are_refused(tiny_model, tmp_path, array):
    arrays = predictor_to_arrays(tiny_model.predictor_, {})
    broken = arrays[array].copy()
    broken.flat[0] = np.nan
    for bad in (broken, arrays[array].ravel()[:2], np.array(["text"] * 3)):
        np.savez(tmp_path / "bad.npz", **{**arrays, array: bad})
        with pytest.raises(StanceInputError, match="damaged"):
            load(tmp_path / "bad.npz")


def test_any_damage_to_a_model_file_is_a_stance_input_error(tiny_model, tmp_path):
    """Flip bytes all over the file and cut it short: loading either works or raises StanceInputError, never worse."""
    good = tmp_path / "good.npz"
    save(tiny_model, good)
    content = good.read_bytes()
    bad = tmp_path / "bad.npz"
    for position in range(0, len(content), max(1, len(content) // 60)):
        damaged = bytearray(content)
        damaged[position] ^= 0xFF
        for variant in (bytes(damaged), content[:position]):
            bad.write_bytes(variant)
            try:
                load(bad).predict_proba(TEXTS)
            except StanceInputError as error:
                assert str(bad) in str(error) and "\n" not in str(error)


@pytest.mark.parametrize(("make", "expected"), [
    (lambda tmp: tmp / "missing.npz", "no such model file"),
    (lambda tmp: tmp, "is a directory"),
    (lambda tmp: _write(tmp / "empty.npz", b""), "not a stance model file"),
    (lambda tmp: _write(tmp / "text.npz", b"just some text"), "not a stance model file"),
    (lambda tmp: _write(tmp / "zip.npz", _zip_of_text()), "damaged or not a stance model file"),
])
def test_files_that_are_not_models(tmp_path, make, expected):
    with pytest.raises(StanceInputError, match=expected):
        load(make(tmp_path))


# --- atomic writing -------------------------------------------------------------------------------------------


@pytest.fixture
def old_model(tmp_path, tiny_model):
    """A model file already in place, and its bytes."""
    path = tmp_path / "model.npz"
    save(tiny_model, path)
    return path, path.read_bytes()


def assert_untouched(path, content):
    """The old file keeps every byte and no temporary file is left beside it."""
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_an_exception_in_the_middle_of_writing_leaves_the_old_file(old_model, tiny_model, monkeypatch):
    path, content = old_model

    def half_then_fail(handle, **arrays):
        handle.write(b"PK\x03\x04 half a model")
        raise RuntimeError("injected failure")

    monkeypatch.setattr(persistence.np, "savez_compressed", half_then_fail)
    with pytest.raises(RuntimeError, match="injected failure"):
        save(tiny_model, path)
    assert_untouched(path, content)


def test_an_interrupt_while_writing_leaves_the_old_file(old_model):
    path, content = old_model
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(path) as handle:
            handle.write(b"partial")
            raise KeyboardInterrupt
    assert_untouched(path, content)


def test_a_full_disk_is_a_clear_error_and_leaves_the_old_file(old_model, tiny_model, monkeypatch):
    path, content = old_model

    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(persistence.os, "fsync", no_space)
    with pytest.raises(StanceInputError, match=f"{path}: cannot write it \\(No space left on device\\).*unchanged"):
        save(tiny_model, path)
    assert_untouched(path, content)


def test_a_folder_that_refuses_new_files_is_a_clear_error(old_model, tiny_model, monkeypatch):
    path, content = old_model

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(persistence.tempfile, "mkstemp", refuse)
    with pytest.raises(StanceInputError, match="cannot write it \\(Permission denied\\)"):
        save(tiny_model, path)
    assert_untouched(path, content)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write into a read-only folder")
def test_a_read_only_folder_leaves_the_old_file(old_model, tiny_model):
    path, content = old_model
    path.parent.chmod(0o555)
    try:
        with pytest.raises(StanceInputError, match="cannot write it"):
            save(tiny_model, path)
    finally:
        path.parent.chmod(0o755)
    assert_untouched(path, content)


def test_writing_replaces_the_file_and_keeps_its_permissions(old_model, tiny_model):
    path, _ = old_model
    path.chmod(0o640)
    with atomic_write(path) as handle:
        handle.write(b"new")
    assert path.read_bytes() == b"new" and (path.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_writing_to_a_folder_or_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StanceInputError, match="is a directory"):
        with atomic_write(tmp_path):
            pass
    with pytest.raises(StanceInputError, match="cannot write it"):
        with atomic_write(tmp_path / "no" / "such" / "folder" / "m.npz"):
            pass


def _rewrite_manifest(tiny_model, tmp_path, **change):
    """The tiny model saved with some manifest fields changed."""
    arrays = predictor_to_arrays(tiny_model.predictor_, {})
    manifest = {**json.loads(arrays["manifest"].tobytes()), **change}
    arrays["manifest"] = np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8)
    path = tmp_path / "changed.npz"
    np.savez_compressed(path, **arrays)
    return path


def _write(path, content: bytes):
    path.write_bytes(content)
    return path


def _zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not arrays")
    return buffer.getvalue()
