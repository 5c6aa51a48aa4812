"""Scoring many texts: chunks spread over worker processes, and CSV files streamed through in constant memory.

Workers are forked, so they inherit the loaded model instead of receiving a copy; only the texts of each chunk
and its probabilities cross between processes. Where fork is unavailable, or the caller runs threads (forking
a threaded process is unsafe), chunks are scored in the calling process.
"""

from __future__ import annotations

import csv
import os
import threading
import time
from collections import deque
from pathlib import Path
from typing import IO, Iterable, Iterator, NamedTuple, Sequence, TypeVar

import numpy as np

from stance.data import column_position, csv_records
from stance.errors import StanceInputError
from stance.persistence import atomic_write
from stance.predictor import StancePredictor

CHUNK_ROWS = 5_000
PARALLEL_MIN_ROWS = 20_000
_worker_model: StancePredictor | None = None


class Targeted(NamedTuple):
    """A chunk of texts with the target of each, for a model trained with targets."""

    texts: Sequence[str]
    targets: Sequence[str | None]


Chunk = Sequence[str] | Targeted
T = TypeVar("T")


def output_columns(predictor: StancePredictor) -> list[str]:
    """The columns prediction adds: ``predicted_label`` and one ``proba_<label>`` per label, in ``classes_`` order."""
    return ["predicted_label", *[f"proba_{label}" for label in predictor.classes_]]


def default_jobs() -> int:
    """Worker processes to use: one per available core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def predict_proba_chunks(predictor: StancePredictor, chunks: Iterable[Chunk],
                         n_jobs: int | None = None) -> Iterator[np.ndarray]:
    """Probabilities for each chunk of texts (or :class:`Targeted` texts), in order; in parallel when ``n_jobs`` > 1.

    At most two chunks per worker are in flight, so memory stays bounded however many chunks there are.
    """
    n_jobs = n_jobs or default_jobs()
    if n_jobs <= 1 or not _can_fork():
        yield from (_proba(predictor, chunk) for chunk in chunks)
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    pending: deque[Future[np.ndarray]] = deque()
    with ProcessPoolExecutor(n_jobs, mp_context=multiprocessing.get_context("fork"),
                             initializer=_start_worker, initargs=(predictor,)) as pool:
        for chunk in chunks:
            pending.append(pool.submit(_score_in_worker, chunk if isinstance(chunk, Targeted) else list(chunk)))
            if len(pending) >= 2 * n_jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def predict_proba_many(predictor: StancePredictor, texts: Sequence[str], n_jobs: int | None = None) -> np.ndarray:
    """Probabilities for a list of texts, using every core once the list is long enough to pay for it."""
    if len(texts) < PARALLEL_MIN_ROWS:
        return predictor.predict_proba(texts)
    chunks = (texts[i : i + CHUNK_ROWS] for i in range(0, len(texts), CHUNK_ROWS))
    return np.concatenate(list(predict_proba_chunks(predictor, chunks, n_jobs)))


def predict_csv(predictor: StancePredictor, input_path: str | os.PathLike[str], output_path: str | os.PathLike[str],
                column: str = "text", *, overwrite_columns: bool = False, delimiter: str | None = None,
                n_jobs: int | None = None, progress: IO[str] | None = None, target_column: str | None = None) -> int:
    """Stream ``input_path`` to ``output_path``, keeping every column and adding the prediction columns.

    ``target_column`` names the column with each text's target, for a model trained with targets (an empty cell or
    a target the model has not seen is scored with the part of the model shared by all targets).
    Returns the number of rows written. The output is written atomically and may never be the input file.
    ``progress``: a stream for a progress bar, drawn only if it is a terminal.
    """
    input_path, output_path = Path(input_path), Path(output_path)
    _check_paths(input_path, output_path)
    with csv_records(input_path, delimiter, check_size=False, skip_blank=False) as (header, records, delimiter, raw):
        added = output_columns(predictor)
        position = column_position(input_path, header, column)
        target = column_position(input_path, header, target_column) if target_column else None
        kept = _kept_positions(input_path, header, added, overwrite_columns)
        meter = _Progress(progress, input_path.stat().st_size, raw)
        with atomic_write(output_path, "w", encoding="utf-8", newline="") as sink:
            writer = csv.writer(sink, delimiter=delimiter)
            writer.writerow([header[i] for i in kept] + added)
            rows_done = 0
            rows_only = (row for _, row in records)
            for rows, proba in _scored(predictor, chunked(rows_only, CHUNK_ROWS), position, n_jobs, target):
                writer.writerows(_output_rows(rows, kept, predictor.labels(proba), proba))
                rows_done += len(rows)
                meter.update(rows_done)
        meter.close(rows_done)
    return rows_done


def _output_rows(rows: list[list[str]], kept: list[int], labels: list[str], proba: np.ndarray) -> Iterator[list[str]]:
    """Each input row's kept cells (missing trailing cells as ""), then its label and probabilities."""
    width = max(kept, default=-1) + 1
    for row, label, p in zip(rows, labels, proba.tolist()):
        if len(row) < width:
            row = row + [""] * (width - len(row))
        yield [*map(row.__getitem__, kept), label, *map("{:.6f}".format, p)]


def _scored(predictor: StancePredictor, chunks: Iterator[list[list[str]]], position: int, n_jobs: int | None,
            target: int | None = None) -> Iterator[tuple[list[list[str]], np.ndarray]]:
    """Pair each chunk of rows with the probabilities of its text column (and, if given, its target column)."""
    held: deque[list[list[str]]] = deque()

    def cells(rows: list[list[str]], i: int) -> list[str]:
        return [row[i] if i < len(row) else "" for row in rows]

    def texts() -> Iterator[Chunk]:
        for rows in chunks:
            held.append(rows)
            yield cells(rows, position) if target is None else Targeted(cells(rows, position), cells(rows, target))

    for proba in predict_proba_chunks(predictor, texts(), n_jobs):
        yield held.popleft(), proba


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Items in lists of ``size`` (the last one shorter), without holding more than one list in memory."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_paths(input_path: Path, output_path: Path) -> None:
    """The input must be a readable file, and the output must not be the input."""
    if not input_path.is_file():
        problem = "is a directory, not a CSV file" if input_path.exists() else "no such file"
        raise StanceInputError(f"{input_path}: {problem}")
    if output_path.exists() and os.path.samefile(output_path, input_path):
        raise StanceInputError(f"{output_path}: the output would overwrite the input; choose another --output")


def _kept_positions(path: Path, header: list[str], added: list[str], overwrite: bool) -> list[int]:
    """Input columns to copy; a clash with an added column is an error unless ``overwrite``, which drops the old one."""
    clashes = [name for name in header if name in added]
    if clashes and not overwrite:
        raise StanceInputError(f"{path}: already has column(s) {', '.join(clashes)}; "
                               "pass --overwrite-columns to replace them")
    return [i for i, name in enumerate(header) if name not in added]


def _can_fork() -> bool:
    """Worker processes are forked; only a single-threaded process on a platform with fork can do that safely."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _start_worker(predictor: StancePredictor) -> None:
    """In a new worker: keep the model inherited at fork, and leave Ctrl-C to the parent, which stops the pool."""
    import signal

    global _worker_model
    _worker_model = predictor
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _score_in_worker(chunk: Chunk) -> np.ndarray:
    """Score one chunk in a worker process."""
    assert _worker_model is not None
    return _proba(_worker_model, chunk)


def _proba(predictor: StancePredictor, chunk: Chunk) -> np.ndarray:
    """Probabilities of one chunk of texts, with their targets when it has them."""
    if isinstance(chunk, Targeted):
        return predictor.predict_proba(chunk.texts, chunk.targets)
    return predictor.predict_proba(chunk)


class _Progress:
    """A one-line progress bar on a terminal stream, from the bytes read so far (silent on anything else)."""

    WIDTH = 30

    def __init__(self, stream: IO[str] | None, total_bytes: int, source: IO[bytes]):
        self.stream = stream if stream is not None and stream.isatty() else None
        self.total = max(total_bytes, 1)
        self.source = source
        self.start = time.perf_counter()

    def update(self, rows: int) -> None:
        """Redraw the bar."""
        if self.stream:
            done = min(self.source.tell() / self.total, 1.0)
            elapsed = time.perf_counter() - self.start
            bar = "#" * round(done * self.WIDTH)
            eta = f", {elapsed * (1 - done) / done:.0f} s left" if 0 < done < 1 else ""
            rate = rows / max(elapsed, 1e-9)
            self.stream.write(f"\r[{bar:<{self.WIDTH}}] {done:4.0%}  {rows:,} rows, {rate:,.0f} rows/s{eta} ")
            self.stream.flush()

    def close(self, rows: int) -> None:
        """Draw the finished bar and end the line."""
        if self.stream:
            self.update(rows)
            self.stream.write("\n")
