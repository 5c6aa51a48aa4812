"""seeds/quotes.csv is what seeds/build_seed_quotes.py builds from the seed article and seeds/seed_labels.csv."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("build_seed_quotes", SEEDS / "build_seed_quotes.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look up their module while the class is built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_rebuild_is_byte_for_byte_the_committed_file(builder, tmp_path):
    rebuilt = tmp_path / "quotes.csv"
    assert builder.main(["--output", str(rebuilt)]) == 0
    assert rebuilt.read_bytes() == (SEEDS / "quotes.csv").read_bytes()
    assert builder.main(["--check"]) == 0


def test_committed_file_schema_labels_and_size():
    with open(SEEDS / "quotes.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == ["text", "label", "speaker", "origin"]
    assert len(rows) >= 18
    assert {row["origin"] for row in rows} == {"seed"}
    assert {row["label"] for row in rows} == {"skeptical", "supportive", "critical_of_concessions"}
    assert all(row["text"].strip() and row["speaker"] for row in rows)


def test_every_table_row_has_a_reason(builder):
    assert all(row["reason"].strip() for row in builder.read_labels(builder.LABELS))


def test_check_fails_when_the_committed_file_is_stale(builder, tmp_path, capsys):
    stale = tmp_path / "quotes.csv"
    stale.write_text("text,label,speaker,origin\n", encoding="utf-8")
    assert builder.main(["--check", "--output", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err


def write_labels(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["match", "label", "speaker", "reason", "text_override"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_an_unlabelled_quotation_fails_the_build(builder, tmp_path, capsys):
    rows = [row for row in builder.read_labels(builder.LABELS) if not row["match"].startswith("Would Trump agree")]
    labels = write_labels(tmp_path / "labels.csv", rows)
    assert builder.main(["--labels", str(labels), "--output", str(tmp_path / "out.csv")]) == 1
    assert "unlabelled quotation (Sergey Radchenko): 'Would Trump agree" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_a_row_that_matches_nothing_or_names_the_wrong_speaker_fails(builder, tmp_path, capsys):
    rows = builder.read_labels(builder.LABELS)
    rows[0] = {**rows[0], "speaker": "Someone Else"}
    rows.append({"match": "words nobody wrote", "label": "skeptical", "speaker": "X", "reason": "r", "text_override": "t"})
    assert builder.main(["--labels", str(write_labels(tmp_path / "labels.csv", rows)), "--check"]) == 1
    error = capsys.readouterr().err
    assert "'words nobody wrote' is not in the article" in error
    assert "the extractor says the speaker is 'Tatiana Stanovaya', the table 'Someone Else'" in error
