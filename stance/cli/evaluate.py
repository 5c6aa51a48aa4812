"""Evaluate a model on a labelled CSV: accuracy, macro-F1, per-class scores, confusion matrix, calibration.

It prints accuracy, macro-F1, F_avg, per-class precision/recall/F1, the confusion matrix, the calibration error
(ECE) and the most confident mistakes.

F_avg is the mean F1 of the labels that take a side (default: every label but none/neutral; --positive-labels).

examples:
  stance evaluate labelled.csv
  stance evaluate labelled.csv --model mine.npz --text-column quote --label-column stance --json
  stance evaluate test.csv --model tweets.npz --text-column Tweet --label-column Stance --target-column Target \
      --positive-labels FAVOR,AGAINST
"""

from __future__ import annotations

import argparse
import json

from stance.cli import report_warnings
from stance.cli.predict import warn_without_targets
from stance.cli.train import label_list


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``stance evaluate``."""
    parser.add_argument("csv", help="labelled CSV (UTF-8); rows whose label the model does not know are left out, and said so")
    parser.add_argument("--model", help="model file (default: the shipped model)")
    parser.add_argument("--trusted", action="store_true", help="allow --model to be a pickle/joblib file (it can run code: only your own)")
    parser.add_argument("--text-column", default="text", help="column holding the texts (default: text)")
    parser.add_argument("--label-column", default="label", help="column holding the gold labels (default: label)")
    parser.add_argument("--target-column", default=None, help="column naming each text's target, for a model trained with targets")
    parser.add_argument("--positive-labels", metavar="A,B", type=label_list,
                        help="labels F_avg averages (default: every label but none/neutral)")
    parser.add_argument("--delimiter", help="field delimiter, e.g. ';' or '\\t' (default: detected from , ; or tab)")
    parser.add_argument("--drop-invalid", action="store_true",
                        help="skip rows with an empty text or label, or whose text also has another label, instead of stopping")
    parser.add_argument("--worst", type=int, default=10, help="how many confident mistakes to list (default: 10)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    """Read and check the CSV, evaluate, and print the report."""
    from stance.api import resolve_model
    from stance.data import read_labelled_csv
    from stance.evaluation import evaluate
    from stance.persistence import load

    model = resolve_model(load(args.model, trusted=args.trusted) if args.model else None)
    warn_without_targets(args, model)
    data = read_labelled_csv(args.csv, args.text_column, args.label_column, delimiter=args.delimiter,
                             drop_invalid=args.drop_invalid, key_columns=(args.target_column,) if args.target_column else ())
    report_warnings(args, data.warnings)
    report = evaluate(data, model, worst=args.worst, target_column=args.target_column, positive_labels=args.positive_labels)
    print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) if args.json else report)
    return 0
