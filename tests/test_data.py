"""read_labelled_csv: every messy file ends in data or in one StanceInputError naming the file, row and column."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance import data as data_module
from stance.data import check_delimiter, column_position, read_labelled_csv, sniff_delimiter
from stance.errors import StanceInputError

GOOD = "text,label\nWe welcome the talks,supportive\nThis is a surrender,critical\n"


def write(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> Path:
    """Write text (as UTF-8) or raw bytes to a file in tmp_path."""
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def error_of(path: Path, **kwargs) -> str:
    """The message of the StanceInputError that reading ``path`` raises; it must be one line naming the file."""
    with pytest.raises(StanceInputError) as info:
        read_labelled_csv(path, **kwargs)
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert str(path) in message and "\n" not in message
    return message


def test_a_clean_file_gives_texts_labels_and_spreadsheet_row_numbers(tmp_path):
    data = read_labelled_csv(write(tmp_path, "text,label,speaker\n a ,x,s1\nb,y,s2\n"), extra_columns=("speaker", "absent"))
    assert (data.texts, data.labels, data.rows) == (["a", "b"], ["x", "y"], [2, 3])
    assert data.extra == {"speaker": ["s1", "s2"]} and data.columns == ["text", "label", "speaker"]
    assert data.warnings == []


@pytest.mark.parametrize(("make", "expected"), [
    (lambda tmp: tmp / "missing.csv", "no such file"),
    (lambda tmp: tmp, "is a directory"),
    (lambda tmp: write(tmp, b""), "the file is empty"),
    (lambda tmp: write(tmp, " \n\r\n  \n"), "the file is empty"),
    (lambda tmp: write(tmp, "\ufeff"), "the file is empty"),
    (lambda tmp: write(tmp, "text,label\n"), "has a header but no data rows"),
    (lambda tmp: write(tmp, "text,label\n\n , \n"), "has a header but no data rows"),
])
def test_files_that_are_not_there_or_hold_nothing(tmp_path, make, expected):
    assert expected in error_of(make(tmp_path))


def test_a_missing_column_lists_the_columns_found_and_suggests_the_closest(tmp_path):
    message = error_of(write(tmp_path, "Text,stance,speaker\na,b,c\n"))
    assert "no column 'text'" in message and "found: 'Text', 'stance', 'speaker'" in message
    assert "did you mean 'Text'?" in message
    message = error_of(write(tmp_path, "quote,lable\na,b\n"), text_column="quote")
    assert "no column 'label'" in message and "did you mean 'lable'?" in message


def test_a_header_that_did_not_split_suggests_the_delimiter(tmp_path):
    message = error_of(write(tmp_path, "text|label\na|b\n"))
    assert "--delimiter" in message
    assert read_labelled_csv(write(tmp_path, "text|label\na|b\n"), delimiter="|").labels == ["b"]


def test_a_column_named_twice_is_ambiguous(tmp_path):
    assert "appears more than once (columns 1, 3)" in error_of(write(tmp_path, "text,label,text\na,b,c\n"))


def test_empty_whitespace_and_missing_cells_name_their_rows_and_columns(tmp_path):
    path = write(tmp_path, "text,label\ngood,x\n   ,x\nno label,\t\nshort row\nfine,y\n")
    message = error_of(path)
    assert "row 3 (text)" in message and "row 4 (label)" in message and "row 5 (label)" in message
    assert "--drop-invalid" in message
    data = read_labelled_csv(path, drop_invalid=True)
    assert data.texts == ["good", "fine"] and data.rows == [2, 6]
    assert any("skipped 3 row(s)" in w for w in data.warnings)


def test_only_invalid_rows_is_an_error_even_when_dropping(tmp_path):
    assert "no rows with both a text and a label" in error_of(write(tmp_path, "text,label\n,x\ny,\n"), drop_invalid=True)


def test_utf8_with_and_without_bom_is_read(tmp_path):
    plain = read_labelled_csv(write(tmp_path, "text,label\ncafé ☕ 🇺🇦,x\nb,y\n", "plain.csv"))
    bom = read_labelled_csv(write(tmp_path, "\ufefftext,label\ncafé ☕ 🇺🇦,x\nb,y\n", "bom.csv"))
    assert plain.texts == bom.texts == ["café ☕ 🇺🇦", "b"]


def test_not_utf8_names_the_byte_offset_and_line(tmp_path):
    content = "text,label\nfine,x\ncafé au lait,y\n".encode("cp1252")
    message = error_of(write(tmp_path, content))
    offset = content.index(b"\xe9")
    assert f"not UTF-8 (byte 0xe9 at offset {offset}, line 3)" in message


def test_a_bad_byte_far_into_the_file_gets_its_absolute_offset(tmp_path):
    """The offset counts from the start of the file, across the chunks the file is read in."""
    body = "".join(f"row number {i} é,x\n" for i in range(100_000)).encode("utf-8")
    content = b"text,label\n" + body + b"bad \xff byte,x\n"
    offset = content.index(b"\xff")
    assert offset > 1 << 20
    assert f"offset {offset:,}, line 100002" in error_of(write(tmp_path, content))


def test_utf16_and_a_truncated_character_are_named(tmp_path):
    assert "is UTF-16" in error_of(write(tmp_path, "text,label\na,b\n".encode("utf-16")))
    assert "not UTF-8" in error_of(write(tmp_path, "text,label\na,b\n".encode("utf-8") + "é".encode("utf-8")[:1]))


@pytest.mark.parametrize(("content", "text_column"), [
    ("\ufefftext;label\nWe welcome the talks, finally;supportive\nA surrender;critical\n", "text"),
    ("text\tlabel\nWe welcome the talks, finally\tsupportive\nA surrender\tcritical\n", "text"),
    ("sep=;\ntext;label\nWe welcome the talks, finally;supportive\nA surrender;critical\n", "text"),
    ('"text, the quote";label\n"We welcome the talks, finally";supportive\nA surrender;critical\n', "text, the quote"),
])
def test_excel_style_delimiters_are_detected(tmp_path, content, text_column):
    data = read_labelled_csv(write(tmp_path, content), text_column=text_column)
    assert data.texts == ["We welcome the talks, finally", "A surrender"] and data.labels == ["supportive", "critical"]
    assert data.rows == [2, 3]


@pytest.mark.parametrize(("given", "expected"), [(";", ";"), ("\\t", "\t"), ("tab", "\t"), ("\t", "\t"), ("|", "|"), (None, None)])
def test_delimiter_as_typed(given, expected):
    assert check_delimiter(given) == expected


@pytest.mark.parametrize("bad", ["", ";;", '"', "\n"])
def test_a_bad_delimiter_is_a_clear_error(bad):
    with pytest.raises(StanceInputError, match="--delimiter must be one character"):
        check_delimiter(bad)


def test_sniffing_ignores_delimiters_inside_quoted_names():
    assert sniff_delimiter("a;b;c") == ";" and sniff_delimiter("a\tb") == "\t" and sniff_delimiter("single") == ","


def test_quoted_fields_with_embedded_newlines_keep_spreadsheet_row_numbers(tmp_path):
    path = write(tmp_path, 'text,label\n"first line\nsecond line",x\n"a ""quoted"" word",y\n"third\r\nrow",\n')
    message = error_of(path)
    assert "row 4 (label)" in message
    data = read_labelled_csv(path, drop_invalid=True)
    assert data.texts == ["first line\nsecond line", 'a "quoted" word'] and data.rows == [2, 3]


def test_an_unterminated_quote_names_the_line_it_opens_on(tmp_path):
    message = error_of(write(tmp_path, 'text,label\nfine,x\n"never closed,y\nmore,z\nrows,z\n'))
    assert "line 3" in message and "unterminated quote" in message


def test_text_after_a_closing_quote_names_its_line(tmp_path):
    message = error_of(write(tmp_path, 'text,label\nfine,x\n"half" quoted,y\n'))
    assert "line 3" in message and "doubled" in message


def test_exact_duplicate_rows_are_kept_with_a_counted_warning(tmp_path):
    data = read_labelled_csv(write(tmp_path, "text,label\na,x\nb,y\na,x\na,x\nb,y\nc,y\n"))
    assert len(data) == 6
    (warning,) = data.warnings
    assert "3 duplicate row(s)" in warning and "row 4 = row 2" in warning


def test_the_same_text_with_two_labels_is_listed(tmp_path):
    path = write(tmp_path, "text,label\nsame,x\nother,y\nsame,y\nsame,x\nagain,x\nagain,z\nfine,z\n")
    message = error_of(path)
    assert "row 2 'x' vs row 4 'y'" in message and "row 6 'x' vs row 7 'z'" in message
    data = read_labelled_csv(path, drop_invalid=True)
    assert data.texts == ["other", "fine"] and data.rows == [3, 8]
    assert any("skipped 5 row(s) whose text appears with different labels" in w for w in data.warnings)


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)
    with open(path, "r+b") as handle:
        handle.truncate(1024**3 + 1)  # sparse: 1 GB on paper, nothing on disk
    monkeypatch.setattr(data_module, "open", lambda *a, **k: pytest.fail("a file over the limit was opened"), raising=False)
    message = error_of(path)
    assert "1,024 MB is more than the 200 MB" in message and "STANCE_MAX_FILE_MB" in message
    assert "predict --input" in message


def test_the_size_limit_can_be_changed(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)
    monkeypatch.setenv("STANCE_MAX_FILE_MB", "0.00001")
    assert "is more than the" in error_of(path)
    monkeypatch.setenv("STANCE_MAX_FILE_MB", "lots")
    with pytest.raises(StanceInputError, match="STANCE_MAX_FILE_MB must be a number"):
        read_labelled_csv(path)
    monkeypatch.delenv("STANCE_MAX_FILE_MB")
    monkeypatch.setattr(data_module, "MAX_FILE_BYTES", 10)
    assert "is more than the" in error_of(path)


def test_a_10_mb_cell_names_its_row_and_column(tmp_path):
    path = write(tmp_path, "text,label\nfine,x\n" + "w" * (10 * 1024 * 1024) + ",y\n")
    message = error_of(path)
    assert "row 3, column 'text': 10,485,760 characters" in message


def test_cells_above_the_csv_modules_default_limit_are_read(tmp_path):
    """The csv module refuses fields over 128 KiB by default; a long quote under MAX_CELL_CHARS must still be read."""
    previous = csv.field_size_limit(131072)
    try:
        text = "long " * 60_000
        data = read_labelled_csv(write(tmp_path, f"text,label\n{text},x\nb,y\n"))
    finally:
        csv.field_size_limit(max(previous, csv.field_size_limit()))
    assert data.texts[0] == text.strip()


def test_cell_limit_is_a_module_constant(tmp_path, monkeypatch):
    monkeypatch.setattr(data_module, "MAX_CELL_CHARS", 5)
    assert "row 2, column 'label': 10 characters" in error_of(write(tmp_path, "text,label\nok,0123456789\n"))


def test_column_position_error_names_the_file(tmp_path):
    with pytest.raises(StanceInputError, match=re.escape(f"{tmp_path}: no column 'x'")):
        column_position(tmp_path, ["a", "b"], "x")


def test_csv_records_can_stream_a_file_of_any_size(tmp_path, monkeypatch):
    monkeypatch.setattr(data_module, "MAX_FILE_BYTES", 10)
    with data_module.csv_records(write(tmp_path, GOOD), check_size=False) as table:
        assert table.header == ["text", "label"] and [number for number, _ in table.records] == [2, 3]
        assert table.delimiter == "," and table.raw.tell() > 0


def test_csv_records_can_keep_blank_records_for_row_for_row_output(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("sep=;\ntext;note\none;a\n;\ntwo;b\n", encoding="utf-8")
    with data_module.csv_records(path, skip_blank=False) as table:
        assert table.delimiter == ";" and [row for _, row in table.records] == [["one", "a"], ["", ""], ["two", "b"]]
    with data_module.csv_records(path) as table:
        assert [number for number, _ in table.records] == [2, 4]


CSV_PIECES = st.sampled_from(["text", "label", ",", ";", "\t", '"', '""', "\n", "\r\n", " ", "x", "é", "\ufeff", "sep=;\n", "\x00"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=200), st.lists(CSV_PIECES, max_size=40).map(lambda p: "".join(p).encode("utf-8"))),
       drop=st.booleans())
def test_any_bytes_give_data_or_a_stance_input_error(tmp_path, content, drop):
    path = write(tmp_path, content)
    try:
        data = read_labelled_csv(path, drop_invalid=drop)
    except StanceInputError as error:
        assert str(path) in str(error) and "\n" not in str(error)
    else:
        assert len(data.texts) == len(data.labels) == len(data.rows) > 0
        assert all(t.strip() and l.strip() for t, l in zip(data.texts, data.labels))
