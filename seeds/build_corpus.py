"""Merge the authored corpus batches (seeds/authored/part_*.csv) into seeds/authored.csv, checked and grouped.

    python seeds/build_corpus.py            # rebuild seeds/authored.csv
    python seeds/build_corpus.py --check    # exit 1 if the committed file differs from a rebuild

Checks: schema and labels; exact duplicates and near-duplicates are dropped (cosine similarity of character
3-5-gram TF-IDF vectors >= NEAR_DUPLICATE, except the two rows of an intentional contrast pair). Rows are then
grouped for cross-validation: a contrast pair, and any rows with similarity >= SAME_GROUP, share a ``group`` so
near-paraphrases never sit on both sides of a split. ``writer`` names the batch series a row came from (each series
was written separately, with its own focus), for leave-one-writer-out validation of the recipe.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

HERE = Path(__file__).resolve().parent
BATCHES = HERE / "authored"
OUTPUT = HERE / "authored.csv"
LABELS = ("skeptical", "supportive", "critical_of_concessions")
COLUMNS = ("text", "label", "speaker", "origin", "pair", "group", "writer")
NEAR_DUPLICATE = 0.80
SAME_GROUP = 0.50


def read_batches(folder: Path = BATCHES) -> list[dict[str, str]]:
    """All batch rows in file order, whitespace-normalised, with their schema checked."""
    rows = []
    for path in sorted(folder.glob("part_*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                text = " ".join((row.get("text") or "").split())
                if not text or row.get("label") not in LABELS or row.get("origin") != "authored":
                    raise ValueError(f"{path.name}: row {number} has an empty text, an unknown label or a wrong origin")
                pair = (row.get("pair") or "").strip()
                rows.append({"text": text, "label": row["label"], "speaker": (row.get("speaker") or "").strip(),
                             "origin": "authored", "pair": pair, "writer": path.name.split("_")[1]})
    return rows


def similarity(texts: list[str]) -> np.ndarray:
    """Cosine similarity of every pair of texts (character 3-5-gram TF-IDF)."""
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(texts)
    return (vectors @ vectors.T).toarray()


def drop_near_duplicates(rows: list[dict[str, str]], sim: np.ndarray) -> list[int]:
    """Indices of the rows to keep: the first of each near-duplicate set, sparing contrast-pair partners."""
    keep: list[int] = []
    for i, row in enumerate(rows):
        twins = [j for j in keep if sim[i, j] >= NEAR_DUPLICATE and not (row["pair"] and row["pair"] == rows[j]["pair"])]
        if not twins:
            keep.append(i)
    return keep


def assign_groups(rows: list[dict[str, str]], sim: np.ndarray) -> list[str]:
    """Group ids: connected components of 'similar or same contrast pair'."""
    linked = sim >= SAME_GROUP
    pairs: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if row["pair"]:
            pairs.setdefault(row["pair"], []).append(i)
    for members in pairs.values():
        linked[np.ix_(members, members)] = True
    _, component = connected_components(linked, directed=False)
    return [f"g{c:04d}" for c in component]


def build() -> tuple[str, dict[str, int]]:
    """The merged CSV text and counts of what was dropped."""
    rows = read_batches()
    sim = similarity([r["text"] for r in rows])
    keep = drop_near_duplicates(rows, sim)
    kept = [rows[i] for i in keep]
    groups = assign_groups(kept, sim[np.ix_(keep, keep)])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row, group in zip(kept, groups):
        writer.writerow({**row, "group": group})
    return out.getvalue(), {"read": len(rows), "dropped_near_duplicates": len(rows) - len(kept), "kept": len(kept)}


def main(argv: list[str] | None = None) -> int:
    """Rebuild seeds/authored.csv, or with --check compare it with a rebuild."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if seeds/authored.csv differs from a rebuild")
    args = parser.parse_args(argv)
    text, counts = build()
    if args.check:
        same = OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text
        print("seeds/authored.csv is up to date" if same else "seeds/authored.csv differs from a rebuild")
        return 0 if same else 1
    OUTPUT.write_text(text, encoding="utf-8")
    print(counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
