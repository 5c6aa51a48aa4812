"""Saving and loading models in a format whose loading cannot run code, written atomically.

A stance model file is a NumPy ``.npz`` archive of plain arrays (vocabulary as JSON text, IDF weights,
coefficients) read with ``allow_pickle=False``, so a model from a stranger is data, never code. Pickle and joblib
files load only when the caller vouches for them with ``trusted=True``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import numpy as np

from stance.errors import StanceInputError
from stance.predictor import FeatureBlock, StancePredictor

FORMAT_VERSION = 1
_ZIP_MAGIC = b"PK\x03\x04"


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

    Raises
    ------
    StanceInputError
        If the file is missing, not a model, from a newer format, or a pickle that was not marked as trusted.
    """
    path = Path(path)
    head = _read_head(path)
    if head.startswith(_ZIP_MAGIC):
        return _load_npz(path)
    if not trusted:
        raise StanceInputError(
            f"{path}: not a stance model file; if it is a pickle or joblib file, loading it can run arbitrary code, "
            "so pass trusted=True (CLI: --trusted) only for a file you made yourself"
        )
    import joblib

    return joblib.load(path)


def model_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The metadata stored inside a stance model file."""
    with np.load(path, allow_pickle=False) as archive:
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
    """Write to a temporary file beside ``path``, then fsync and rename it over ``path``; on error, leave no trace."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise StanceInputError(f"{target}: cannot write here ({error.strerror})") from error
    os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else _DEFAULT_MODE)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def predictor_to_arrays(predictor: StancePredictor, metadata: dict[str, Any]) -> dict[str, np.ndarray]:
    """The plain arrays that describe a predictor completely."""
    manifest = {
        "library": "stance",
        "format_version": FORMAT_VERSION,
        "classes": [str(c) for c in predictor.classes_],
        "blocks": [
            {"analyzer": b.analyzer, "ngram_range": list(b.ngram_range), "sublinear_tf": b.sublinear_tf, "social": b.social}
            for b in predictor.blocks
        ],
        "metadata": metadata,
    }
    arrays = {"manifest": _to_json_array(manifest), "coef": predictor.coef, "intercept": predictor.intercept}
    for i, block in enumerate(predictor.blocks):
        terms = sorted(block.vocabulary, key=block.vocabulary.__getitem__)
        arrays[f"vocabulary_{i}"] = _to_json_array(terms)
        arrays[f"idf_{i}"] = block.idf
    return arrays


def _load_npz(path: Path) -> StancePredictor:
    """Rebuild a predictor from a stance ``.npz`` file."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            manifest = _json_array(archive["manifest"])
            _check_manifest(path, manifest)
            blocks = [
                FeatureBlock(
                    analyzer=spec["analyzer"],
                    ngram_range=tuple(spec["ngram_range"]),
                    vocabulary={term: j for j, term in enumerate(_json_array(archive[f"vocabulary_{i}"]))},
                    idf=archive[f"idf_{i}"],
                    sublinear_tf=spec["sublinear_tf"],
                    social=spec["social"],
                )
                for i, spec in enumerate(manifest["blocks"])
            ]
            return StancePredictor(manifest["classes"], blocks, archive["coef"], archive["intercept"])
    except (KeyError, ValueError, zipfile.BadZipFile, OSError, EOFError) as error:
        if isinstance(error, StanceInputError):
            raise
        raise StanceInputError(f"{path}: damaged or not a stance model file ({error})") from error


def _check_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Refuse files from another library or a newer format with a clear message."""
    if manifest.get("library") != "stance":
        raise StanceInputError(f"{path}: not a stance model file")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise StanceInputError(f"{path}: model format {version} is newer than this stance reads ({FORMAT_VERSION}); upgrade stance")


def _read_head(path: Path) -> bytes:
    """The first bytes of a model file, with clear errors for missing files and folders."""
    if not path.exists():
        raise StanceInputError(f"{path}: no such model file")
    if path.is_dir():
        raise StanceInputError(f"{path}: is a directory, not a model file")
    with open(path, "rb") as handle:
        return handle.read(4)


def _to_json_array(value: Any) -> np.ndarray:
    """JSON text as a uint8 array, storable with ``allow_pickle=False``."""
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _json_array(array: np.ndarray) -> Any:
    """Inverse of :func:`_to_json_array`."""
    return json.loads(array.tobytes().decode("utf-8"))
