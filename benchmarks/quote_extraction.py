"""Measure the quote extractor against gold files: quote recall and precision, and speaker accuracy.

Usage::

    python benchmarks/quote_extraction.py [GOLD.json ...]      # default: tests/data/quotes/*.json

A gold file is ``{"documents": [{"id", "split", "text" or "path", "quotes": [{"text", "speaker"}, ...]}]}``, a
``path`` being relative to the gold file. A found quote matches a gold quote exactly (same text once whitespace is
collapsed) or by overlap (``difflib`` ratio of the two texts >= 0.9: at least 90% of their characters in common),
one to one. Speaker accuracy counts the gold quotes matched by overlap whose speaker is right: exactly, and once
normalised (lower case, a leading "the" and everything but the last word dropped, so titles and first names
do not count: "Zelensky" = "Volodymyr Zelensky").
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Sequence

from stance.quotes import Quote, extract_quotes

GOLD_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "quotes"
OVERLAP = 0.9


@dataclass
class Tally:
    """Counts over one or more documents, from which the rates are computed."""

    docs: int = 0
    gold: int = 0
    found: int = 0
    exact: int = 0
    overlap: int = 0
    speaker_exact: int = 0
    speaker_normalised: int = 0

    def __iadd__(self, other: Tally) -> Tally:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        return self

    def row(self, scope: str) -> str:
        """One line of the report."""
        rates = [_rate(self.exact, self.gold), _rate(self.exact, self.found), _rate(self.overlap, self.gold),
                 _rate(self.overlap, self.found), _rate(self.speaker_exact, self.overlap),
                 _rate(self.speaker_normalised, self.overlap)]
        return f"{scope:<40}{self.docs:>5}{self.gold:>6}{self.found:>6}" + "".join(f"{rate:>9}" for rate in rates)


HEADER = f"{'scope':<40}{'docs':>5}{'gold':>6}{'found':>6}" + "".join(
    f"{name:>9}" for name in ("R exact", "P exact", "R 90%", "P 90%", "spk ex", "spk norm"))


def score(text: str, gold: list[dict[str, str]]) -> Tally:
    """Extract the quotes of one text and count what matches its gold quotes."""
    found = extract_quotes(text)
    tally = Tally(docs=1, gold=len(gold), found=len(found))
    tally.exact = len(_pairs(gold, found, lambda g, q: _collapse(g) == _collapse(q)))
    for gold_quote, quote in _pairs(gold, found, lambda g, q: _overlap(g, q) >= OVERLAP):
        tally.overlap += 1
        tally.speaker_exact += gold_quote["speaker"] == quote.speaker
        tally.speaker_normalised += _surname(gold_quote["speaker"]) == _surname(quote.speaker)
    return tally


def read_documents(path: Path) -> list[dict]:
    """The documents of a gold file, each with its text loaded."""
    documents = json.loads(path.read_text(encoding="utf-8"))["documents"]
    for document in documents:
        if "path" in document:
            document["text"] = (path.parent / document["path"]).read_text(encoding="utf-8")
    return documents


def main(argv: Sequence[str] | None = None) -> int:
    """Print the report for the gold files given (or all of tests/data/quotes)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", nargs="*", type=Path, help="gold JSON files (default: tests/data/quotes/*.json)")
    parser.add_argument("--verbose", action="store_true", help="also list, per document, the quotes that differ")
    args = parser.parse_args(argv)
    overall = Tally()
    print(HEADER)
    for path in args.gold or sorted(GOLD_DIR.glob("*.json")):
        by_split: dict[str, Tally] = {}
        for document in read_documents(path):
            tally = score(document["text"], document["quotes"])
            by_split.setdefault(document["split"], Tally()).__iadd__(tally)
            if args.verbose:
                _print_differences(document)
        for split, tally in by_split.items():
            print(tally.row(f"{path.name} [{split}]"))
            overall += tally
    print(overall.row("overall"))
    return 0


def _pairs(gold: list[dict[str, str]], found: list[Quote], same) -> list[tuple[dict[str, str], Quote]]:
    """Pair gold and found quotes one to one, in order, where ``same(gold_text, found_text)`` holds."""
    unused = list(found)
    pairs = []
    for gold_quote in gold:
        quote = next((q for q in unused if same(gold_quote["text"], q.text)), None)
        if quote:
            unused.remove(quote)
            pairs.append((gold_quote, quote))
    return pairs


def _print_differences(document: dict) -> None:
    """List the gold quotes not found exactly with their speaker, and the found quotes not in the gold."""
    found = {(q.text, q.speaker) for q in extract_quotes(document["text"])}
    gold = {(q["text"], q["speaker"]) for q in document["quotes"]}
    for label, rows in (("missed", gold - found), ("extra", found - gold)):
        for text, speaker in sorted(rows, key=str):
            print(f"  {document['id']}: {label} {speaker!r}: {text[:70]!r}")


def _collapse(text: str) -> str:
    """Text with runs of whitespace made one space."""
    return " ".join(text.split())


def _overlap(a: str, b: str) -> float:
    """Share of characters two texts have in common (difflib's ratio)."""
    return difflib.SequenceMatcher(None, _collapse(a), _collapse(b), autojunk=False).ratio()


def _surname(speaker: str | None) -> str:
    """A speaker reduced to the last word, lower case, without a leading "the"."""
    words = (speaker or "").lower().removeprefix("the ").split()
    return words[-1] if words else ""


def _rate(count: int, total: int) -> str:
    """A rate with three decimals, or a dash when there is nothing to count."""
    return f"{count / total:.3f}" if total else "-"


if __name__ == "__main__":
    sys.exit(main())
