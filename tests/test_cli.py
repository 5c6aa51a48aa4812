"""The command line, called through main([...]): predict, train, evaluate and their --help."""

from __future__ import annotations

import io
import json

import pytest

from stance.cli import COMMANDS, main




def test_predict_prints_label_and_confidence(capsys, tiny_model_file):
    assert main(["predict", "--model", str(tiny_model_file), "Handing Crimea to Russia is a surrender"]) == 0
    label, confidence = capsys.readouterr().out.strip().split("\t")
    assert label == "critical_of_concessions" and 0 < float(confidence) <= 1


def test_predict_json_and_explain(capsys, tiny_model_file):
    main(["predict", "--model", str(tiny_model_file), "--json", "We welcome the talks"])
    record = json.loads(capsys.readouterr().out)
    assert record["label"] == "supportive" and set(record["probabilities"]) == {"critical_of_concessions", "skeptical", "supportive"}
    main(["predict", "--model", str(tiny_model_file), "--explain", "We welcome the talks"])
    out = capsys.readouterr().out
    assert out.startswith("supportive") and "toward:" in out and "against:" in out


def test_predict_reads_stdin_one_text_per_line(capsys, monkeypatch, tiny_model_file):
    monkeypatch.setattr("sys.stdin", io.StringIO("We welcome the talks\n\nPutin will not move an inch\n"))
    assert main(["predict", "--model", str(tiny_model_file)]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2


def test_train_then_evaluate(capsys, write_csv, tiny_corpus, tmp_path):
    data = write_csv([["quote", "stance"]] + [list(r) for r in tiny_corpus])
    out = tmp_path / "m.npz"
    assert main(["train", str(data), "--output", str(out), "--text-column", "quote", "--label-column", "stance", "--folds", "3"]) == 0
    assert "macro-F1" in capsys.readouterr().out and out.exists()
    assert main(["evaluate", str(data), "--model", str(out), "--text-column", "quote", "--label-column", "stance"]) == 0
    report = capsys.readouterr().out
    assert "confusion matrix" in report and "precision" in report
    assert main(["evaluate", str(data), "--model", str(out), "--text-column", "quote", "--label-column", "stance", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_texts"] == len(tiny_corpus)


def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path):
    assert main(["evaluate", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert "missing.csv" in err and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: stance" in out and "--" in out


def test_piped_quotes_are_scored_in_batches_like_one_at_a_time(capsys, monkeypatch, tiny_model_file, tiny_corpus):
    texts = [text for text, _ in tiny_corpus] * 70
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(texts) + "\n"))
    assert main(["predict", "--model", str(tiny_model_file)]) == 0
    piped = capsys.readouterr().out.splitlines()
    assert main(["predict", "--model", str(tiny_model_file), texts[0], texts[7]]) == 0
    assert capsys.readouterr().out.splitlines() == [piped[0], piped[7]]
    assert len(piped) == len(texts)


def test_a_closed_pipe_ends_quietly(tiny_model_file):
    import subprocess
    import sys

    producer = "\n".join(["We welcome the talks"] * 50_000) + "\n"
    command = f"{sys.executable} -m stance predict --model {tiny_model_file} | head -n 1"
    done = subprocess.run(["bash", "-c", command], input=producer, capture_output=True, text=True, timeout=120)
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
