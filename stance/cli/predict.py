"""Predict the stance of quotes: given as arguments, one per line on stdin, a CSV file, or a whole archive on Dask.

examples:
  stance predict "Trump has effectively surrendered to Putin"
  stance predict --explain "This is not a betrayal of Ukraine"
  cat quotes.txt | stance predict --json
  stance predict --input quotes.csv --column text --output scored.csv
  stance predict --input tweets.csv --column text --target-column target --model tweets.npz --output scored.csv
  stance predict --input 'archive/*.parquet' --column text --output scored/ --scheduler tcp://host:8786
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Iterable, Iterator

from stance.cli import say
from stance.errors import StanceInputError

STDIN_BATCH = 1_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``stance predict``."""
    parser.add_argument("texts", nargs="*", metavar="TEXT", help="quotes to classify (none: read one per line from stdin)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per quote (label, confidence, probabilities)")
    parser.add_argument("--explain", action="store_true", help="also print the terms that pushed toward and against the label")
    parser.add_argument("--top", type=int, default=5, help="number of terms to show with --explain (default: 5)")
    parser.add_argument("--model", help="a model file from 'stance train' (default: the shipped model)")
    parser.add_argument("--trusted", action="store_true", help="allow --model to be a pickle/joblib file (it can run code: only your own)")
    files = parser.add_argument_group("scoring files")
    files.add_argument("--input", metavar="PATH", help="CSV to score; every column is kept and predicted_label + proba_<label> are "
                       "added. A quoted glob of CSV or Parquet files, a .parquet file or a folder is scored on Dask into a "
                       "Parquet folder (pip install 'stance-classifier[dask]')")
    files.add_argument("--column", default="text", help="column holding the quotes (default: text)")
    files.add_argument("--target-column", help="column naming each text's target, for a model trained with targets "
                       "(a target the model has not seen, or an empty cell, is scored by what all targets share)")
    files.add_argument("--output", metavar="PATH", help="where to write the scored CSV (required with --input); with Dask, "
                       "a new folder of Parquet files")
    files.add_argument("--overwrite-columns", action="store_true", help="replace prediction columns the input already has")
    files.add_argument("--delimiter", help="field delimiter of the input (default: detected from , ; or tab)")
    files.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    files.add_argument("--scheduler", metavar="ADDRESS", help="score on the Dask cluster at ADDRESS, e.g. tcp://host:8786 "
                       "(default with Dask: a local cluster of --jobs processes)")


def run(args: argparse.Namespace) -> int:
    """Classify the quotes and print or write the results."""
    if args.output and not args.input:
        raise StanceInputError(f"{args.output}: --output needs --input, the CSV to score")
    if args.target_column and not args.input:
        raise StanceInputError("--target-column needs --input, the CSV whose rows name their targets")
    predictor = _load_model(args.model, args.trusted)
    warn_without_targets(args, predictor)
    if args.input:
        return _predict_file(predictor, args)
    from stance.batch import chunked

    texts = args.texts or _stdin_lines()
    batch_size = 1 if args.explain or (not args.texts and sys.stdin.isatty()) else STDIN_BATCH
    for batch in chunked(texts, batch_size):  # one at a time at a terminal, in batches (much faster) from a pipe
        for line in _describe(predictor, batch, args):
            print(line, flush=batch_size == 1)
    return 0


def warn_without_targets(args: argparse.Namespace, predictor) -> None:
    """Say so when a model trained with targets is used without ``--target-column``: it then ignores them."""
    if predictor.targets and not args.target_column:
        say(args, "warning", "this model was trained with targets; without --target-column every text is scored as "
                             "if its target were unknown")


def _load_model(path: str | None, trusted: bool):
    """The model to use: a file the user names, or the shipped one."""
    from stance.api import resolve_model

    if path is None:
        return resolve_model(None)
    from stance.persistence import load

    return resolve_model(load(path, trusted=trusted))


def _describe(predictor, texts: list[str], args: argparse.Namespace) -> Iterator[str]:
    """Each quote's result as a line (label and confidence), JSON, or an explanation."""
    if args.explain:
        yield from (_explained(predictor, text, args) for text in texts)
        return
    labels = list(map(str, predictor.classes_))
    for text, row in zip(texts, predictor.predict_proba(texts).tolist()):
        proba = dict(zip(labels, row))
        label = max(proba, key=proba.__getitem__)
        if args.json:
            yield json.dumps({"text": text, "label": label, "confidence": round(proba[label], 4),
                              "probabilities": {k: round(v, 4) for k, v in proba.items()}}, ensure_ascii=False)
        else:
            yield f"{label}\t{proba[label]:.2f}"


def _explained(predictor, text: str, args: argparse.Namespace) -> str:
    """One quote's explanation, as text or JSON."""
    from stance.api import explain

    explanation = explain(text, top=args.top, model=predictor)
    if args.json:
        return json.dumps({"text": text, "label": explanation.label, "confidence": round(explanation.probability, 4),
                           "toward": explanation.toward, "against": explanation.against}, ensure_ascii=False)
    return str(explanation)


def _stdin_lines() -> Iterable[str]:
    """Non-empty lines of standard input, read as they come."""
    if sys.stdin.isatty():
        print("reading quotes from stdin, one per line (Ctrl-D to end)", file=sys.stderr)
    return (line.rstrip("\n") for line in sys.stdin if line.strip())


def _predict_file(predictor, args: argparse.Namespace) -> int:
    """Score a CSV file into another."""
    from stance.batch import predict_csv

    if not args.output:
        raise StanceInputError(f"{args.input}: --input needs --output, the CSV to write the scores to")
    if args.texts:
        raise StanceInputError(f"{args.input}: quotes given with --input ({args.texts[0]!r}...); if the shell expanded a glob, "
                               "quote it: --input 'archive/*.parquet'")
    if _on_dask(args):
        return _predict_files(predictor, args)
    rows = predict_csv(predictor, args.input, args.output, args.column, overwrite_columns=args.overwrite_columns,
                       delimiter=args.delimiter, n_jobs=args.jobs, progress=sys.stderr, target_column=args.target_column)
    print(f"wrote {rows:,} rows to {args.output}", file=sys.stderr)
    return 0


def _on_dask(args: argparse.Namespace) -> bool:
    """Globs, Parquet, folders and --scheduler go to Dask; one CSV file into one CSV file streams on this machine."""
    source, target = args.input, args.output
    return (bool(args.scheduler) or any(c in source for c in "*?[") or source.lower().endswith((".parquet", ".pq"))
            or os.path.isdir(source) or target.endswith(("/", os.sep)) or os.path.isdir(target))


def _predict_files(predictor, args: argparse.Namespace) -> int:
    """Score a glob, file or folder of CSV or Parquet files into a Parquet folder on a Dask cluster."""
    try:
        from stance.dask import predict_files
    except ImportError as error:
        raise StanceInputError(f"{args.input}: {error}") from error
    rows = predict_files(args.input, args.output, args.column, predictor, args.scheduler, jobs=args.jobs,
                         delimiter=args.delimiter, overwrite_columns=args.overwrite_columns, progress=sys.stderr,
                         target_column=args.target_column)
    print(f"wrote {rows:,} rows to {args.output}", file=sys.stderr)
    return 0
