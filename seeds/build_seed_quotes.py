"""Build seeds/quotes.csv: the seed article's quotations, joined with the label table seeds/seed_labels.csv.

The quotations are those stance.quotes extracts; the label table is the part people review.

    python seeds/build_seed_quotes.py            # rebuild seeds/quotes.csv
    python seeds/build_seed_quotes.py --check    # exit 1 if the committed file differs from a rebuild

seed_labels.csv has one row per statement:

- match: a short piece of a quotation that identifies it (a quotation whose whole text is the piece wins over
  longer ones that contain it). Pieces joined by " | " make one row of several quotations. A piece that is in no
  quotation but in the article marks a statement the article reports without quotation marks.
- label: skeptical, supportive, critical_of_concessions, or skip (reviewed, not training data).
- speaker: who says it; for quotations it must be the speaker the extractor finds.
- reason: one line saying why the label.
- text_override: the text to use instead of the quotation: for fragments, merged quotations and reported
  statements, the article's sentence without the speaker's name.

The build fails, listing every problem, if a quotation has no row or a row matches nothing (or more than one
quotation). quotes.csv rows follow the article's order.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from stance.quotes import Quote, extract_quotes

HERE = Path(__file__).resolve().parent
ARTICLE = HERE / "moscow_times_2025-02-13.txt"
LABELS = HERE / "seed_labels.csv"
OUTPUT = HERE / "quotes.csv"
STANCES = ("skeptical", "supportive", "critical_of_concessions")
SKIP = "skip"
LABEL_COLUMNS = ("match", "label", "speaker", "reason", "text_override")
COLUMNS = ("text", "label", "speaker", "origin")
SEPARATOR = " | "


@dataclass(frozen=True)
class Statement:
    """One labelled statement of the article, where it starts, and the problems found joining it."""

    position: int
    text: str
    label: str
    speaker: str
    covers: tuple[Quote, ...]
    problems: tuple[str, ...]


def read_labels(path: Path) -> list[dict[str, str]]:
    """The rows of the label table, with the columns, labels and reasons checked."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != LABEL_COLUMNS:
            raise ValueError(f"{path.name}: columns must be {','.join(LABEL_COLUMNS)}")
        rows = list(reader)
    for number, row in enumerate(rows, start=2):
        if row["label"] not in (*STANCES, SKIP) or not row["match"].strip() or not row["reason"].strip():
            raise ValueError(f"{path.name}: row {number} needs a match, a reason and a label among {(*STANCES, SKIP)}")
    return rows


def join(article: str, rows: list[dict[str, str]]) -> tuple[list[Statement], list[str]]:
    """Each row joined with the quotations it matches, and the problems found.

    Problems are rows that match nothing (or several quotations) and quotations that no row labels.
    """
    quotes = extract_quotes(article)
    statements = [_statement(row, quotes, article) for row in rows]
    covered = {quote for statement in statements for quote in statement.covers}
    problems = [problem for statement in statements for problem in statement.problems]
    problems += [f"unlabelled quotation ({quote.speaker}): {quote.text[:80]!r}" for quote in quotes if quote not in covered]
    return statements, problems


def render(statements: list[Statement]) -> str:
    """quotes.csv's content: the statements that are not skipped, in the article's order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for statement in sorted(statements, key=lambda s: s.position):
        if statement.label != SKIP:
            writer.writerow([statement.text, statement.label, statement.speaker, "seed"])
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild quotes.csv (or, with --check, compare it with a rebuild); 1 if anything is wrong."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs from a rebuild")
    parser.add_argument("--article", type=Path, default=ARTICLE, help="the seed article (default: %(default)s)")
    parser.add_argument("--labels", type=Path, default=LABELS, help="the label table (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the CSV to write or check (default: %(default)s)")
    args = parser.parse_args(argv)
    statements, problems = join(args.article.read_text(encoding="utf-8"), read_labels(args.labels))
    if problems:
        print(f"{args.labels.name}: {len(problems)} problem(s):", *problems, sep="\n  ", file=sys.stderr)
        return 1
    content = render(statements)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != content:
            print(f"{args.output} is out of date: run python seeds/build_seed_quotes.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(content, encoding="utf-8", newline="")
    print(f"wrote {sum(s.label != SKIP for s in statements)} rows to {args.output}", file=sys.stderr)
    return 0


def _statement(row: dict[str, str], quotes: list[Quote], article: str) -> Statement:
    """One row of the label table joined with the quotations (or the reported sentence) it matches."""
    pieces = [piece.strip() for piece in row["match"].split(SEPARATOR)]
    matched = [_quotes_matching(piece, quotes) for piece in pieces]
    covers = tuple(found[0] for found in matched if len(found) == 1)
    override = " ".join(row["text_override"].split())
    problems = [f"{piece!r} matches {len(found)} quotations" for piece, found in zip(pieces, matched) if len(found) > 1]
    problems += [f"{piece!r} is not in the article" for piece, found in zip(pieces, matched)
                 if not found and piece not in article]
    problems += [f"{row['match']!r}: the extractor says the speaker is {quote.speaker!r}, the table {row['speaker']!r}"
                 for quote in covers if quote.speaker != row["speaker"]]
    if (len(pieces) > 1 or not covers) and not override and row["label"] != SKIP:
        problems.append(f"{row['match']!r}: several quotations or a reported statement need a text_override")
    position = covers[0].start if covers else article.find(pieces[0])
    return Statement(position, override or (covers[0].text if covers else ""), row["label"], row["speaker"],
                     covers, tuple(problems))


def _quotes_matching(piece: str, quotes: list[Quote]) -> list[Quote]:
    """The quotation whose text is the piece, else every quotation that contains it."""
    exact = [quote for quote in quotes if quote.text == piece]
    return exact or [quote for quote in quotes if piece in quote.text]


if __name__ == "__main__":
    sys.exit(main())
