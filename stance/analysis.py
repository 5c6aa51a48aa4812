"""Who says what in a news article: each quotation with its speaker and stance, and a summary per speaker.

>>> stance_map = analyze(open("article.txt").read())  # doctest: +SKIP
>>> print(stance_map.to_table())  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from dataclasses import asdict, dataclass
from typing import Any

from stance.api import check_text, predict_proba
from stance.quotes import Quote, extract_quotes, sentence_around

FRAGMENT_WORDS = 3
TABLE_WIDTH = 100
MAX_QUOTE_LINES = 3
CSV_COLUMNS = ("speaker", "quote", "stance", "confidence", "start", "end")


@dataclass(frozen=True)
class QuoteStance:
    """One quotation: who said it, its stance, the probability of that stance, and where it stands in the text."""

    speaker: str | None
    quote: str
    stance: str
    confidence: float
    start: int
    end: int
    probabilities: dict[str, float]


@dataclass(frozen=True)
class SpeakerSummary:
    """One speaker's quotations: how many, how many per stance, the overall lean and the mean confidence.

    ``lean`` is the stance with the highest probability summed over the speaker's quotations, so that one
    confident quotation can outweigh two hesitant ones.
    """

    speaker: str | None
    quotes: int
    counts: dict[str, int]
    lean: str
    mean_confidence: float


@dataclass(frozen=True)
class StanceMap:
    """The result of :func:`analyze`: one row per quotation, one summary per speaker (in order of appearance)."""

    quotes: list[QuoteStance]
    speakers: list[SpeakerSummary]

    def to_table(self, width: int = TABLE_WIDTH) -> str:
        """Both tables as plain text that fits ``width`` columns; long quotations are wrapped, then cut with "…"."""
        quote_rows = [[f"{i:>3}", _name(row.speaker), row.stance, f"{row.confidence:.2f}", row.quote]
                      for i, row in enumerate(self.quotes, 1)]
        speaker_rows = [[_name(s.speaker), f"{s.quotes:>6}", s.lean, f"{s.mean_confidence:.2f}",
                         ", ".join(f"{label} {n}" for label, n in s.counts.items() if n)] for s in self.speakers]
        quotes = _table([("  #", 3), ("Speaker", 20), ("Stance", 23), ("Conf", 4), ("Quote", 0)], quote_rows, width)
        speakers = _table([("Speaker", 20), ("Quotes", 6), ("Lean", 23), ("Conf", 4), ("Stances", 0)], speaker_rows,
                          width)
        return f"Quotes ({len(self.quotes)})\n{quotes}\n\nSpeakers ({len(self.speakers)})\n{speakers}\n"

    def to_csv(self) -> str:
        """One CSV row per quotation: speaker, quote, stance, confidence, start, end."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in self.quotes:
            writer.writerow([row.speaker or "", row.quote, row.stance, f"{row.confidence:.4f}", row.start, row.end])
        return buffer.getvalue()

    def to_json(self) -> str:
        """Everything, quotations (with every stance's probability) and speakers, as one JSON object."""
        document = {"quotes": [asdict(row) for row in self.quotes], "speakers": [asdict(s) for s in self.speakers]}
        return json.dumps(_rounded(document), indent=2, ensure_ascii=False) + "\n"


def analyze(text: str, model: Any = None) -> StanceMap:
    """Extract the quotations of a news text and classify each one's stance with ``model`` (default: shipped).

    A fragment of up to ``FRAGMENT_WORDS`` words is classified by the sentence around it (see :func:`classified_text`).

    Parameters
    ----------
    text : str
        The article, as plain text or Markdown.
    model : optional
        Anything :func:`stance.predict_proba` accepts: a path, a fitted ``StanceClassifier`` or a loaded model.
    """
    check_text(text, "text")
    quotes = extract_quotes(text)
    probabilities = predict_proba([classified_text(text, quote) for quote in quotes], model=model) if quotes else []
    rows = [_classified(quote, proba) for quote, proba in zip(quotes, probabilities)]
    return StanceMap(rows, summarize(rows))


def classified_text(text: str, quote: Quote) -> str:
    """What the classifier reads for a quotation: the quote, or for a fragment of a few words woven into prose
    ("regrettable", "betrayal"), the whole sentence around it, since the fragment alone carries no stance."""
    return quote.text if len(quote.text.split()) > FRAGMENT_WORDS else sentence_around(text, quote)


def summarize(rows: list[QuoteStance]) -> list[SpeakerSummary]:
    """One summary per speaker, in order of first appearance; quotations with no speaker form their own group."""
    by_speaker: dict[str | None, list[QuoteStance]] = {}
    for row in rows:
        by_speaker.setdefault(row.speaker, []).append(row)
    return [_summary(speaker, group) for speaker, group in by_speaker.items()]


def _classified(quote: Quote, probabilities: dict[str, float]) -> QuoteStance:
    """A quotation with its most probable stance (the first in class order on a tie)."""
    stance = max(probabilities, key=probabilities.__getitem__)
    return QuoteStance(quote.speaker, quote.text, stance, probabilities[stance], quote.start, quote.end,
                       dict(probabilities))


def _summary(speaker: str | None, rows: list[QuoteStance]) -> SpeakerSummary:
    """The summary of one speaker's quotations, stances counted in the model's class order."""
    labels = list(rows[0].probabilities)
    counts = {label: sum(row.stance == label for row in rows) for label in labels}
    summed = {label: sum(row.probabilities[label] for row in rows) for label in labels}
    mean_confidence = sum(row.confidence for row in rows) / len(rows)
    return SpeakerSummary(speaker, len(rows), counts, max(summed, key=summed.__getitem__), mean_confidence)


def _table(columns: list[tuple[str, int]], rows: list[list[str]], width: int) -> str:
    """A plain-text table whose last column takes the rest of ``width``, wrapped to at most a few lines."""
    fixed = columns[:-1]
    indent = sum(column_width + 2 for _, column_width in fixed)
    last_width = max(width - indent, 10)
    lines = ["  ".join(_fit(header, column_width) for header, column_width in fixed) + "  " + columns[-1][0]]
    for row in rows:
        wrapped = _wrap(row[-1], last_width)
        lines.append("  ".join(_fit(cell, w) for cell, (_, w) in zip(row, fixed)) + "  " + wrapped[0])
        lines += [" " * indent + line for line in wrapped[1:]]
    return "\n".join(line.rstrip() for line in lines)


def _wrap(text: str, width: int) -> list[str]:
    """Text wrapped to ``width``, cut with "…" after ``MAX_QUOTE_LINES`` lines."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > MAX_QUOTE_LINES:
        lines = lines[:MAX_QUOTE_LINES]
        lines[-1] = lines[-1][:width - 1].rstrip() + "…"
    return lines


def _fit(cell: str, width: int) -> str:
    """A cell padded to ``width``, or cut with "…" if longer."""
    return cell.ljust(width) if len(cell) <= width else cell[:width - 1] + "…"


def _name(speaker: str | None) -> str:
    """A speaker as shown in a table."""
    return speaker or "(unattributed)"


def _rounded(value: Any) -> Any:
    """A JSON-ready structure with every float rounded to four decimals."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value
