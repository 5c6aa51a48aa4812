"""Merge the authored tweet-style batches (part_*.csv here) into train.csv and test.csv for the retraining benchmark.

    python benchmarks/data/tweets/build.py            # rebuild train.csv and test.csv
    python benchmarks/data/tweets/build.py --check    # exit 1 if the committed files differ from a rebuild

Six targets, labels FAVOR / AGAINST / NONE, short social-media posts written for this project by two writers who
were briefed to make a third or more of the posts take a stance without naming the target. Near-duplicates are
dropped and near-paraphrases grouped exactly as for the quote corpus (seeds/build_corpus.py); whole groups are
then split about 70/30 between train and test within each target and label, with a fixed seed.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "seeds"))
from build_corpus import assign_groups, drop_near_duplicates, similarity  # noqa: E402

LABELS = ("FAVOR", "AGAINST", "NONE")
COLUMNS = ("text", "target", "label", "writer", "group")
TEST_SHARE = 0.3
SEED = 2016


def read_batches() -> list[dict[str, str]]:
    """All batch rows in file order, whitespace-normalised, with their schema checked."""
    rows = []
    for path in sorted(HERE.glob("part_*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                text = " ".join((row.get("text") or "").split())
                if not text or row.get("label") not in LABELS or not (row.get("target") or "").strip():
                    raise ValueError(f"{path.name}: row {number} has an empty text or target, or an unknown label")
                rows.append({"text": text, "target": row["target"].strip(), "label": row["label"],
                             "writer": path.name.split("_")[1], "pair": ""})
    return rows


def split(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Whole groups to test until about TEST_SHARE of each (target, label) is there; the rest to train."""
    rng = np.random.default_rng(SEED)
    test_groups: set[str] = set()
    for stratum in sorted({(row["target"], row["label"]) for row in rows}):
        members = [row for row in rows if (row["target"], row["label"]) == stratum]
        wanted = round(TEST_SHARE * len(members))
        for group in rng.permutation(sorted({row["group"] for row in members})):
            if sum(row["group"] in test_groups for row in members) >= wanted:
                break
            test_groups.add(str(group))
    return [r for r in rows if r["group"] not in test_groups], [r for r in rows if r["group"] in test_groups]


def build() -> dict[str, str]:
    """The text of train.csv and test.csv."""
    rows = read_batches()
    sim = similarity([row["text"] for row in rows])
    keep = drop_near_duplicates(rows, sim)
    kept = [rows[i] for i in keep]
    for row, group in zip(kept, assign_groups(kept, sim[np.ix_(keep, keep)])):
        row["group"] = group
    return {name: _csv(part) for name, part in zip(("train.csv", "test.csv"), split(kept))}


def _csv(rows: list[dict[str, str]]) -> str:
    """Rows as CSV text with the published columns."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Rebuild the files, or with --check compare them with a rebuild."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if train.csv or test.csv differs from a rebuild")
    args = parser.parse_args(argv)
    built = build()
    if args.check:
        stale = [name for name, text in built.items() if not (HERE / name).exists() or (HERE / name).read_text(encoding="utf-8") != text]
        print(f"{', '.join(stale)} differ(s) from a rebuild" if stale else "train.csv and test.csv are up to date")
        return 1 if stale else 0
    for name, text in built.items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"{name}: {text.count(chr(10)) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
