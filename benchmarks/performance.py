"""Measure stance's speed against a plain scikit-learn pipeline, side by side, on data it generates itself.

    python benchmarks/performance.py              # full run: a 1,000,000-row CSV (a few minutes on 2 cores)
    python benchmarks/performance.py --rows 200000
    python benchmarks/performance.py --quick      # smoke run on tiny sizes (the figures mean little)

Prints one line per performance target with the library's figure, the baseline's, and their ratio:

- one quote: ``stance.predict(text)`` / ``predict_proba(text)`` against ``Pipeline.predict([text])`` /
  ``predict_proba`` of the same fitted pipeline (``StanceClassifier.pipeline_``), median time per call over varied
  texts, after a warm-up on other texts;
- cold start: ``stance predict "text"`` as a fresh process against a process that only imports scikit-learn's
  pipeline, text and linear-model modules (median of several runs each);
- a big file: ``stance predict --input in.csv --output out.csv`` as a subprocess (both cores) against
  single-threaded ``Pipeline.predict_proba`` timed on a sample of the same rows, in rows per second; peak memory
  of the subprocess tree;
- a long list: ``stance.predict_proba(list)`` against the same baseline;
- training the shipped recipe from the bundled data with cross-validation (``python -m stance.bundled``).

Texts are recombined from the bundled training corpus (fragments of different quotes joined, a little noise);
nothing under ``shared/eval`` is read.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, Sequence

import stance
from stance.bundled import GROUP_COLUMN, SHIPPED_PARAMS, training_paths
from stance.classifier import StanceClassifier
from stance.data import LabelledData
from stance.training import read_training_data

COLD_QUOTE = "Trump has effectively surrendered to Putin"
BASELINE_IMPORT = "import sklearn.pipeline, sklearn.feature_extraction.text, sklearn.linear_model"
_FRAGMENT_SPLIT = re.compile(r"(?<=[.;:!?,])\s+")
_NOISE = ["", "", "", " — Reuters", " (AFP)", " 🇺🇦", " «quoted»", " naïve café", " !!!", " #Ukraine"]


def fragments(texts: Sequence[str]) -> list[str]:
    """Clauses of the corpus quotes, the pieces the generated texts are made of."""
    return [piece for text in texts for piece in _FRAGMENT_SPLIT.split(text) if piece.strip()]


def generated_texts(pieces: Sequence[str], n: int, seed: int) -> Iterator[str]:
    """``n`` quote-like texts: one to three fragments of different quotes joined, sometimes with noise."""
    rng = random.Random(seed)
    for _ in range(n):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.1:
            words = text.split()
            rng.shuffle(words)
            text = " ".join(words)
        yield text + rng.choice(_NOISE)


def write_input_csv(path: Path, texts: Iterator[str]) -> int:
    """A CSV with an id, two context columns and the text column, as a newsroom export might look."""
    outlets = ["Reuters", "AP", "Kyiv Independent", "Meduza", "Le Monde, Paris"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "outlet", "date", "text"])
        rows = 0
        for rows, text in enumerate(texts, 1):
            writer.writerow([rows, outlets[rows % len(outlets)], f"2025-{1 + rows % 12:02d}-{1 + rows % 28:02d}", text])
    return rows


def median_call_seconds(ours: Callable[[str], object], theirs: Callable[[str], object], texts: Sequence[str],
                        block: int = 25) -> tuple[float, float]:
    """Median wall time of one call of ``ours`` and of ``theirs`` on a text: each runs over a block of texts in
    turn (as a caller's loop would), blocks alternating so that both see the same machine load."""
    times: tuple[list[float], list[float]] = ([], [])
    for i in range(0, len(texts), block):
        for call, spent in zip((ours, theirs), times):
            for text in texts[i : i + block]:
                start = time.perf_counter()
                call(text)
                spent.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def rows_per_second(score: Callable[[list[str]], object], texts: list[str], chunk: int = 10_000) -> float:
    """Throughput of ``score`` called on consecutive chunks of ``texts``."""
    start = time.perf_counter()
    for i in range(0, len(texts), chunk):
        score(texts[i : i + chunk])
    return len(texts) / (time.perf_counter() - start)


def stance_command() -> list[str]:
    """How a user runs the CLI: the ``stance`` script beside this Python, else ``python -m stance``."""
    script = shutil.which("stance", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "stance"]


def median_run_seconds(command: list[str], runs: int) -> float:
    """Median wall time of a fresh process running ``command`` (which must succeed)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr}")
    return statistics.median(times)


def run_measuring_memory(command: list[str]) -> tuple[float, float, float | None]:
    """Run ``command``; return (seconds, peak RSS of its largest process in MB, peak memory of its tree in MB).

    The command runs under a small Python wrapper that reports ``getrusage(RUSAGE_CHILDREN).ru_maxrss``: the
    kernel's high-water mark over the command and every worker it waited for. (Asking this process directly would
    count the pages of this big benchmark process, copied into the child before it runs the command.) The tree
    figure polls the command and its workers with psutil every 50 ms and sums their PSS (proportional set size:
    pages shared by the forked workers are counted once, split among them); ``None`` without psutil.
    """
    try:
        import psutil
    except ImportError:
        psutil = None
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", _RSS_WRAPPER, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tree_peak = 0
    while process.poll() is None:
        if psutil:
            try:
                tree = psutil.Process(process.pid).children(recursive=True)
                tree_peak = max(tree_peak, sum(p.memory_full_info().pss for p in tree))
            except psutil.Error:
                pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {stderr.decode(errors='replace')}")
    return seconds, int(stdout.split()[-1]) / 1024, tree_peak / 2**20 if psutil else None


_RSS_WRAPPER = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def report(target: str, ours: str, baseline: str, ratio: str) -> None:
    """One result line: what is measured, the library's figure, the baseline's, and the ratio."""
    print(f"{target:<28} | {ours:<52} | {baseline:<58} | {ratio}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the data, run every measurement and print one line per target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated CSV (default: 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run each: checks the script works")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for the generated files (default: a temporary one)")
    args = parser.parse_args(argv)
    rows = min(args.rows, 2_000) if args.quick else args.rows
    n_quotes, runs, sample = (100, 1, min(rows, 1_000)) if args.quick else (1_000, 5, min(rows, 100_000))
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        run_all(Path(folder), rows, n_quotes, runs, sample, args.quick)
    return 0


def run_all(folder: Path, rows: int, n_quotes: int, runs: int, sample: int, quick: bool) -> None:
    """The measurements, in order; each prints its line as soon as it is known."""
    data = read_training_data(training_paths(), "text", "label", GROUP_COLUMN)
    if quick:
        data = every_nth(data, len(data) // 300)
    model = StanceClassifier(**SHIPPED_PARAMS).fit(data.texts, data.labels)
    model.save(folder / "model.npz")
    pieces = fragments(data.texts)
    print(f"model: shipped recipe fitted on {len(data):,} bundled rows; texts recombined from {len(pieces):,} fragments; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    one_quote(model, pieces, n_quotes)
    cold_start(runs)
    texts = list(generated_texts(pieces, sample, seed=3))
    base_rate = rows_per_second(model.pipeline_.predict_proba, texts)
    big_file(folder, pieces, rows, base_rate, sample)
    list_rate = rows_per_second(lambda chunk: stance.predict_proba(chunk, model=model), texts, chunk=len(texts))
    report(f"long list: {sample:,} texts", f"stance.predict_proba(list) {list_rate:,.0f} rows/s",
           f"Pipeline.predict_proba, 1 thread {base_rate:,.0f} rows/s", f"{list_rate / base_rate:.1f}x")
    seconds = median_run_seconds(training_command(folder, data, quick), 1)
    what = f"`stance train` on {len(data)} rows, 5-fold CV (--quick)" if quick else "python -m stance.bundled (5-fold CV)"
    report("training: shipped recipe", f"{what} {seconds:.1f} s", "budget 10.0 s", f"{seconds / 10:.2f} of the budget")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (the figures assume an otherwise idle machine)")


def one_quote(model: StanceClassifier, pieces: list[str], n_quotes: int) -> None:
    """Latency of one call on one text, library against pipeline, on fresh texts after a warm-up on others."""
    for text in generated_texts(pieces, n_quotes, seed=1):
        stance.predict_proba(text, model=model), model.pipeline_.predict_proba([text])
    for seed, name in enumerate(["predict", "predict_proba"], 10):
        quotes = list(generated_texts(pieces, n_quotes, seed=seed))
        ours, theirs = getattr(stance, name), getattr(model.pipeline_, name)
        mine, base = median_call_seconds(lambda text: ours(text, model=model), lambda text: theirs([text]), quotes)
        report(f"one quote: {name}", f"stance.{name}(text) {mine * 1e6:,.1f} us (median call)",
               f"Pipeline.{name}([text]) {base * 1e6:,.1f} us (median call)", f"{base / mine:.1f}x faster (target >= 10x)")


def cold_start(runs: int) -> None:
    """A fresh ``stance predict "text"`` against a fresh process importing scikit-learn's modules."""
    ours = median_run_seconds([*stance_command(), "predict", COLD_QUOTE], runs)
    base = median_run_seconds([sys.executable, "-c", BASELINE_IMPORT], runs)
    report("cold start", f"`stance predict \"...\"` {ours:.3f} s (median of {runs})",
           f"python -c 'import sklearn.pipeline, ...' {base:.3f} s",
           f"{ours / base:.2f} of the baseline (target < 0.33, and < 0.5 s)")


def big_file(folder: Path, pieces: list[str], rows: int, base_rate: float, sample: int) -> None:
    """Throughput and peak memory of ``stance predict --input --output`` on a generated CSV."""
    csv_in, csv_out = folder / "in.csv", folder / "out.csv"
    start = time.perf_counter()
    write_input_csv(csv_in, generated_texts(pieces, rows, seed=3))
    size_mb, seconds = csv_in.stat().st_size / 2**20, time.perf_counter() - start
    print(f"generated {csv_in.name}: {rows:,} rows, {size_mb:,.0f} MB in {seconds:.1f} s")
    command = [*stance_command(), "predict", "--input", str(csv_in), "--column", "text", "--output", str(csv_out),
               "--model", str(folder / "model.npz")]
    seconds, largest_mb, tree_mb = run_measuring_memory(command)
    report(f"big file: {rows:,} rows", f"`stance predict --input/--output` {rows / seconds:,.0f} rows/s ({seconds:.1f} s)",
           f"Pipeline.predict_proba, 1 thread {base_rate:,.0f} rows/s (first {sample:,} rows)",
           f"{rows / seconds / base_rate:.1f}x (target >= 2x)")
    tree = "psutil not installed" if tree_mb is None else f"{tree_mb:,.0f} MB PSS summed over the process tree (psutil, 50 ms polls)"
    report("big file: peak memory", f"{largest_mb:,.0f} MB largest process (getrusage ru_maxrss)", tree,
           f"{max(largest_mb, tree_mb or 0) / 300:.2f} of the 300 MB limit")


def every_nth(data: LabelledData, step: int) -> LabelledData:
    """A thinned copy of the training data (every label stays represented), for --quick."""
    step = max(step, 1)
    return LabelledData(data.texts[::step], data.labels[::step], data.source,
                        {name: values[::step] for name, values in data.extra.items()})


def training_command(folder: Path, data: LabelledData, quick: bool) -> list[str]:
    """Build the shipped model from the bundled data; with ``quick``, train the same recipe on ``data`` instead."""
    if not quick:
        return [sys.executable, "-m", "stance.bundled", "--output", str(folder)]
    small = folder / "train.csv"
    with open(small, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", GROUP_COLUMN])
        writer.writerows(zip(data.texts, data.labels, data.extra[GROUP_COLUMN]))
    return [*stance_command(), "train", str(small), "--group-column", GROUP_COLUMN, "--time-budget", "0",
            "--output", str(folder / "small.npz")]


if __name__ == "__main__":
    sys.exit(main())
