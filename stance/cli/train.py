"""Train a model on your own labelled CSV (any text and label columns, any label set) and print its cross-validated report.

By default the settings (regularisation, n-grams, tokenizer, ...) are chosen by a cross-validated search that
fits in --time-budget seconds; the chosen settings, every candidate's score and the report are printed.

examples:
  stance train seeds/authored.csv --output model.npz
  stance train mine.csv --text-column quote --label-column stance --output mine.npz
  stance train tweets.csv --text-column Tweet --label-column Stance --target-column Target \\
      --metric f_avg --positive-labels FAVOR,AGAINST --output tweets.npz
  stance train export.csv --delimiter ';' --drop-invalid --time-budget 0 --output mine.npz
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stance.cli import report_warnings
from stance.errors import StanceInputError
from stance.evaluation import METRICS
from stance.training import DEFAULT_TIME_BUDGET


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``stance train``."""
    parser.add_argument("csv", help="labelled CSV (UTF-8) with a text column and a label column")
    parser.add_argument("--output", required=True, help="model file to write (written atomically: a failed run leaves the old file untouched)")
    parser.add_argument("--text-column", default="text", help="column holding the texts (default: text)")
    parser.add_argument("--label-column", default="label", help="column holding the labels (default: label)")
    parser.add_argument("--target-column", default=None,
                        help="column naming what each text takes a stance toward; the model learns per target and "
                             "scores an unseen target with what all targets share")
    parser.add_argument("--group-column", default=None, help="rows sharing a value stay on one side of every CV split")
    parser.add_argument("--delimiter", help="field delimiter, e.g. ';' or '\\t' (default: detected from , ; or tab)")
    parser.add_argument("--drop-invalid", action="store_true",
                        help="skip rows with an empty text or label, or whose text also has another label, instead of stopping")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: 5)")
    parser.add_argument("--time-budget", type=float, default=DEFAULT_TIME_BUDGET, metavar="SECONDS",
                        help=f"seconds for the search of settings (default: {DEFAULT_TIME_BUDGET:g}; "
                             "0: no search, the default recipe)")
    parser.add_argument("--metric", choices=METRICS, default="macro_f1",
                        help="what the search maximises: macro_f1 (default) or f_avg, the mean F1 of --positive-labels")
    parser.add_argument("--positive-labels", metavar="A,B", type=label_list,
                        help="labels F_avg averages (default: every label but none/neutral)")
    parser.add_argument("--no-bias", dest="tune_bias", action="store_false",
                        help="keep the calibrated probabilities as they are, without the per-label offsets that "
                             "raise the cross-validated metric (offsets are kept only when they gain 0.005 or more)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the folds and the model (default: 0); same data, same seed: same model")
    parser.add_argument("--C", type=float, default=None,
                        help="inverse regularisation strength (default: searched; 10 without search)")


def run(args: argparse.Namespace) -> int:
    """Read and check the CSV, train (with the search), report, and write the model."""
    from stance.data import column_position, read_labelled_csv
    from stance.persistence import save
    from stance.selection import format_selection
    from stance.training import fit_with_report

    if args.folds < 2:
        raise StanceInputError(f"--folds must be at least 2, got {args.folds}")
    if args.time_budget < 0:
        raise StanceInputError(f"--time-budget must be 0 (no search) or more seconds, got {args.time_budget:g}")
    _check_output(Path(args.csv), Path(args.output))
    extra = (args.group_column,) if args.group_column else ()
    data = read_labelled_csv(args.csv, args.text_column, args.label_column, extra_columns=extra, delimiter=args.delimiter,
                             drop_invalid=args.drop_invalid, key_columns=(args.target_column,) if args.target_column else ())
    if args.group_column and args.group_column not in data.columns:
        column_position(Path(args.csv), data.columns, args.group_column)  # raises: lists the columns found
    report_warnings(args, data.warnings)
    if sys.stderr.isatty():
        print(f"training on {len(data):,} rows of {args.csv} ...", file=sys.stderr)
    params = {"random_state": args.seed, **({"C": args.C} if args.C is not None else {})}
    model, report = fit_with_report(data, args.group_column, args.folds, text_column=args.text_column,
                                    target_column=args.target_column, search=args.time_budget > 0,
                                    time_budget=args.time_budget, metric=args.metric,
                                    positive_labels=args.positive_labels, tune_bias=args.tune_bias, **params)
    save(model, args.output)
    if report.selection:
        print(format_selection(report.selection), end="\n\n")
    print(report)
    print(f"\nsaved model to {args.output}", file=sys.stderr)
    return 0


def label_list(value: str) -> list[str]:
    """``A,B`` as a list of labels."""
    labels = [label.strip() for label in value.split(",") if label.strip()]
    if not labels:
        raise argparse.ArgumentTypeError("give one or more labels separated by commas, e.g. FAVOR,AGAINST")
    return labels


def _check_output(csv_path: Path, output: Path) -> None:
    """Refuse, before training, an output that is a folder, in a missing folder, or the training CSV itself."""
    if output.is_dir():
        raise StanceInputError(f"{output}: is a directory; give --output a file name such as model.npz")
    if not output.parent.is_dir():
        raise StanceInputError(f"{output}: the folder {output.parent} does not exist")
    if output.exists() and csv_path.exists() and output.resolve() == csv_path.resolve():
        raise StanceInputError(f"{output}: --output would overwrite the training CSV; choose another file")
