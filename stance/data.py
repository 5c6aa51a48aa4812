"""Reading labelled CSV files and checking them, with one-line errors that name the file, row and column.

Whatever a spreadsheet exports ends in a result or in one :class:`~stance.errors.StanceInputError` whose message
names the file and, where it applies, the row (as a spreadsheet numbers it: the header is row 1) and the column.
Labelled files are read into memory, so they are refused above :data:`MAX_FILE_BYTES` before any byte is read;
``stance predict --input`` streams files of any size instead.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Iterator, NamedTuple, Sequence, TextIO

from stance.errors import StanceInputError

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Largest labelled CSV read (for training or evaluation); the environment variable ``STANCE_MAX_FILE_MB`` overrides it."""
MAX_CELL_CHARS = 1_000_000
"""Longest text or label cell, in characters; longer cells are almost always a quote that never closes."""
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";"}
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_EXCEL_SEP_LINE = re.compile(r"sep=(.)\r?\n?$")
_QUOTED = re.compile(r'"[^"]*"')


@dataclass
class LabelledData:
    """Texts and labels read from a CSV, with any extra columns kept by name.

    ``rows`` holds each example's spreadsheet row number (the header is row 1), ``columns`` the header, and
    ``warnings`` what the reader noticed but did not refuse (skipped rows, duplicate rows).
    """

    texts: list[str]
    labels: list[str]
    source: str
    extra: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def label_counts(self) -> dict[str, int]:
        """Rows per label, most frequent first."""
        counts: dict[str, int] = {}
        for label in self.labels:
            counts[label] = counts.get(label, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def keep(self, positions: Sequence[int]) -> None:
        """Keep only the examples at ``positions`` (in order)."""
        part = self.subset(positions)
        self.texts, self.labels, self.rows, self.extra = part.texts, part.labels, part.rows, part.extra

    def subset(self, positions: Sequence[int]) -> LabelledData:
        """A new ``LabelledData`` with the examples at ``positions`` (in order), e.g. one side of a split."""
        return replace(self, texts=[self.texts[i] for i in positions], labels=[self.labels[i] for i in positions],
                       rows=[self.rows[i] for i in positions] if self.rows else [],
                       extra={name: [values[i] for i in positions] for name, values in self.extra.items()},
                       warnings=list(self.warnings))


def read_labelled_csv(
    path: str | os.PathLike[str],
    text_column: str = "text",
    label_column: str = "label",
    *,
    extra_columns: tuple[str, ...] = (),
    delimiter: str | None = None,
    drop_invalid: bool = False,
    key_columns: tuple[str, ...] = (),
) -> LabelledData:
    """Read texts and labels from a CSV; any other columns are ignored unless named in ``extra_columns``.

    Parameters
    ----------
    path : str or PathLike
        A UTF-8 CSV (with or without BOM); the delimiter (``,`` ``;`` or tab) is detected unless given.
    text_column, label_column : str
        Header names of the text and label columns.
    extra_columns : tuple of str
        Other columns to keep in ``LabelledData.extra`` when the file has them.
    delimiter : str, optional
        Field delimiter (one character, or ``"\\t"``/``"tab"``).
    drop_invalid : bool
        Skip rows with an empty text or label, and rows whose text also appears with another label, instead of
        refusing the file; ``LabelledData.warnings`` says how many were skipped.
    key_columns : tuple of str
        Columns that, with the text, tell examples apart (such as a target: one text may take different stances
        toward different targets); they must exist, are kept in ``extra``, and conflicts and duplicates are judged
        on the text and these columns.

    Raises
    ------
    StanceInputError
        For a missing, empty, oversized, non-UTF-8 or malformed file, a missing column, an oversized cell, empty
        text/label cells or one text with two labels (unless ``drop_invalid``).
    """
    path = Path(path)
    with csv_records(path, delimiter) as (header, records, _, _):
        for name in key_columns:
            column_position(path, header, name)  # a key column must exist: raises, listing the columns found
        data, invalid = _collect(path, header, records, (text_column, label_column), (*extra_columns, *key_columns))
    _check_invalid(path, data, invalid, drop_invalid)
    _check_conflicts(path, data, drop_invalid, key_columns)
    if not data.texts:
        raise StanceInputError(f"{path}: no rows with both a text and a label")
    _note_duplicates(path, data, key_columns)
    return data


def _collect(path: Path, header: list[str], records: Iterator[tuple[int, list[str]]], needed: tuple[str, str],
             extra_columns: tuple[str, ...]) -> tuple[LabelledData, list[str]]:
    """The rows with a text and a label, and a description of each row lacking one."""
    wanted = [*needed, *[c for c in extra_columns if c in header]]
    positions = {name: column_position(path, header, name) for name in wanted}
    data = LabelledData(texts=[], labels=[], source=str(path), extra={c: [] for c in wanted[2:]}, columns=header)
    invalid = []
    for number, row in records:
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in positions.items()}
        _check_cell_sizes(path, number, cells)
        empty = [name for name in needed if not cells[name]]
        if empty:
            invalid.append(f"row {number} ({', '.join(empty)})")
            continue
        data.rows.append(number)
        data.texts.append(cells[needed[0]])
        data.labels.append(cells[needed[1]])
        for name in data.extra:
            data.extra[name].append(cells[name])
    return data, invalid


def _check_invalid(path: Path, data: LabelledData, invalid: list[str], drop: bool) -> None:
    """Refuse a file without data rows, and (unless ``drop``) one with rows lacking a text or a label."""
    if not data.texts and not invalid:
        raise StanceInputError(f"{path}: has a header but no data rows")
    if invalid and not drop:
        raise StanceInputError(f"{path}: empty or missing cells in {_first_few(invalid)}; "
                               "fix them or pass --drop-invalid to skip them")
    if invalid:
        data.warnings.append(f"{path}: skipped {len(invalid)} row(s) with an empty text or label")


class CsvRecords(NamedTuple):
    """An open CSV file: its header, its non-blank data rows (each with its spreadsheet row number, the header being
    row 1), the delimiter in use, and the raw byte stream (whose position says how far reading has got)."""

    header: list[str]
    records: Iterator[tuple[int, list[str]]]
    delimiter: str
    raw: IO[bytes]


@contextmanager
def csv_records(path: Path, delimiter: str | None = None, *, check_size: bool = True,
                skip_blank: bool = True) -> Iterator[CsvRecords]:
    """Open a CSV for streaming: its header and an iterator of its records (see :class:`CsvRecords`).

    A BOM and an Excel ``sep=`` first line are understood; the delimiter is otherwise sniffed from the header.
    Decoding and CSV errors surface as ``StanceInputError`` naming the byte offset or line. ``check_size=False``
    lifts the :func:`max_file_bytes` limit, for callers that keep only a few rows at a time; ``skip_blank=False``
    keeps records whose cells are all empty, for callers that write one output row per input row.
    """
    delimiter = check_delimiter(delimiter)
    with _open_csv(path, check_size) as handle:
        first = _first_line(path, handle)
        excel_sep = _EXCEL_SEP_LINE.match(first)
        if excel_sep:
            delimiter = delimiter or excel_sep.group(1)
            first = _first_line(path, handle)
        delimiter = delimiter or sniff_delimiter(_unquoted(first))
        reader = csv.reader(_chain(first, handle), delimiter=delimiter, strict=True)
        records = _numbered_records(path, reader, skip_blank)
        header = next((row for _, row in records), None)
        if header is None:
            raise StanceInputError(f"{path}: the file is empty")
        yield CsvRecords([name.strip() for name in header], records, delimiter, handle.buffer)


def _open_csv(path: Path, check_size: bool = True) -> TextIO:
    """Open a CSV as UTF-8 text after checking it is a file (and, with ``check_size``, small enough to hold in memory)."""
    if not path.exists():
        raise StanceInputError(f"{path}: no such file")
    if path.is_dir():
        raise StanceInputError(f"{path}: is a directory, not a CSV file")
    size, limit = path.stat().st_size, max_file_bytes()
    if check_size and size > limit:
        raise StanceInputError(
            f"{path}: {size / 2**20:,.0f} MB is more than the {limit / 2**20:,.0f} MB a labelled CSV may have (it is read "
            "into memory); sample it, or raise the limit with STANCE_MAX_FILE_MB ('stance predict --input' streams any size)"
        )
    try:
        with open(path, "rb") as raw:
            head = raw.read(2)
        if head in _UTF16_BOMS:
            raise StanceInputError(f"{path}: is UTF-16 text, not UTF-8; save it as 'CSV UTF-8' and try again")
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as error:
        raise StanceInputError(f"{path}: cannot read it ({error.strerror or error})") from error


def max_file_bytes() -> int:
    """The size limit for labelled CSVs: ``STANCE_MAX_FILE_MB`` (in MB) if set, else :data:`MAX_FILE_BYTES`."""
    setting = os.environ.get("STANCE_MAX_FILE_MB", "").strip()
    if not setting:
        return MAX_FILE_BYTES
    try:
        return int(float(setting) * 2**20)
    except ValueError:
        raise StanceInputError(f"STANCE_MAX_FILE_MB must be a number of megabytes, got {setting!r}") from None


def _numbered_records(path: Path, reader: Iterator[list[str]], skip_blank: bool = True) -> Iterator[tuple[int, list[str]]]:
    """Records (without blank ones, if ``skip_blank``) numbered from 1 as a spreadsheet would, with parse errors
    naming the line."""
    _allow_fields_up_to(max_file_bytes())
    number, last_line = 0, 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise _encoding_error(path) from None
        except csv.Error as error:
            raise StanceInputError(_csv_error_message(path, str(error), last_line + 1, reader.line_num)) from None
        number += 1
        last_line = reader.line_num
        if not skip_blank or any(cell.strip() for cell in row):
            yield number, row


def _csv_error_message(path: Path, reason: str, start_line: int, end_line: int) -> str:
    """A one-line description of a malformed CSV record."""
    if "unexpected end of data" in reason:
        return (f"{path}: line {start_line}: a quoted field opens with '\"' and never closes (unterminated quote); "
                "close it, or double any '\"' inside a quoted field")
    if "expected after" in reason:
        return (f"{path}: line {end_line}: text after a closing '\"' ({reason}); a '\"' inside a quoted field "
                "must be doubled (\"\")")
    return f"{path}: line {end_line}: malformed CSV ({reason})"


def _encoding_error(path: Path) -> StanceInputError:
    """The error for a file that is not UTF-8, naming the first bad byte, its offset and line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, newlines = 0, 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                data, start = error.object, error.start
                at = offset - (len(data) - len(chunk)) + start
                line = newlines + data[:start].count(b"\n") + 1
                return StanceInputError(
                    f"{path}: not UTF-8 (byte 0x{data[start]:02x} at offset {at:,}, line {line}); it may be "
                    "Windows-1252 or Latin-1: save it as 'CSV UTF-8' and try again"
                )
            offset += len(chunk)
            newlines += chunk.count(b"\n")
    return StanceInputError(f"{path}: not UTF-8 (the file ends in the middle of a character, at offset {offset:,})")


def _allow_fields_up_to(limit: int) -> None:
    """Raise the csv module's field limit (128 KiB by default) so that large cells are measured, not misparsed.

    It is only ever raised, never lowered; the file size limit bounds what a field can hold.
    """
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


def _first_line(path: Path, handle: TextIO) -> str:
    """The next line of the file (to sniff the delimiter from), with decoding errors made clear."""
    try:
        return handle.readline()
    except UnicodeDecodeError:
        raise _encoding_error(path) from None


def _chain(first: str, handle: TextIO) -> Iterator[str]:
    """The first line (already read to sniff the delimiter) followed by the rest of the file."""
    if first:
        yield first
    yield from handle


def _check_cell_sizes(path: Path, number: int, cells: dict[str, str]) -> None:
    """Refuse a text or label cell longer than :data:`MAX_CELL_CHARS`."""
    for name, value in cells.items():
        if len(value) > MAX_CELL_CHARS:
            raise StanceInputError(
                f"{path}: row {number}, column '{name}': {len(value):,} characters, more than the {MAX_CELL_CHARS:,} a cell "
                "may hold; is a quote missing its closing '\"'?"
            )


def _example_keys(data: LabelledData, key_columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    """What tells examples apart: the text, and the values of ``key_columns`` the file has."""
    columns = [data.extra[name] for name in key_columns if name in data.extra]
    return [(text, *(values[i] for values in columns)) for i, text in enumerate(data.texts)]


def _check_conflicts(path: Path, data: LabelledData, drop: bool, key_columns: tuple[str, ...] = ()) -> None:
    """Refuse (or, with ``drop``, skip) rows whose text (and key columns) also appear with a different label."""
    keys = _example_keys(data, key_columns)
    labels_of: dict[tuple[str, ...], dict[str, int]] = {}
    for key, label, row in zip(keys, data.labels, data.rows):
        labels_of.setdefault(key, {}).setdefault(label, row)
    conflicts = {text: rows for text, rows in labels_of.items() if len(rows) > 1}
    if not conflicts:
        return
    if not drop:
        described = [" vs ".join(f"row {row} {label!r}" for label, row in rows.items()) for rows in conflicts.values()]
        raise StanceInputError(f"{path}: the same text has different labels in {_first_few(described, '; ')}; "
                               "give each text one label, or pass --drop-invalid to skip them")
    keep = [i for i, key in enumerate(keys) if key not in conflicts]
    data.warnings.append(f"{path}: skipped {len(data.texts) - len(keep)} row(s) whose text appears with different labels")
    data.keep(keep)


def _note_duplicates(path: Path, data: LabelledData, key_columns: tuple[str, ...] = ()) -> None:
    """Warn, with a count, about rows whose text (and key columns) and label repeat an earlier row exactly."""
    first_row: dict[tuple[tuple[str, ...], str], int] = {}
    repeats = []
    for key, label, row in zip(_example_keys(data, key_columns), data.labels, data.rows):
        earlier = first_row.setdefault((key, label), row)
        if earlier != row:
            repeats.append(f"row {row} = row {earlier}")
    if repeats:
        data.warnings.append(f"{path}: {len(repeats)} duplicate row(s) (same text and label as an earlier row: "
                             f"{_first_few(repeats, limit=3)}); they are kept, but weigh twice and can inflate "
                             "cross-validated scores")


def _first_few(items: list[str], separator: str = ", ", limit: int = 5) -> str:
    """The first ``limit`` items joined, and how many more there are."""
    shown = separator.join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def check_delimiter(delimiter: str | None) -> str | None:
    """A delimiter as the user may type it (``;``, ``\\t``, ``tab``) as one character; ``None`` means detect it."""
    if delimiter is None:
        return None
    resolved = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
    if len(resolved) != 1 or resolved in '"\r\n':
        raise StanceInputError(f"--delimiter must be one character such as ',' ';' or '\\t' (tab), got {delimiter!r}")
    return resolved


def sniff_delimiter(text: str) -> str:
    """Guess the delimiter (comma, semicolon or tab) from the header line."""
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _unquoted(line: str) -> str:
    """A header line with its quoted parts removed, so delimiters inside quoted names are not counted."""
    return _QUOTED.sub("", line)


def column_position(path: Path, header: list[str], name: str) -> int:
    """The index of column ``name``, or an error listing the columns found and the closest name."""
    if header.count(name) == 1:
        return header.index(name)
    if name in header:
        places = ", ".join(str(i + 1) for i, column in enumerate(header) if column == name)
        raise StanceInputError(f"{path}: column '{name}' appears more than once (columns {places}); rename all but one")
    found = _first_few([repr(column) for column in header], limit=20)
    raise StanceInputError(f"{path}: no column '{name}' (found: {found}){_column_hint(name, header)}")


def _column_hint(name: str, header: list[str]) -> str:
    """A suggestion for a missing column: the closest name, or a different delimiter when the header didn't split."""
    lowered = {column.lower(): column for column in header}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1)
    if close:
        return f"; did you mean '{lowered[close[0]]}'?"
    if len(header) == 1 and any(mark in header[0] for mark in ",;\t|"):
        return "; is the delimiter right? pass --delimiter"
    return ""
