"""Scoring CSV files and long lists: every column kept, safe output, the same answers serial or parallel."""

from __future__ import annotations

import csv
import io
import os

import numpy as np
import pytest

import stance
from stance import batch
from stance.batch import output_columns, predict_csv
from stance.cli import main
from stance.errors import StanceInputError

QUOTES = [
    "Handing Crimea to Russia is a surrender.",
    "We welcome the talks in Riyadh.",
    'He said "no deal", then left;\nthe room was silent.',
    "Putin will not move an inch, says the minister, again.",
    "",
    "Мир без Украины — не мир 🇺🇦",
]


def read_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def quote_rows(n: int) -> list[list[str]]:
    """A header and ``n`` rows with the text in the middle, so kept columns sit on both sides."""
    return [["id", "text", "outlet"]] + [[str(i), QUOTES[i % len(QUOTES)] + f" #{i}", f"outlet {i % 3}"] for i in range(n)]


@pytest.fixture
def predictor(tiny_model):
    return tiny_model.predictor_


def test_keeps_every_column_in_order_and_adds_label_and_probabilities(predictor, write_csv, tmp_path):
    rows = quote_rows(len(QUOTES))
    source = write_csv(rows)
    target = tmp_path / "scored.csv"
    assert predict_csv(predictor, source, target, "text") == len(QUOTES)
    written = read_rows(target)
    labels = list(predictor.classes_)
    assert written[0] == ["id", "text", "outlet", "predicted_label", *[f"proba_{label}" for label in labels]]
    assert [row[:3] for row in written[1:]] == rows[1:]
    proba = predictor.predict_proba([row[1] for row in rows[1:]])
    np.testing.assert_allclose(np.array([row[4:] for row in written[1:]], dtype=float), proba, atol=5e-7)
    assert [row[3] for row in written[1:]] == predictor.labels(proba)


def test_quoted_fields_with_newlines_delimiters_and_short_rows_survive(predictor, write_csv, tmp_path):
    rows = [["text", "note"], ['line one\nline "two"\r\nthree', "a;b,c"], ["short row only"], ["", ""]]
    source = write_csv(rows, delimiter=";")
    target = tmp_path / "scored.csv"
    predict_csv(predictor, source, target)
    with open(target, encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle, delimiter=";"))
    assert [row[:2] for row in written[1:]] == [rows[1], ["short row only", ""], ["", ""]]
    assert written[1][2] == predictor.predict([rows[1][0]])[0]


def test_existing_prediction_column_is_an_error_unless_overwrite(predictor, write_csv, tmp_path):
    source = write_csv([["predicted_label", "text"], ["old", "We welcome the talks."]])
    target = tmp_path / "scored.csv"
    with pytest.raises(StanceInputError, match="already has column.*predicted_label.*--overwrite-columns"):
        predict_csv(predictor, source, target)
    assert not target.exists()
    predict_csv(predictor, source, target, overwrite_columns=True)
    written = read_rows(target)
    assert written[0] == ["text", *output_columns(predictor)]
    assert written[1][1] == predictor.predict(["We welcome the talks."])[0]


def test_output_may_not_be_the_input(predictor, write_csv, tmp_path):
    source = write_csv(quote_rows(3))
    before = source.read_bytes()
    (tmp_path / "sub").mkdir()
    for same in (source, tmp_path / "." / source.name, tmp_path / "sub" / ".." / source.name):
        with pytest.raises(StanceInputError, match="would overwrite the input"):
            predict_csv(predictor, source, same)
    os.link(source, tmp_path / "hardlink.csv")
    with pytest.raises(StanceInputError, match="would overwrite the input"):
        predict_csv(predictor, source, tmp_path / "hardlink.csv")
    assert source.read_bytes() == before


def test_missing_column_and_missing_file_are_one_line_errors(predictor, write_csv, tmp_path):
    source = write_csv(quote_rows(2))
    with pytest.raises(StanceInputError, match="no column 'quote'"):
        predict_csv(predictor, source, tmp_path / "out.csv", "quote")
    with pytest.raises(StanceInputError, match="no such file"):
        predict_csv(predictor, tmp_path / "nope.csv", tmp_path / "out.csv")


def test_parallel_equals_serial_over_many_chunks(predictor, write_csv, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK_ROWS", 7)
    assert batch._can_fork()
    source = write_csv(quote_rows(200))
    serial, parallel = tmp_path / "serial.csv", tmp_path / "parallel.csv"
    assert predict_csv(predictor, source, serial, n_jobs=1) == 200
    assert predict_csv(predictor, source, parallel, n_jobs=2) == 200
    assert parallel.read_bytes() == serial.read_bytes()


def test_failure_leaves_the_old_output_untouched_and_no_temporary_file(predictor, write_csv, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK_ROWS", 2)
    source = write_csv(quote_rows(10))
    target = tmp_path / "scored.csv"
    target.write_text("previous results\n", encoding="utf-8")
    real = predictor.predict_proba
    calls = []

    def fail_on_third_chunk(texts):
        calls.append(len(texts))
        if len(calls) == 3:
            raise RuntimeError("injected failure")
        return real(texts)

    monkeypatch.setattr(predictor, "predict_proba", fail_on_third_chunk)
    with pytest.raises(RuntimeError, match="injected failure"):
        predict_csv(predictor, source, target, n_jobs=1)
    assert target.read_text(encoding="utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "scored.csv"]


def test_progress_bar_only_on_a_terminal(predictor, write_csv, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    source = write_csv(quote_rows(20))
    terminal, pipe = Terminal(), io.StringIO()
    predict_csv(predictor, source, tmp_path / "a.csv", progress=terminal)
    predict_csv(predictor, source, tmp_path / "b.csv", progress=pipe)
    assert "100%" in terminal.getvalue() and "20 rows" in terminal.getvalue() and terminal.getvalue().endswith("\n")
    assert pipe.getvalue() == ""


def test_long_list_goes_through_the_parallel_path_with_the_same_answers(tiny_model, monkeypatch):
    monkeypatch.setattr(batch, "PARALLEL_MIN_ROWS", 50)
    monkeypatch.setattr(batch, "CHUNK_ROWS", 16)
    chunked = []
    real = batch.predict_proba_chunks
    monkeypatch.setattr(batch, "predict_proba_chunks", lambda *a, **k: chunked.append(1) or real(*a, **k))
    texts = [row[1] for row in quote_rows(120)[1:]]
    expected = tiny_model.predictor_.predict_proba(texts)
    assert stance.predict(texts, model=tiny_model) == tiny_model.predictor_.labels(expected)
    probabilities = stance.predict_proba(texts, model=tiny_model)
    np.testing.assert_array_equal(np.array([list(p.values()) for p in probabilities]), expected)
    assert len(chunked) == 2
    assert stance.predict(texts[:10], model=tiny_model) == tiny_model.predictor_.predict(texts[:10])
    assert len(chunked) == 2


def test_cli_scores_a_file(tiny_model, write_csv, tmp_path, capsys):
    model = tmp_path / "model.npz"
    tiny_model.save(model)
    source = write_csv(quote_rows(4))
    target = tmp_path / "scored.csv"
    assert main(["predict", "--model", str(model), "--input", str(source), "--column", "text", "--output", str(target)]) == 0
    assert read_rows(target)[0][-4:] == output_columns(tiny_model.predictor_)
    assert "wrote 4 rows" in capsys.readouterr().err
    assert main(["predict", "--model", str(model), "--input", str(target), "--output", str(tmp_path / "again.csv")]) == 2
    assert "--overwrite-columns" in capsys.readouterr().err
    assert main(["predict", "--model", str(model), "--input", str(target), "--output", str(tmp_path / "again.csv"),
                 "--overwrite-columns", "--jobs", "2"]) == 0
    assert read_rows(tmp_path / "again.csv") == read_rows(target)


def test_cli_output_without_input_is_an_error(capsys, tmp_path):
    assert main(["predict", "--output", str(tmp_path / "out.csv"), "some text"]) == 2
    assert "--output needs --input" in capsys.readouterr().err


def test_a_byte_order_mark_is_not_part_of_the_first_column_name(predictor, tmp_path):
    source = tmp_path / "excel.csv"
    source.write_bytes("\ufefftext,id\r\nWe welcome the talks.,1\r\n".encode("utf-8"))
    predict_csv(predictor, source, tmp_path / "scored.csv")
    assert read_rows(tmp_path / "scored.csv")[0][:2] == ["text", "id"]


def test_an_excel_separator_line_is_understood_and_kept_out_of_the_output(predictor, tmp_path):
    source = tmp_path / "excel.csv"
    source.write_text("sep=;\ntext;id\nWe welcome the talks;1\n", encoding="utf-8")
    predict_csv(predictor, source, tmp_path / "out.csv")
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle, delimiter=";"))
    assert written[0][:2] == ["text", "id"] and written[1][:2] == ["We welcome the talks", "1"]
