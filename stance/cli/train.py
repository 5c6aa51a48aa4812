"""Train a model on your own labelled CSV (any text and label columns, any label set) and print its cross-validated report.

examples:
  stance train seeds/quotes.csv --output model.npz
  stance train mine.csv --text-column quote --label-column stance --output mine.npz
"""

from __future__ import annotations

import argparse
import sys

from stance.errors import StanceInputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``stance train``."""
    parser.add_argument("csv", help="labelled CSV (UTF-8) with a text column and a label column")
    parser.add_argument("--output", required=True, help="model file to write (written atomically: a failed run leaves the old file untouched)")
    parser.add_argument("--text-column", default="text", help="column holding the texts (default: text)")
    parser.add_argument("--label-column", default="label", help="column holding the labels (default: label)")
    parser.add_argument("--group-column", default=None, help="rows sharing a value stay on one side of every CV split")
    parser.add_argument("--drop-invalid", action="store_true", help="skip rows with an empty text or label instead of stopping")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: 5)")
    parser.add_argument("--C", type=float, default=10.0, help="inverse regularisation strength (default: 10)")


def run(args: argparse.Namespace) -> int:
    """Train, report, and write the model."""
    from stance.persistence import save
    from stance.training import train

    if args.folds < 2:
        raise StanceInputError(f"--folds must be at least 2, got {args.folds}")
    print(f"training on {args.csv} ...", file=sys.stderr)
    model, report = train(args.csv, args.text_column, args.label_column, group_column=args.group_column,
                          n_splits=args.folds, drop_invalid=args.drop_invalid, C=args.C)
    save(model, args.output)
    print(report)
    print(f"\nsaved model to {args.output}", file=sys.stderr)
    return 0
