"""Train a model on your own labelled CSV (any text and label columns, any label set) and print its cross-validated report.

examples:
  stance train seeds/authored.csv --output model.npz
  stance train mine.csv --text-column quote --label-column stance --output mine.npz
  stance train export.csv --delimiter ';' --drop-invalid --output mine.npz
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stance.cli import report_warnings
from stance.errors import StanceInputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``stance train``."""
    parser.add_argument("csv", help="labelled CSV (UTF-8) with a text column and a label column")
    parser.add_argument("--output", required=True, help="model file to write (written atomically: a failed run leaves the old file untouched)")
    parser.add_argument("--text-column", default="text", help="column holding the texts (default: text)")
    parser.add_argument("--label-column", default="label", help="column holding the labels (default: label)")
    parser.add_argument("--group-column", default=None, help="rows sharing a value stay on one side of every CV split")
    parser.add_argument("--delimiter", help="field delimiter, e.g. ';' or '\\t' (default: detected from , ; or tab)")
    parser.add_argument("--drop-invalid", action="store_true",
                        help="skip rows with an empty text or label, or whose text also has another label, instead of stopping")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: 5)")
    parser.add_argument("--C", type=float, default=10.0, help="inverse regularisation strength (default: 10)")


def run(args: argparse.Namespace) -> int:
    """Read and check the CSV, train, report, and write the model."""
    from stance.data import column_position, read_labelled_csv
    from stance.persistence import save
    from stance.training import fit_with_report

    if args.folds < 2:
        raise StanceInputError(f"--folds must be at least 2, got {args.folds}")
    _check_output(Path(args.csv), Path(args.output))
    extra = (args.group_column,) if args.group_column else ()
    data = read_labelled_csv(args.csv, args.text_column, args.label_column, extra_columns=extra,
                             delimiter=args.delimiter, drop_invalid=args.drop_invalid)
    if args.group_column and args.group_column not in data.columns:
        column_position(Path(args.csv), data.columns, args.group_column)  # raises: lists the columns found
    report_warnings(args, data.warnings)
    if sys.stderr.isatty():
        print(f"training on {len(data):,} rows of {args.csv} ...", file=sys.stderr)
    model, report = fit_with_report(data, args.group_column, args.folds, C=args.C)
    save(model, args.output)
    print(report)
    print(f"\nsaved model to {args.output}", file=sys.stderr)
    return 0


def _check_output(csv_path: Path, output: Path) -> None:
    """Refuse, before training, an output that is a folder, in a missing folder, or the training CSV itself."""
    if output.is_dir():
        raise StanceInputError(f"{output}: is a directory; give --output a file name such as model.npz")
    if not output.parent.is_dir():
        raise StanceInputError(f"{output}: the folder {output.parent} does not exist")
    if output.exists() and csv_path.exists() and output.resolve() == csv_path.resolve():
        raise StanceInputError(f"{output}: --output would overwrite the training CSV; choose another file")
