"""The shipped model and the training data bundled with it: building, checking, and rebuilding when needed.

Build the shipped model (from a source checkout) with::

    python -m stance.bundled --output models/

Loading checks the model file against the SHA-256 in its metadata. If the file is damaged, missing or written
in a format this version cannot read, the model is rebuilt from the bundled data (deterministic, a few seconds),
cached in the user's cache folder (reused by later processes), and a warning says so once per process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any, Sequence

from stance._version import __version__
from stance.errors import StanceInputError
from stance.persistence import FORMAT_VERSION, atomic_write, file_sha256, load, save
from stance.predictor import StancePredictor

MODEL_FILE = "stance-model.npz"
METADATA_FILE = "stance-model.json"
TRAINING_FILES = ("quotes.csv", "authored.csv")
GROUP_COLUMN = "group"
SHIPPED_PARAMS: dict[str, Any] = {
    "word_ngram_range": (1, 2),
    "char_ngram_range": (2, 5),
    "char_analyzer": "char_wb",
    "sublinear_tf": True,
    "min_df": 1,
    "C": 10.0,
    "class_weight": "balanced",
    "temperature": "auto",
    "negation": True,
}


def bundled_dir(name: str) -> Path:
    """Folder ``models`` or ``seeds``: inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / name
    return installed if installed.is_dir() else package.parent / name


def training_paths() -> list[Path]:
    """The bundled training CSVs (seed quotes and the authored corpus) that exist."""
    return [p for p in (bundled_dir("seeds") / f for f in TRAINING_FILES) if p.exists()]


def cache_dir() -> Path:
    """Where a rebuilt model is kept: ``$STANCE_CACHE_DIR``, else the platform's user cache folder."""
    if os.environ.get("STANCE_CACHE_DIR"):
        return Path(os.environ["STANCE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "stance"


def load_shipped_model() -> StancePredictor:
    """Load the shipped model after checking its SHA-256; if that fails, use a copy rebuilt from the bundled data.

    The model is rebuilt when its file or metadata is missing or damaged, its bytes differ from the SHA-256 its
    metadata records, or it is in a format this version cannot read. A scikit-learn version different from the
    one in the metadata (``sklearn_version``) is *not* a reason: a stance model file holds only arrays, and
    prediction is pure NumPy, so reading it never touches scikit-learn. The rebuilt copy is cached in
    :func:`cache_dir` and reused by later processes. A call that falls back issues one warning saying why and
    which copy it uses; :mod:`stance.api` makes this call once per process, so users are told once.
    """
    models = bundled_dir("models")
    try:
        return load_checked(models / MODEL_FILE, models / METADATA_FILE)
    except StanceInputError as error:
        reason = str(error)
    model, where = cached_or_rebuilt_model(reason)
    warnings.warn(f"stance: the shipped model could not be used ({reason}); {where}", RuntimeWarning, stacklevel=3)
    return model


def cached_or_rebuilt_model(reason: str) -> tuple[StancePredictor, str]:
    """The model rebuilt from the bundled data: from the cache if an earlier run left it there, else trained now.

    Returns the model and a phrase saying where it came from.
    """
    paths = training_paths()
    cached = cache_dir() / f"stance-model-{rebuild_key(paths)}.npz"
    try:
        return load(cached), f"using the copy rebuilt from the bundled training data earlier, cached at {cached}"
    except StanceInputError:
        pass
    if not paths:
        raise StanceInputError(f"the shipped model could not be used ({reason}), and the bundled training data to "
                               "rebuild it is missing; reinstall stance")
    model = fit_shipped_recipe(paths)[0]
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        save(model, cached)
    except (OSError, StanceInputError) as error:
        return model.predictor_, f"rebuilt it from the bundled training data (not cached: {error})"
    return model.predictor_, f"rebuilt it from the bundled training data and cached it at {cached}"


def rebuild_key(paths: Sequence[Path]) -> str:
    """What a rebuild from ``paths`` depends on (their bytes, the recipe, library and format version), as a short hash."""
    recipe = json.dumps([training_data_sha256(paths), SHIPPED_PARAMS, __version__, FORMAT_VERSION], default=str)
    return hashlib.sha256(recipe.encode("utf-8")).hexdigest()[:16]


def load_checked(model_path: Path, metadata_path: Path) -> StancePredictor:
    """Load a model only if its bytes match the SHA-256 its metadata records."""
    try:
        expected = json.loads(metadata_path.read_text(encoding="utf-8"))["model_sha256"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StanceInputError(f"{metadata_path}: missing or unreadable model metadata ({error})") from error
    if not model_path.is_file():
        raise StanceInputError(f"{model_path}: missing")
    if file_sha256(model_path) != expected:
        raise StanceInputError(f"{model_path}: its SHA-256 does not match the one in {metadata_path.name}")
    return load(model_path)


def training_data_sha256(paths: Sequence[Path]) -> str:
    """One SHA-256 over the bundled training files, in order."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_model(output_dir: Path, model_name: str = MODEL_FILE, cross_validate: bool = True,
                eval_csv: Path | None = None) -> dict[str, Any]:
    """Train the shipped recipe on the bundled data; write the model and, beside it, its metadata."""
    import sklearn

    from stance.evaluation import evaluate

    paths = training_paths()
    model, report, data = fit_shipped_recipe(paths, cross_validate)
    model_path = output_dir / model_name
    save(model, model_path)
    metadata = {
        "model_file": model_name,
        "model_sha256": file_sha256(model_path),
        "labels": [str(c) for c in model.classes_],
        "library_version": __version__,
        "sklearn_version": sklearn.__version__,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m stance.bundled --output models/" + (f" --eval {eval_csv}" if eval_csv else ""),
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in SHIPPED_PARAMS.items()},
        "temperature": model.temperature_,
        "training_data": {
            "files": [p.name for p in paths],
            "sha256": training_data_sha256(paths),
            "rows": len(data),
            "rows_per_label": data.label_counts(),
        },
        "cross_validation": _figures(report) if report else None,
        "real_quotes_eval": None,
    }
    if eval_csv is not None:
        real = evaluate(eval_csv, model)
        metadata["real_quotes_eval"] = {"file": Path(eval_csv).name, **_figures(real)}
    with atomic_write(output_dir / Path(model_name).with_suffix(".json").name, "w", encoding="utf-8") as handle:
        json.dump(metadata, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    return metadata


def fit_shipped_recipe(paths: Sequence[Path], cross_validate: bool = False) -> tuple[Any, Any, Any]:
    """Train the shipped recipe on ``paths``: (StanceClassifier, cross-validated report or None, LabelledData)."""
    from stance.classifier import StanceClassifier
    from stance.training import fit_with_report, read_training_data

    data = read_training_data(paths, "text", "label", GROUP_COLUMN)
    if cross_validate:
        return (*fit_with_report(data, GROUP_COLUMN, **SHIPPED_PARAMS), data)
    return StanceClassifier(**SHIPPED_PARAMS).fit(data.texts, data.labels), None, data


def _figures(report: Any) -> dict[str, Any]:
    """The headline figures of an evaluation report, rounded for the metadata file."""
    return {
        "texts": report.n_texts,
        "accuracy": round(report.accuracy, 4),
        "macro_f1": round(report.macro_f1, 4),
        "calibration_error": round(report.calibration_error, 4),
        "per_class_f1": {label: round(s["f1"], 4) for label, s in report.per_class.items()},
        "notes": report.notes,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: rebuild the shipped model from the bundled training data."""
    parser = argparse.ArgumentParser(prog="python -m stance.bundled", description="Build the shipped stance model "
                                     "from the bundled training data (seeds/quotes.csv and seeds/authored.csv).")
    parser.add_argument("--output", type=Path, default=bundled_dir("models"), help="folder to write the model and its metadata to")
    parser.add_argument("--eval", type=Path, default=None, metavar="CSV",
                        help="a labelled CSV of real quotes to measure the model on (recorded in the metadata; never trained on)")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    metadata = build_model(args.output, eval_csv=args.eval)
    json.dump({k: metadata[k] for k in ("labels", "training_data", "cross_validation", "real_quotes_eval")}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
