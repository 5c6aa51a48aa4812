"""Choose the shipped recipe by grouped cross-validation on the bundled training data only.

    python benchmarks/recipe_search.py [--folds 5]

Varies one setting at a time around the shipped recipe (``stance.bundled.SHIPPED_PARAMS``) and prints the
cross-validated macro-F1 and calibration error of each variant. Folds are grouped (``group`` column) so that
near-paraphrases and contrast pairs never sit on both sides of a split. The real-quote dev set is deliberately not
used here: it is looked at only once a recipe is chosen (``stance evaluate PATH``).
"""

from __future__ import annotations

import argparse
import time

from stance.bundled import GROUP_COLUMN, SHIPPED_PARAMS, training_paths
from stance.training import fit_with_report, read_training_data

VARIANTS: dict[str, list[object]] = {
    "word_ngram_range": [None, (1, 1), (1, 3)],
    "char_ngram_range": [None, (1, 4), (3, 5), (2, 6)],
    "char_analyzer": ["char"],
    "sublinear_tf": [False],
    "min_df": [2],
    "C": [0.3, 1.0, 3.0, 30.0],
    "class_weight": [None],
}


def main() -> None:
    """Print one line per recipe variant: macro-F1, accuracy, calibration error, time."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--by-writer", action="store_true",
                        help="leave one writer's batch series out per fold (a shift in style, like real quotes) instead of grouped folds")
    args = parser.parse_args()
    group_column = "writer" if args.by_writer else GROUP_COLUMN
    data = read_training_data(training_paths(), "text", "label", group_column)
    if args.by_writer:  # the seed quotes have no writer: they form one group of their own
        data.extra[group_column] = [g if g.isalpha() else "seed" for g in data.extra[group_column]]
        args.folds = len(set(data.extra[group_column]))
    print(f"{len(data)} rows, {args.folds}-fold CV grouped by {group_column}\n{'variant':<40} macro-F1  accuracy    ECE   seconds")
    candidates = [("shipped recipe", {})] + [(f"{k}={v}", {k: v}) for k, values in VARIANTS.items() for v in values]
    for name, change in candidates:
        start = time.perf_counter()
        _, report = fit_with_report(data, group_column, args.folds, **{**SHIPPED_PARAMS, **change})
        print(f"{name:<40} {report.macro_f1:8.4f}  {report.accuracy:8.4f}  {report.calibration_error:5.3f}  {time.perf_counter() - start:7.1f}")


if __name__ == "__main__":
    main()
