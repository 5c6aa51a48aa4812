"""Saving and loading models in a format whose loading cannot run code, written atomically.

A stance model file is a NumPy ``.npz`` archive of plain arrays (vocabulary as JSON text, IDF weights,
coefficients; for a model trained with targets, their names in the manifest and their intercepts) read with
``allow_pickle=False``, so a model from a stranger is data, never code. Pickle and joblib
files load only when the caller vouches for them with ``trusted=True``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
import warnings
import zipfile
import zlib
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import numpy as np

from stance.errors import StanceInputError
from stance.predictor import FeatureBlock, StancePredictor

FORMAT_VERSION = 1
_ZIP_MAGIC = b"PK\x03\x04"
_PICKLE_HEADS = (b"\x80", b"\x78")  # a pickle protocol mark, or the zlib header of a compressed joblib file
_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}


class ModelVersionWarning(UserWarning):
    """A trusted pickle was saved with another scikit-learn version than the one installed."""


def _umask() -> int:
    """The process umask (read once: setting it back is the only way to read it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_DEFAULT_MODE = 0o666 & ~_umask()


def save(model: Any, path: str | os.PathLike[str], metadata: dict[str, Any] | None = None) -> None:
    """Write a fitted ``StanceClassifier`` or ``StancePredictor`` to ``path``, atomically."""
    predictor = getattr(model, "predictor_", model)
    arrays = predictor_to_arrays(predictor, metadata or {})
    with atomic_write(path) as handle:
        np.savez_compressed(handle, **arrays)


def load(path: str | os.PathLike[str], trusted: bool = False) -> Any:
    """Load a model saved by :func:`save` (always safe) or, with ``trusted=True``, a pickle/joblib file.

    A stance model file holds only arrays and JSON, so loading it runs no code and needs no scikit-learn. A pickle
    or joblib file *is* code: it is opened only when the caller vouches for it with ``trusted=True``.

    Raises
    ------
    StanceInputError
        If the file is missing, not a model, damaged, from a newer format, a pickle that was not marked as
        trusted, or a trusted pickle that cannot be loaded or holds something other than a stance model.
    """
    path = Path(path)
    head = _read_head(path)
    if head.startswith(_ZIP_MAGIC):
        return _load_npz(path)
    if not trusted:
        kind = "a pickle or joblib file" if head[:1] in _PICKLE_HEADS else "not a stance model file"
        raise StanceInputError(
            f"{path}: {kind}; loading a pickle or joblib file can run arbitrary code, so it is refused unless you pass "
            "trusted=True (CLI: --trusted), and only for a file you made yourself"
        )
    return _load_trusted_pickle(path)


def _load_trusted_pickle(path: Path) -> Any:
    """Unpickle a file the caller trusts; a scikit-learn version mismatch becomes one clear warning."""
    import joblib

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = joblib.load(path)
        except Exception as error:  # unpickling can raise anything: a missing module, a renamed class, bad bytes
            raise StanceInputError(
                f"{path}: cannot be loaded ({type(error).__name__}: {error}); if it was saved with another version of "
                "scikit-learn or stance, retrain it with 'stance train'"
            ) from error
    _rewarn(path, caught)
    if not isinstance(getattr(model, "predictor_", model), StancePredictor):
        raise StanceInputError(f"{path}: holds a {type(model).__name__}, not a fitted StanceClassifier or stance model")
    return model


def _rewarn(path: Path, caught: list[warnings.WarningMessage]) -> None:
    """Re-issue warnings from unpickling, folding scikit-learn's version warnings into one that says what to do."""
    versions = set()
    for message in caught:
        original = getattr(message.message, "original_sklearn_version", None)
        if original is None:
            warnings.warn_explicit(message.message, message.category, message.filename, message.lineno)
        else:
            versions.add((str(original), str(message.message.current_sklearn_version)))
    for original, current in sorted(versions):
        warnings.warn(
            f"{path}: saved with scikit-learn {original} but {current} is installed, so its predictions may be wrong; "
            "retrain it with 'stance train', or load it where it was made and re-save it with stance.save(model, "
            "'model.npz') (that format never depends on scikit-learn)",
            ModelVersionWarning,
            stacklevel=3,
        )


def model_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The metadata stored inside a stance model file."""
    with _open_archive(Path(path)) as archive:
        return _json_array(archive["manifest"]).get("metadata", {})


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb", **open_kwargs: Any) -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``path``, flush and fsync it, then rename it over ``path``.

    On any error (an exception in the caller's block, a full disk, an interrupt) the temporary file is removed and
    ``path`` keeps its previous bytes; a write the file system refuses becomes a ``StanceInputError`` naming ``path``.
    """
    target = Path(path)
    if target.is_dir():
        raise StanceInputError(f"{target}: is a directory; give a file name to write to")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise _write_error(target, error) from error
    try:
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else _DEFAULT_MODE)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.errno in _WRITE_ERRORS:
            raise _write_error(target, error) from error
        raise
    _fsync_folder(target.parent)


def _write_error(target: Path, error: OSError) -> StanceInputError:
    """A one-line error for a file the system would not let us write."""
    return StanceInputError(f"{target}: cannot write it ({error.strerror or error}); any earlier file there is unchanged")


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform lets a folder be opened)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def predictor_to_arrays(predictor: StancePredictor, metadata: dict[str, Any]) -> dict[str, np.ndarray]:
    """The plain arrays that describe a predictor completely."""
    manifest = {
        "library": "stance",
        "format_version": FORMAT_VERSION,
        "classes": [str(c) for c in predictor.classes_],
        "blocks": [
            {"analyzer": b.analyzer, "ngram_range": list(b.ngram_range), "sublinear_tf": b.sublinear_tf, "social": b.social,
             "negation": b.negation}
            for b in predictor.blocks
        ],
        "metadata": metadata,
    }
    if predictor.targets:  # absent for a model without targets, so such files stay exactly as before
        manifest["targets"] = list(predictor.targets)
    arrays = {"manifest": _to_json_array(manifest), "coef": predictor.coef, "intercept": predictor.intercept}
    if predictor.targets:
        arrays["target_intercept"] = predictor.target_intercept
    for i, block in enumerate(predictor.blocks):
        terms = sorted(block.vocabulary, key=block.vocabulary.__getitem__)
        arrays[f"vocabulary_{i}"] = _to_json_array(terms)
        arrays[f"idf_{i}"] = block.idf
    return arrays


def _load_npz(path: Path) -> StancePredictor:
    """Rebuild a predictor from a stance ``.npz`` file, checking every array before it is used."""
    try:
        with _open_archive(path) as archive:
            manifest = _json_array(archive["manifest"])
            _check_manifest(path, manifest)
            blocks = [
                FeatureBlock(
                    analyzer=spec["analyzer"],
                    ngram_range=tuple(spec["ngram_range"]),
                    vocabulary=_vocabulary(_json_array(archive[f"vocabulary_{i}"])),
                    idf=_finite(archive[f"idf_{i}"], 1),
                    sublinear_tf=bool(spec["sublinear_tf"]),
                    social=bool(spec["social"]),
                    negation=bool(spec.get("negation", False)),
                )
                for i, spec in enumerate(manifest["blocks"])
            ]
            targets = _target_names(manifest.get("targets", []))
            target_intercept = _finite(archive["target_intercept"], 2) if targets else None
            predictor = StancePredictor(manifest["classes"], blocks, _finite(archive["coef"], 2), _finite(archive["intercept"], 1),
                                        targets, target_intercept)
    except StanceInputError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise StanceInputError(f"{path}: damaged or not a stance model file ({type(error).__name__}: {error})") from error
    _check_shapes(path, predictor)
    return predictor


@contextmanager
def _open_archive(path: Path) -> Iterator[Any]:
    """The arrays of an ``.npz`` file, read without pickle; the file is closed even when numpy gives up on it."""
    with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as archive:
        yield archive


def _vocabulary(terms: Any) -> dict[str, int]:
    """Term -> column from the stored list of distinct terms."""
    if not isinstance(terms, list) or not all(isinstance(term, str) for term in terms) or len(set(terms)) != len(terms):
        raise ValueError("a vocabulary is not a list of distinct strings")
    return {term: j for j, term in enumerate(terms)}


def _target_names(targets: Any) -> list[str]:
    """The stored target names: a list of distinct, non-empty strings."""
    if not isinstance(targets, list) or not all(isinstance(t, str) and t for t in targets) or len(set(targets)) != len(targets):
        raise ValueError("the targets are not a list of distinct names")
    return targets


def _finite(array: np.ndarray, ndim: int) -> np.ndarray:
    """A float array of ``ndim`` dimensions whose values are all finite."""
    values = np.asarray(array, dtype=np.float64)
    if values.ndim != ndim or not np.isfinite(values).all():
        raise ValueError(f"an array has shape {values.shape} or holds values that are not finite")
    return values


def _check_shapes(path: Path, predictor: StancePredictor) -> None:
    """Labels, coefficients, intercepts and IDF weights must agree, or predictions would be silently wrong."""
    n_classes, (n_rows, _) = len(predictor.classes_), predictor.coef.shape
    rows_ok = n_rows == n_classes if n_classes > 2 else n_classes == 2 and n_rows == 1
    blocks_ok = all(len(block.vocabulary) == block.n_features for block in predictor.blocks)
    if not rows_ok or predictor.intercept.shape != (n_rows,) or not blocks_ok or len(set(predictor.classes_)) != n_classes:
        raise StanceInputError(f"{path}: damaged stance model file (its labels, coefficients and vocabularies disagree)")


def _check_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Refuse files from another library or a newer format with a clear message."""
    if manifest.get("library") != "stance":
        raise StanceInputError(f"{path}: not a stance model file")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise StanceInputError(f"{path}: damaged stance model file (no format version)")
    if version > FORMAT_VERSION:
        raise StanceInputError(f"{path}: model format {version} is newer than this stance reads ({FORMAT_VERSION}); upgrade stance")


def _read_head(path: Path) -> bytes:
    """The first bytes of a model file, with clear errors for missing files and folders."""
    if not path.exists():
        raise StanceInputError(f"{path}: no such model file")
    if path.is_dir():
        raise StanceInputError(f"{path}: is a directory, not a model file")
    try:
        with open(path, "rb") as handle:
            return handle.read(4)
    except OSError as error:
        raise StanceInputError(f"{path}: cannot read it ({error.strerror or error})") from error


def _to_json_array(value: Any) -> np.ndarray:
    """JSON text as a uint8 array, storable with ``allow_pickle=False``."""
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _json_array(array: np.ndarray) -> Any:
    """Inverse of :func:`_to_json_array`."""
    return json.loads(array.tobytes().decode("utf-8"))
