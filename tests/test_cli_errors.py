"""Bad input through the command line: exit status 2 and one line on stderr naming the file (and the row and column
where it applies), with no traceback; the same message as the StanceInputError the Python API raises."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Callable

import pytest

import stance
from stance.cli import main
from stance.errors import StanceInputError

BOM = "\ufeff"


@pytest.fixture
def corpus_csv(tiny_corpus) -> Callable[..., str]:
    """CSV text of the tiny corpus, with a chosen delimiter and extra rows."""

    def make(delimiter: str = ",", extra: str = "", header: str = "text{d}label") -> str:
        lines = [header.format(d=delimiter)] + [f"{t.replace(delimiter, ' ')}{delimiter}{l}" for t, l in tiny_corpus]
        return "\n".join(lines) + "\n" + extra

    return make


def put(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def run(capsys, *argv: object) -> tuple[int, str, str]:
    """Run the CLI; return its exit status, stdout and stderr."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def one_error_line(capsys, command: str, *argv: object) -> str:
    """Run a command expected to fail on its input; check the contract and return the message."""
    status, _, err = run(capsys, command, *argv)
    assert status == 2, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith(f"stance {command}: error: ") and "Traceback" not in err
    return err[len(f"stance {command}: error: "):-1]


# Each case: a name, a function making the CSV in tmp_path from corpus_csv, extra CLI options, and what the
# message must say besides the file name.
TRAIN_CASES = [
    ("missing", lambda tmp, c: tmp / "nope.csv", [], ["no such file"]),
    ("directory", lambda tmp, c: tmp, [], ["is a directory"]),
    ("empty", lambda tmp, c: put(tmp, b""), [], ["the file is empty"]),
    ("header only", lambda tmp, c: put(tmp, "text,label\n"), [], ["has a header but no data rows"]),
    ("no text column", lambda tmp, c: put(tmp, c(header="Text{d}label")), [], ["no column 'text'", "'Text', 'label'", "did you mean 'Text'"]),
    ("no label column", lambda tmp, c: put(tmp, c(header="text{d}labels")), [], ["no column 'label'", "did you mean 'labels'"]),
    ("empty text", lambda tmp, c: put(tmp, c(extra=",skeptical\n")), [], ["row 20 (text)", "--drop-invalid"]),
    ("blank label", lambda tmp, c: put(tmp, c(extra="Some text,   \n")), [], ["row 20 (label)"]),
    ("missing cell", lambda tmp, c: put(tmp, c(extra="Just a text\n")), [], ["row 20 (label)"]),
    ("one label", lambda tmp, c: put(tmp, "text,label\n" + "".join(f"text {i},only\n" for i in range(8))), [],
     ["only one label (only)"]),
    ("rare label", lambda tmp, c: put(tmp, c(extra="A lonely quote,rare\n")), [], ["label 'rare' has only 1 example"]),
    ("latin-1", lambda tmp, c: put(tmp, c(extra="Caf\xe9 diplomacy,supportive\n").encode("latin-1", "replace")), [],
     ["not UTF-8", "byte 0xe9 at offset", "line 20"]),
    ("utf-16", lambda tmp, c: put(tmp, c().encode("utf-16")), [], ["UTF-16"]),
    ("unterminated quote", lambda tmp, c: put(tmp, c(extra='"Never closed,skeptical\nmore,skeptical\n')), [],
     ["line 20", "unterminated quote"]),
    ("two labels", lambda tmp, c: put(tmp, c(extra="Handing Crimea to Russia is a surrender.,supportive\n")), [],
     ["the same text has different labels", "row 14 'critical_of_concessions' vs row 20 'supportive'"]),
    ("huge cell", lambda tmp, c: put(tmp, c(extra="x" * (10 * 2**20) + ",skeptical\n")), [],
     ["row 20, column 'text': 10,485,760 characters"]),
    ("bad delimiter", lambda tmp, c: put(tmp, c()), ["--delimiter", ";;"], ["--delimiter must be one character"]),
    ("wrong delimiter", lambda tmp, c: put(tmp, c(delimiter="|")), [], ["found: 'text|label'", "--delimiter"]),
    ("group column", lambda tmp, c: put(tmp, c()), ["--group-column", "lable"], ["no column 'lable'", "did you mean 'label'"]),
]


@pytest.mark.parametrize(("make", "options", "expected"), [case[1:] for case in TRAIN_CASES], ids=[case[0] for case in TRAIN_CASES])
def test_train_on_bad_input(capsys, tmp_path, corpus_csv, make, options, expected):
    path = make(tmp_path, corpus_csv)
    message = one_error_line(capsys, "train", path, "--output", tmp_path / "model.npz", "--folds", "3", *options)
    assert all(part in message for part in expected), message
    assert not (tmp_path / "model.npz").exists()
    if "--delimiter" not in options and "--group-column" not in options:
        with pytest.raises(StanceInputError) as raised:
            stance.train(path, n_splits=3)
        assert str(raised.value) == message


def test_a_file_too_big_to_train_on_is_refused_without_reading_it(capsys, tmp_path, corpus_csv):
    path = put(tmp_path, corpus_csv())
    with open(path, "r+b") as handle:
        handle.truncate(2**30)
    message = one_error_line(capsys, "train", path, "--output", tmp_path / "m.npz")
    assert str(path) in message and "1,024 MB is more than the 200 MB" in message


@pytest.mark.parametrize(("content", "options"), [
    (lambda c: BOM + c(delimiter=";"), []),
    (lambda c: c(delimiter="\t"), []),
    (lambda c: "sep=;\n" + c(delimiter=";"), []),
    (lambda c: c(delimiter="|"), ["--delimiter", "|"]),
    (lambda c: c(delimiter="\t"), ["--delimiter", "\\t"]),
])
def test_excel_style_files_train(capsys, tmp_path, corpus_csv, content, options):
    path = put(tmp_path, content(corpus_csv))
    status, out, err = run(capsys, "train", path, "--output", tmp_path / "m.npz", "--folds", "2", *options)
    assert status == 0, err
    assert "texts: 18" in out and stance.load(tmp_path / "m.npz").classes_.tolist() == sorted(set(stance.load(tmp_path / "m.npz").classes_))


def test_drop_invalid_says_how_many_rows_it_skipped(capsys, tmp_path, corpus_csv):
    path = put(tmp_path, corpus_csv(extra=",skeptical\nno label,\n  ,supportive\nHanding Crimea to Russia is a surrender.,supportive\n"))
    status, _, err = run(capsys, "train", path, "--output", tmp_path / "m.npz", "--folds", "2", "--drop-invalid")
    assert status == 0
    assert "stance train: warning:" in err and "skipped 3 row(s) with an empty text or label" in err
    assert "skipped 2 row(s) whose text appears with different labels" in err
    status, _, err = run(capsys, "evaluate", path, "--model", tmp_path / "m.npz", "--drop-invalid")
    assert status == 0 and "skipped 3 row(s)" in err


def test_duplicate_rows_are_counted_on_stderr(capsys, tmp_path, corpus_csv, tiny_corpus):
    text, label = tiny_corpus[0]
    path = put(tmp_path, corpus_csv(extra=f"{text},{label}\n{text},{label}\n"))
    status, _, err = run(capsys, "train", path, "--output", tmp_path / "m.npz", "--folds", "2")
    assert status == 0 and "2 duplicate row(s)" in err and "row 20 = row 2" in err


@pytest.mark.parametrize("output", ["folder", "input", "missing-folder"])
def test_train_refuses_an_output_it_should_not_write_before_training(capsys, tmp_path, corpus_csv, output):
    path = put(tmp_path, corpus_csv())
    target = {"folder": tmp_path, "input": path, "missing-folder": tmp_path / "no" / "m.npz"}[output]
    before = path.read_bytes()
    message = one_error_line(capsys, "train", path, "--output", target)
    assert str(target) in message and path.read_bytes() == before


def test_a_failure_while_training_or_writing_leaves_the_previous_model(capsys, tmp_path, corpus_csv, tiny_model, monkeypatch):
    path = put(tmp_path, corpus_csv())
    output = tmp_path / "model.npz"
    tiny_model.save(str(output))
    before = output.read_bytes()

    def fail(*args, **kwargs):
        raise RuntimeError("injected failure")

    with monkeypatch.context() as patch:
        patch.setattr("stance.training.fit_with_report", fail)
        with pytest.raises(RuntimeError, match="injected failure"):
            main(["train", str(path), "--output", str(output)])
    assert output.read_bytes() == before
    with monkeypatch.context() as patch:
        patch.setattr("stance.persistence.os.replace", fail)
        with pytest.raises(RuntimeError, match="injected failure"):
            main(["train", str(path), "--output", str(output), "--folds", "2"])
    assert output.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "model.npz"]


def test_evaluate_on_bad_input(capsys, tmp_path, corpus_csv, tiny_model_file):
    assert "no such file" in one_error_line(capsys, "evaluate", tmp_path / "none.csv", "--model", tiny_model_file)
    unknown = put(tmp_path, "text,label\na,x\nb,y\n")
    message = one_error_line(capsys, "evaluate", unknown, "--model", tiny_model_file)
    assert str(unknown) in message and "none of its labels (x, y)" in message
    conflict = put(tmp_path, "text,label\nsame,x\nsame,y\n", "conflict.csv")
    assert "row 2 'x' vs row 3 'y'" in one_error_line(capsys, "evaluate", conflict, "--model", tiny_model_file)
    semicolons = put(tmp_path, corpus_csv(delimiter="|"), "pipes.csv")
    status, out, _ = run(capsys, "evaluate", semicolons, "--model", tiny_model_file, "--delimiter", "|")
    assert status == 0 and "texts: 18" in out


class CreatesAFile:
    def __init__(self, target: str):
        self.target = target

    def __reduce__(self):
        return open, (self.target, "w")


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_an_untrusted_pickle_model_is_refused_and_never_runs(capsys, tmp_path, corpus_csv, command):
    target = tmp_path / "pwned"
    model = tmp_path / "model.pkl"
    model.write_bytes(pickle.dumps(CreatesAFile(str(target))))
    argv = ["some text"] if command == "predict" else [put(tmp_path, corpus_csv())]
    message = one_error_line(capsys, command, "--model", model, *argv)
    assert str(model) in message and "--trusted" in message and not target.exists()


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_a_damaged_model_file_is_one_line(capsys, tmp_path, corpus_csv, tiny_model_file, command):
    model = put(tmp_path, tiny_model_file.read_bytes()[:500], "cut.npz")
    argv = ["some text"] if command == "predict" else [put(tmp_path, corpus_csv())]
    assert "damaged or not a stance model file" in one_error_line(capsys, command, "--model", model, *argv)


def test_predict_never_overwrites_its_input(capsys, tmp_path, corpus_csv, tiny_model_file):
    path = put(tmp_path, corpus_csv())
    before = path.read_bytes()
    message = one_error_line(capsys, "predict", "--model", tiny_model_file, "--input", path, "--output", path)
    assert str(path) in message and path.read_bytes() == before
    assert "no such file" in one_error_line(capsys, "predict", "--model", tiny_model_file, "--input", tmp_path / "x.csv",
                                            "--output", tmp_path / "out.csv")


@pytest.mark.parametrize("argv", [["--debug", "train"], ["train", "--debug"]])
def test_debug_shows_the_traceback(tmp_path, argv):
    with pytest.raises(StanceInputError, match="no such file"):
        main([*argv, str(tmp_path / "missing.csv"), "--output", str(tmp_path / "m.npz")])


def test_a_message_with_a_line_break_stays_on_one_line(capsys, tmp_path):
    path = put(tmp_path, 'text,"lab\nel"\na,b\n')
    message = one_error_line(capsys, "train", path, "--output", tmp_path / "m.npz")
    assert "no column 'label'" in message
