"""Reading labelled CSV files and checking them, with one-line errors that name the file, row and column."""

from __future__ import annotations

import csv
import difflib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import StanceInputError


@dataclass
class LabelledData:
    """Texts and labels read from a CSV, with any extra columns kept by name."""

    texts: list[str]
    labels: list[str]
    source: str
    extra: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def label_counts(self) -> dict[str, int]:
        """Rows per label, most frequent first."""
        counts: dict[str, int] = {}
        for label in self.labels:
            counts[label] = counts.get(label, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def read_labelled_csv(
    path: str | os.PathLike[str],
    text_column: str = "text",
    label_column: str = "label",
    *,
    extra_columns: tuple[str, ...] = (),
    delimiter: str | None = None,
    drop_invalid: bool = False,
) -> LabelledData:
    """Read texts and labels from a CSV; any other columns are ignored unless named in ``extra_columns``.

    Raises
    ------
    StanceInputError
        For a missing or unreadable file, a missing column, or empty text/label cells (unless ``drop_invalid``).
    """
    path = Path(path)
    header, rows = read_csv_rows(path, delimiter)
    wanted = [text_column, label_column, *[c for c in extra_columns if c in header]]
    positions = {name: column_position(path, header, name) for name in wanted}
    data = LabelledData(texts=[], labels=[], source=str(path), extra={c: [] for c in wanted[2:]})
    invalid = []
    for number, row in rows:
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in positions.items()}
        empty = [name for name in (text_column, label_column) if not cells[name]]
        if empty:
            invalid.append(f"row {number} ({', '.join(empty)})")
            continue
        data.texts.append(cells[text_column])
        data.labels.append(cells[label_column])
        for name in data.extra:
            data.extra[name].append(cells[name])
    if invalid and not drop_invalid:
        shown = ", ".join(invalid[:5]) + (f" and {len(invalid) - 5} more" if len(invalid) > 5 else "")
        raise StanceInputError(f"{path}: empty or missing cells in {shown}; fix them or pass --drop-invalid to skip them")
    if invalid:
        data.warnings.append(f"{path}: skipped {len(invalid)} row(s) with empty text or label")
    if not data.texts:
        raise StanceInputError(f"{path}: no rows with both a text and a label")
    return data


def read_csv_rows(path: Path, delimiter: str | None = None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows of a CSV, each row with its spreadsheet row number (the header is row 1)."""
    text = read_text_file(path)
    if not text.strip():
        raise StanceInputError(f"{path}: the file is empty")
    dialect_delimiter = delimiter or sniff_delimiter(text)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=dialect_delimiter)
    header = [name.strip() for name in next(records)]
    rows = [(i + 2, row) for i, row in enumerate(records) if any(cell.strip() for cell in row)]
    if not rows:
        raise StanceInputError(f"{path}: has a header but no data rows")
    return header, rows


def read_text_file(path: Path) -> str:
    """A whole text file as UTF-8 (with or without BOM), with clear errors for anything else."""
    if not path.exists():
        raise StanceInputError(f"{path}: no such file")
    if path.is_dir():
        raise StanceInputError(f"{path}: is a directory, not a CSV file")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StanceInputError(
            f"{path}: not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); save it as UTF-8 and try again"
        ) from error


def sniff_delimiter(text: str) -> str:
    """Guess the delimiter (comma, semicolon or tab) from the header line."""
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def column_position(path: Path, header: list[str], name: str) -> int:
    """The index of column ``name``, or an error listing the columns found and the closest name."""
    if name in header:
        return header.index(name)
    close = difflib.get_close_matches(name, header, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise StanceInputError(f"{path}: no column '{name}' (found: {', '.join(header)}){hint}")
