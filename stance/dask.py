"""Scoring on a Dask cluster: a lazy, partition-by-partition ``predict`` and a CSV/Parquet-folder-to-Parquet command.

Needs the optional extra: ``pip install "stance-classifier[dask]"``; nothing else in ``stance`` imports Dask. The
model travels as its safe ``.npz`` bytes in one graph key that every partition task depends on, so each worker
receives it once and loads it once (then keeps it, keyed by content), instead of a pickled model in every task.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import threading
import uuid
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import IO, Any, Iterator

try:
    import dask
    import dask.dataframe as dd
    import pandas as pd
    from dask.utils import natural_sort_key
except ImportError as error:  # pragma: no cover - depends on the installed extras
    raise ImportError('stance.dask needs Dask: pip install "stance-classifier[dask]"') from error

import numpy as np

from stance.api import resolve_model
from stance.batch import CHUNK_ROWS, Targeted, default_jobs, output_columns, predict_proba_chunks
from stance.data import column_position, sniff_delimiter
from stance.errors import StanceInputError
from stance.persistence import load, predictor_to_arrays, save
from stance.predictor import StancePredictor, as_targets

__all__ = ["predict", "predict_files"]

LABEL_DTYPE = pd.StringDtype("pyarrow")
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
CACHED_MODELS = 4
_models: dict[str, StancePredictor] = {}
_models_lock = threading.Lock()


@dataclass(frozen=True)
class ModelPayload:
    """A model as the bytes of its ``.npz`` file, with a digest of its arrays to key the per-worker cache."""

    digest: str
    data: bytes

    @classmethod
    def of(cls, predictor: StancePredictor) -> ModelPayload:
        """Serialise ``predictor`` with the safe model format (no pickle: workers load data, never code)."""
        digest = hashlib.sha256()
        for name, array in sorted(predictor_to_arrays(predictor, {}).items()):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(array).tobytes())
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "model.npz"
            save(predictor, path)
            return cls(digest.hexdigest(), path.read_bytes())

    def predictor(self) -> StancePredictor:
        """The loaded model, read once per process and kept (the last few models, by digest)."""
        with _models_lock:
            if self.digest not in _models:
                if len(_models) >= CACHED_MODELS:
                    _models.pop(next(iter(_models)))
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder) / "model.npz"
                    path.write_bytes(self.data)
                    _models[self.digest] = load(path)
            return _models[self.digest]


def predict(frame_or_series: Any, column: str = "text", model: Any = None, proba: bool = True, *,
            overwrite_columns: bool = False, target_column: str | None = None) -> Any:
    """Score a Dask DataFrame or Series lazily, partition by partition, on whatever scheduler computes it.

    Parameters
    ----------
    frame_or_series : dask.dataframe.DataFrame or dask.dataframe.Series
        The texts: column ``column`` of a DataFrame, or the Series itself. Missing texts are scored as empty
        strings, as ``stance predict --input`` does with empty cells.
    column : str
        Column holding the texts (ignored for a Series).
    model : None, path, StanceClassifier or StancePredictor
        The model, as for :func:`stance.predict` (default: the shipped model).
    proba : bool
        Add one ``proba_<label>`` column per label (in ``classes_`` order) after ``predicted_label``.
    overwrite_columns : bool
        Replace prediction columns the DataFrame already has, instead of raising.
    target_column : str, optional
        Column naming each text's target, for a model trained with targets (a DataFrame only); an unseen or
        missing target is scored by the part of the model all targets share.

    Returns
    -------
    dask.dataframe.DataFrame
        For a DataFrame: every input column, then the prediction columns; for a Series: only the prediction
        columns. Same partitions, index, divisions and row order as the input; nothing is computed yet.

    Raises
    ------
    StanceInputError
        If the column is missing or not text, or already-present prediction columns were not to be overwritten.
    """
    return _scored(frame_or_series, column, resolve_model(model), proba, overwrite_columns, "the dataframe", target_column)


def predict_files(input_glob: str | os.PathLike[str], output_dir: str | os.PathLike[str], column: str = "text",
                  model: Any = None, scheduler: str | None = None, *, jobs: int | None = None,
                  delimiter: str | None = None, overwrite_columns: bool = False,
                  progress: IO[str] | None = sys.stderr, target_column: str | None = None) -> int:
    """Score CSV or Parquet files (a glob, one file or a folder of them) into a new folder of Parquet files.

    Runs on the Dask scheduler at ``scheduler`` (e.g. ``tcp://host:8786``; the workers need ``stance`` installed
    and must see the same paths, as on a shared file system), or on a local cluster with ``jobs`` worker processes
    (default: one per core). CSV files are read as text, one partition per file. The folder appears only once
    every part is written; it must not exist yet or be empty. ``target_column`` names each row's target, for a
    model trained with targets. Returns the number of rows written.
    """
    files, is_csv = _input_files(str(input_glob))
    output = Path(output_dir)
    _check_output(output)
    predictor = resolve_model(model)
    temporary = output.parent / f".{output.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        frame = _read(files, is_csv, delimiter)
        scored = _scored(frame, column, predictor, True, overwrite_columns, str(input_glob), target_column)
        write = scored.to_parquet(temporary, write_index=frame.index.name is not None, name_function=_part_name,
                                  compute=False)
        with _client(scheduler, jobs) as client:
            _wait(client.compute(write), progress)
        os.replace(temporary, output)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return _rows_in(output)


def _scored(frame: Any, column: str, predictor: StancePredictor, proba: bool, overwrite: bool, source: str,
            target_column: str | None = None) -> Any:
    """The lazy scored frame: checks on the metadata now, scoring in ``map_partitions`` later."""
    if isinstance(frame, dd.Series):
        if target_column:
            raise StanceInputError(f"{source}: a Series has no target column; pass a DataFrame")
        text_column, dropped = None, []
    elif isinstance(frame, dd.DataFrame):
        text_column, dropped = column, _clashing_columns(frame, column, predictor, proba, overwrite, source)
        if target_column:
            column_position(source, [str(name) for name in frame.columns], target_column)  # type: ignore[arg-type]
    else:
        raise TypeError(f"expected a Dask DataFrame or Series, got {type(frame).__name__}")
    meta = _score(frame._meta, predictor, text_column, proba, dropped, target_column)
    payload = ModelPayload.of(predictor)
    shipped = dask.delayed(payload, name=f"stance-model-{payload.digest[:16]}", traverse=False)
    return frame.map_partitions(_score_partition, shipped, text_column, proba, dropped, target_column, meta=meta)


def _clashing_columns(frame: Any, column: str, predictor: StancePredictor, proba: bool, overwrite: bool,
                      source: str) -> list[str]:
    """Check the text column; return the prediction columns already there (to drop), or raise unless overwriting."""
    columns = list(frame.columns)
    column_position(source, [str(name) for name in columns], column)  # type: ignore[arg-type]  # only printed
    dtype = frame._meta[column].dtype
    if not pd.api.types.is_string_dtype(dtype):
        raise StanceInputError(f"{source}: column '{column}' holds {dtype} values, not text")
    added = output_columns(predictor) if proba else output_columns(predictor)[:1]
    clashes = [name for name in columns if name in added]
    if clashes and not overwrite:
        raise StanceInputError(f"{source}: already has column(s) {', '.join(clashes)}; "
                               "pass overwrite_columns=True (CLI: --overwrite-columns) to replace them")
    return clashes


def _score_partition(part: pd.DataFrame | pd.Series, payload: ModelPayload, column: str | None, proba: bool,
                     dropped: list[str], target_column: str | None) -> pd.DataFrame:
    """Score one partition on a worker, with the model that worker loaded once."""
    return _score(part, payload.predictor(), column, proba, dropped, target_column)


def _score(part: pd.DataFrame | pd.Series, predictor: StancePredictor, column: str | None, proba: bool,
           dropped: list[str], target_column: str | None = None) -> pd.DataFrame:
    """One pandas partition with its prediction columns added (or only those, for a Series)."""
    texts = _texts(part if column is None else part[column])
    targets = as_targets(part[target_column].tolist()) if target_column else None
    chunks = (texts[i : i + CHUNK_ROWS] if targets is None else Targeted(texts[i : i + CHUNK_ROWS], targets[i : i + CHUNK_ROWS])
              for i in range(0, len(texts), CHUNK_ROWS))
    probabilities = np.vstack([np.empty((0, len(predictor.classes_))), *predict_proba_chunks(predictor, chunks, 1)])
    names = output_columns(predictor)
    added: dict[str, Any] = {names[0]: pd.array(predictor.classes_[probabilities.argmax(axis=1)], dtype=LABEL_DTYPE)}
    if proba:
        added.update(zip(names[1:], probabilities.T))
    base = pd.DataFrame(index=part.index) if column is None else part.drop(columns=dropped)
    return base.assign(**added)


def _texts(series: pd.Series) -> list[str]:
    """A partition's texts as a list of str, missing ones as ""; anything else that is not text is an error."""
    texts = series.fillna("").tolist()
    for label, text in zip(series.index, texts):
        if not isinstance(text, str):
            raise StanceInputError(f"column '{series.name}', row with index {label!r}: not text "
                                   f"({type(text).__name__}: {text!r:.60})")
    return texts


def _input_files(pattern: str) -> tuple[list[str], bool]:
    """The files a glob, a file or a folder names, in natural order, and whether they are CSV (else Parquet)."""
    if os.path.isdir(pattern):
        files = [f for suffix in PARQUET_SUFFIXES + CSV_SUFFIXES for f in glob(os.path.join(pattern, f"*{suffix}"))]
    else:
        files = glob(pattern) if any(c in pattern for c in "*?[") else [pattern] if os.path.isfile(pattern) else []
    if not files:
        raise StanceInputError(f"{pattern}: no such file, or no file matches")
    files.sort(key=natural_sort_key)
    kinds = {Path(f).suffix.lower() in CSV_SUFFIXES for f in files}
    unknown = [f for f in files if Path(f).suffix.lower() not in PARQUET_SUFFIXES + CSV_SUFFIXES]
    if unknown or len(kinds) > 1:
        raise StanceInputError(f"{pattern}: give CSV files or Parquet files, not a mix or other files "
                               f"(e.g. {(unknown or files)[0]})")
    return files, kinds.pop()


def _check_output(output: Path) -> None:
    """The output folder must be new or empty, so no earlier part can mix with the new ones."""
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise StanceInputError(f"{output}: already exists and is not an empty folder; choose a new folder to write to")
    if not output.parent.is_dir():
        raise StanceInputError(f"{output}: its parent folder does not exist")


def _read(files: list[str], is_csv: bool, delimiter: str | None) -> Any:
    """A lazy frame over the input: CSV cells read as text exactly as written, Parquet with its own types."""
    if not is_csv:
        return dd.read_parquet(files)
    if delimiter is None:
        with open(files[0], encoding="utf-8-sig") as handle:
            delimiter = sniff_delimiter(handle.readline())
    # One partition per file: byte ranges would cut quoted fields that hold line breaks.
    return dd.read_csv(files, sep=delimiter, dtype=str, keep_default_na=False, encoding="utf-8-sig", blocksize=None)


@contextmanager
def _client(scheduler: str | None, jobs: int | None) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of single-threaded worker processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler)
        except OSError as error:
            raise StanceInputError(f"{scheduler}: cannot reach a Dask scheduler there ({error})") from error
        with client:
            yield client
        return
    # Dask's sampling profiler interrupts the pure-Python scoring every 10 ms: 10-25% of the workers' CPU.
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        cluster = LocalCluster(n_workers=jobs or default_jobs(), threads_per_worker=1, processes=True,
                               dashboard_address=":0")
    with cluster, Client(cluster) as client:
        yield client


def _wait(future: Any, progress: IO[str] | None) -> None:
    """Wait for the computation, drawing Dask's progress bar on ``progress`` when it is a terminal."""
    if progress is not None and progress.isatty():
        from distributed import progress as progress_bar

        with redirect_stdout(progress):  # the console bar draws on sys.stdout
            progress_bar(future, multi=False)  # clears its line when done
    future.result()


def _part_name(number: int) -> str:
    """Zero-padded part names, so that readers which sort file names (pandas, pyarrow) keep the input's order."""
    return f"part.{number:06d}.parquet"


def _rows_in(folder: Path) -> int:
    """Rows in a folder of Parquet files, from their footers."""
    import pyarrow.parquet as pq

    return sum(pq.read_metadata(part).num_rows for part in folder.glob("*.parquet"))
