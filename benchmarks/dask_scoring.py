"""Scoring a generated news archive: Dask's local cluster against the single-machine streaming CSV path.

    python benchmarks/dask_scoring.py [--rows 2000000] [--files 40] [--workers N] [--quick]

Generates quotes by recombining sentences of the bundled authored corpus (``seeds/authored.csv``), writes them as
Parquet files and as one equivalent CSV, then scores the same rows with the shipped model three ways:
``stance.batch.predict_csv`` in one process, the same with one forked worker per core, and
``stance.dask.predict_files`` (Parquet glob to Parquet folder) on a ``distributed.LocalCluster`` of single-threaded
worker processes. Prints rows per second of each, the ratio to the single process, peak memory (RSS) of every
process involved, and whether all paths gave the same labels. Needs ``pip install "stance-classifier[dask]"``.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stance.api import resolve_model
from stance.batch import default_jobs, predict_csv
from stance.bundled import bundled_dir

OUTLETS = ("Reuters", "AP", "Kyiv Independent", "Meduza", "Politico", "The Guardian", "TASS")


def sentences() -> list[str]:
    """The distinct sentences of the authored corpus."""
    texts = pd.read_csv(bundled_dir("seeds") / "authored.csv", usecols=["text"])["text"].dropna()
    pieces = (piece.strip() for text in texts for piece in re.split(r"(?<=[.!?])\s+", text))
    return sorted({piece for piece in pieces if len(piece) > 3})


def generate(folder: Path, rows: int, files: int, seed: int = 0) -> tuple[str, Path]:
    """Write ``rows`` quotes (one to three sentences each) as ``files`` Parquet files and as one CSV."""
    pool = np.asarray(sentences(), dtype=object)
    rng = np.random.default_rng(seed)
    csv_path = folder / "archive.csv"
    bounds = np.linspace(0, rows, files + 1).astype(int)
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["quote_id", "outlet", "text"])
        for number, (start, stop) in enumerate(zip(bounds, bounds[1:])):
            picks = pool[rng.integers(0, len(pool), size=(stop - start, 3))]
            lengths = rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15], size=stop - start)
            part = pd.DataFrame({"quote_id": np.arange(start, stop), "outlet": rng.choice(OUTLETS, size=stop - start),
                                 "text": [" ".join(row[:n]) for row, n in zip(picks, lengths)]})
            part.to_parquet(folder / f"archive-{number:04d}.parquet", index=False)
            writer.writerows(part.itertuples(index=False))
    return str(folder / "archive-*.parquet"), csv_path


@dataclass
class Run:
    """One way of scoring the archive: wall-clock and CPU seconds, and the peak memory of its processes."""

    name: str
    seconds: float
    cpu_seconds: float
    memory: str


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MiB of this process (or the largest of its finished children)."""
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU seconds of this process (or of its finished children)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _stream(csv_path: Path, output: Path, jobs: int, connection) -> None:
    """Run the streaming CSV path in a fresh process; send back its seconds, CPU seconds and peak memories."""
    predictor = resolve_model(None)
    cpu = cpu_seconds() + cpu_seconds(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    predict_csv(predictor, csv_path, output, "text", n_jobs=jobs)
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() + cpu_seconds(resource.RUSAGE_CHILDREN) - cpu
    connection.send((seconds, cpu, peak_rss_mb(), peak_rss_mb(resource.RUSAGE_CHILDREN)))


def stream(csv_path: Path, output: Path, jobs: int) -> Run:
    """Time ``predict_csv`` with ``jobs`` processes, in a spawned process so that its memory is its own."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_stream, args=(csv_path, output, jobs, send))
    process.start()
    seconds, cpu, own, workers = receive.recv()
    process.join()
    if jobs == 1:
        return Run("stance.batch.predict_csv, 1 process", seconds, cpu, f"{own:,.0f}")
    return Run(f"stance.batch.predict_csv, {jobs} forked processes", seconds, cpu,
               f"{own:,.0f} parent, {workers:,.0f} largest worker")


def on_dask(parquet_glob: str, output: Path, workers: int) -> tuple[Run, float, int]:
    """Start a local cluster, then time ``predict_files`` on it; also returns the start-up time and partition count.

    CPU seconds are the workers' (the scheduler and client run in this process and do little).
    """
    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from stance.dask import predict_files

    start = time.perf_counter()
    with dask.config.set({"distributed.worker.profile.enabled": False}):  # as predict_files's own local cluster
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    with cluster, Client(cluster) as client:
        started = time.perf_counter()
        cpu = sum(client.run(cpu_seconds).values())
        predict_files(parquet_glob, output, scheduler=cluster.scheduler_address, progress=sys.stderr)
        seconds = time.perf_counter() - started
        cpu = sum(client.run(cpu_seconds).values()) - cpu
        peaks = ", ".join(f"{peak:,.0f}" for peak in sorted(client.run(peak_rss_mb).values()))
    run = Run(f"stance.dask.predict_files, {workers} Dask workers", seconds, cpu, f"{peaks} per worker")
    return run, started - start, dd.read_parquet(parquet_glob).npartitions


def labels_agree(folder: Path) -> int:
    """Rows on which the three outputs have the same quote id and the same label."""
    columns = ["quote_id", "predicted_label"]
    outputs = [pd.read_csv(folder / "single.csv", usecols=columns), pd.read_csv(folder / "parallel.csv", usecols=columns),
               pd.read_parquet(folder / "scored", columns=columns)]
    first = outputs[0].to_numpy()
    return int(np.logical_and.reduce([(other.to_numpy() == first).all(axis=1) for other in outputs[1:]]).sum())


def main() -> None:
    """Generate the archive, score it three ways, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--files", type=int, default=40, help="Parquet files to spread the rows over")
    parser.add_argument("--workers", type=int, default=default_jobs(), help="worker processes (default: one per core)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 40,000 rows in 8 files")
    args = parser.parse_args()
    rows, files = (40_000, 8) if args.quick else (args.rows, args.files)
    with tempfile.TemporaryDirectory(prefix="stance-dask-bench-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        parquet_glob, csv_path = generate(folder, rows, files)
        parquet_mb = sum(p.stat().st_size for p in folder.glob("*.parquet")) / 2**20
        print(f"{rows:,} generated quotes: {files} Parquet files ({parquet_mb:,.0f} MiB), one CSV "
              f"({csv_path.stat().st_size / 2**20:,.0f} MiB), {time.perf_counter() - start:.0f} s to write; "
              f"{default_jobs()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
        single = stream(csv_path, folder / "single.csv", 1)
        print(f"  {single.name}: {single.seconds:.1f} s", flush=True)
        parallel = stream(csv_path, folder / "parallel.csv", args.workers)
        print(f"  {parallel.name}: {parallel.seconds:.1f} s", flush=True)
        dask_run, startup, partitions = on_dask(parquet_glob, folder / "scored", args.workers)
        agree = labels_agree(folder)
    base = rows / single.seconds
    print(f"\n{'path':<46} {'seconds':>8} {'rows/s':>8} {'vs 1 process':>12} {'rows/CPU-s':>10}  peak RSS (MiB)")
    for run in (single, parallel, dask_run):
        print(f"{run.name:<46} {run.seconds:>8.1f} {rows / run.seconds:>8,.0f} {rows / run.seconds / base:>11.2f}x "
              f"{rows / run.cpu_seconds:>10,.0f}  {run.memory}")
    print(f"Dask: {partitions} partitions; LocalCluster start-up {startup:.1f} s "
          f"(with it: {rows / (dask_run.seconds + startup):,.0f} rows/s)")
    print(f"same labels on all three paths: {agree:,} of {rows:,} rows; load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
