"""Predict the stance of quotes: given as arguments, one per line on stdin, or a whole CSV file.

examples:
  stance predict "Trump has effectively surrendered to Putin"
  stance predict --explain "This is not a betrayal of Ukraine"
  cat quotes.txt | stance predict --json
  stance predict --input quotes.csv --column text --output scored.csv
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Iterable

from stance.errors import StanceInputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``stance predict``."""
    parser.add_argument("texts", nargs="*", metavar="TEXT", help="quotes to classify (none: read one per line from stdin)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per quote (label, confidence, probabilities)")
    parser.add_argument("--explain", action="store_true", help="also print the terms that pushed toward and against the label")
    parser.add_argument("--top", type=int, default=5, help="number of terms to show with --explain (default: 5)")
    parser.add_argument("--model", help="a model file from 'stance train' (default: the shipped model)")
    parser.add_argument("--trusted", action="store_true", help="allow --model to be a pickle/joblib file (it can run code: only your own)")
    files = parser.add_argument_group("scoring a CSV file")
    files.add_argument("--input", metavar="CSV", help="CSV to score; every column is kept and predicted_label + proba_<label> are added")
    files.add_argument("--column", default="text", help="column holding the quotes (default: text)")
    files.add_argument("--output", metavar="CSV", help="where to write the scored CSV (required with --input)")
    files.add_argument("--overwrite-columns", action="store_true", help="replace prediction columns the input already has")
    files.add_argument("--delimiter", help="field delimiter of the input (default: detected from , ; or tab)")
    files.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")


def run(args: argparse.Namespace) -> int:
    """Classify the quotes and print or write the results."""
    if args.output and not args.input:
        raise StanceInputError(f"{args.output}: --output needs --input, the CSV to score")
    predictor = _load_model(args.model, args.trusted)
    if args.input:
        return _predict_file(predictor, args)
    texts = args.texts or _stdin_lines()
    for text in texts:
        print(_describe(predictor, text, args))
    return 0


def _load_model(path: str | None, trusted: bool):
    """The model to use: a file the user names, or the shipped one."""
    from stance.api import resolve_model

    if path is None:
        return resolve_model(None)
    from stance.persistence import load

    return resolve_model(load(path, trusted=trusted))


def _describe(predictor, text: str, args: argparse.Namespace) -> str:
    """One quote's result as a line (label and confidence), JSON, or an explanation."""
    from stance.api import explain

    if args.explain:
        explanation = explain(text, top=args.top, model=predictor)
        if args.json:
            return json.dumps({"text": text, "label": explanation.label, "confidence": round(explanation.probability, 4),
                               "toward": explanation.toward, "against": explanation.against}, ensure_ascii=False)
        return str(explanation)
    proba = dict(zip(map(str, predictor.classes_), predictor.predict_proba([text])[0].tolist()))
    label = max(proba, key=proba.__getitem__)
    if args.json:
        return json.dumps({"text": text, "label": label, "confidence": round(proba[label], 4),
                           "probabilities": {k: round(v, 4) for k, v in proba.items()}}, ensure_ascii=False)
    return f"{label}\t{proba[label]:.2f}"


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
    rows = predict_csv(predictor, args.input, args.output, args.column, overwrite_columns=args.overwrite_columns,
                       delimiter=args.delimiter, n_jobs=args.jobs, progress=sys.stderr)
    print(f"wrote {rows:,} rows to {args.output}", file=sys.stderr)
    return 0
