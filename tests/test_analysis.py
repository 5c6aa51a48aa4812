"""analyze(): a row per quotation, a summary per speaker, table/CSV/JSON; and the `stance analyze` command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from stance import analysis
from stance.analysis import analyze
from stance.cli import main

SEED_ARTICLE = Path(__file__).resolve().parents[1] / "seeds" / "moscow_times_2025-02-13.txt"
LABELS = ("critical_of_concessions", "skeptical", "supportive")
ARTICLE = (
    'Kaja Lind said the deal was "a surrender dressed up as diplomacy." "It hands Putin everything," she added. '
    '"Frankly, nobody knows what happens next," Lind noted.\n\n'
    '"This call was a great first step toward peace," said Pavel Orlov, a senior fellow at the Baltic Centre.\n'
)


def fake_predict_proba(texts: list[str], model=None) -> list[dict[str, float]]:
    """Probabilities from keywords, in a fixed class order, so tests do not depend on a trained model."""
    def proba(text: str) -> dict[str, float]:
        if "surrender" in text:
            return dict(zip(LABELS, (0.90, 0.05, 0.05)))
        if "everything" in text:
            return dict(zip(LABELS, (0.40, 0.35, 0.25)))
        if "nobody knows" in text:
            return dict(zip(LABELS, (0.10, 0.45, 0.45)))
        return dict(zip(LABELS, (0.05, 0.15, 0.80)))
    return [proba(text) for text in texts]


@pytest.fixture
def stance_map(monkeypatch):
    monkeypatch.setattr(analysis, "predict_proba", fake_predict_proba)
    return analyze(ARTICLE)


def test_one_row_per_quote_with_speaker_stance_confidence_and_offsets(stance_map):
    rows = [(row.speaker, row.stance, row.confidence) for row in stance_map.quotes]
    assert rows == [("Kaja Lind", "critical_of_concessions", 0.90), ("Kaja Lind", "critical_of_concessions", 0.40),
                    ("Kaja Lind", "skeptical", 0.45), ("Pavel Orlov", "supportive", 0.80)]
    assert all(ARTICLE[row.start:row.end] == row.quote for row in stance_map.quotes)
    assert list(stance_map.quotes[0].probabilities) == list(LABELS)


def test_speaker_summary_counts_lean_by_summed_probability_and_mean_confidence(stance_map):
    lind, orlov = stance_map.speakers
    assert (lind.speaker, lind.quotes) == ("Kaja Lind", 3)
    assert lind.counts == {"critical_of_concessions": 2, "skeptical": 1, "supportive": 0}
    assert lind.lean == "critical_of_concessions"  # 1.40 summed, against 0.85 and 0.75
    assert lind.mean_confidence == pytest.approx((0.90 + 0.40 + 0.45) / 3)
    assert (orlov.speaker, orlov.lean, orlov.counts["supportive"]) == ("Pavel Orlov", "supportive", 1)


def test_lean_follows_summed_probability_not_the_count(monkeypatch):
    def two_hesitant_one_confident(texts, model=None):
        rows = [(0.30, 0.40, 0.30), (0.30, 0.40, 0.30), (0.95, 0.03, 0.02)]
        return [dict(zip(LABELS, row)) for row in rows[:len(texts)]]

    monkeypatch.setattr(analysis, "predict_proba", two_hesitant_one_confident)
    (summary,) = analyze('"One," Kaja Lind said. "Two three four," she added. "Five six," she said.').speakers
    assert summary.counts["skeptical"] == 2 and summary.lean == "critical_of_concessions"


def test_no_quotes_gives_an_empty_map_without_calling_the_model(monkeypatch):
    monkeypatch.setattr(analysis, "predict_proba", lambda texts, model=None: pytest.fail("model called"))
    empty = analyze("No one is quoted here.")
    assert empty.quotes == [] and empty.speakers == []
    assert empty.to_csv() == "speaker,quote,stance,confidence,start,end\n"


def test_table_fits_100_columns_and_cuts_long_quotes(monkeypatch):
    monkeypatch.setattr(analysis, "predict_proba", fake_predict_proba)
    long_quote = " ".join(["the guarantees would be meaningless"] * 20)
    table = analyze(f'{ARTICLE}\n\n"{long_quote}," said Pavel Orlov.\n').to_table()
    assert max(len(line) for line in table.splitlines()) <= 100
    assert "Kaja Lind" in table and "Speakers (2)" in table and "critical_of_concessions 2, skeptical 1" in table
    long_row = table[table.index("  5  "):table.index("Speakers")]
    assert long_row.rstrip().endswith("…") and len(long_row.strip().splitlines()) == 3


def test_csv_has_one_row_per_quote(stance_map):
    rows = list(csv.DictReader(io.StringIO(stance_map.to_csv())))
    assert list(rows[0]) == ["speaker", "quote", "stance", "confidence", "start", "end"]
    assert [row["speaker"] for row in rows] == ["Kaja Lind"] * 3 + ["Pavel Orlov"]
    assert rows[0]["quote"] == "a surrender dressed up as diplomacy." and rows[0]["confidence"] == "0.9000"
    assert int(rows[3]["start"]) == stance_map.quotes[3].start


def test_json_holds_quotes_with_probabilities_and_speakers(stance_map):
    document = json.loads(stance_map.to_json())
    assert [q["stance"] for q in document["quotes"]] == [row.stance for row in stance_map.quotes]
    assert document["quotes"][1]["probabilities"] == {"critical_of_concessions": 0.4, "skeptical": 0.35, "supportive": 0.25}
    assert document["speakers"][0] == {"speaker": "Kaja Lind", "quotes": 3, "lean": "critical_of_concessions",
                                       "counts": {"critical_of_concessions": 2, "skeptical": 1, "supportive": 0},
                                       "mean_confidence": 0.5833}




def test_cli_analyze_json_with_a_model_file(capsys, tiny_model_file):
    assert main(["analyze", str(SEED_ARTICLE), "--format", "json", "--model", str(tiny_model_file)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["quotes"]) == 22
    assert {q["stance"] for q in document["quotes"]} <= set(LABELS)
    assert document["speakers"][0]["speaker"] == "Tatiana Stanovaya" and document["speakers"][0]["quotes"] == 3


def test_cli_analyze_reads_stdin_and_prints_csv(capsys, monkeypatch):
    monkeypatch.setattr(analysis, "predict_proba", fake_predict_proba)
    monkeypatch.setattr("sys.stdin", io.StringIO(ARTICLE))
    assert main(["analyze", "-", "--format", "csv"]) == 0
    assert capsys.readouterr().out == analyze(ARTICLE).to_csv()


def test_cli_analyze_prints_a_table_by_default(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(analysis, "predict_proba", fake_predict_proba)
    article = tmp_path / "article.md"
    article.write_text(ARTICLE, encoding="utf-8")
    assert main(["analyze", str(article)]) == 0
    assert capsys.readouterr().out.startswith("Quotes (4)\n")


@pytest.mark.parametrize("make, message", [(lambda tmp: tmp / "missing.txt", "No such file"),
                                           (lambda tmp: tmp, "Is a directory"),
                                           (lambda tmp: _write_bytes(tmp / "latin1.txt", b"caf\xe9"), "not UTF-8")])
def test_cli_analyze_unreadable_article_is_one_line_error(capsys, tmp_path, make, message):
    path = make(tmp_path)
    assert main(["analyze", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"stance analyze: error: {path}: ") and message in error and error.count("\n") == 1


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_fragment_is_classified_by_the_sentence_around_it():
    from stance.analysis import classified_text
    from stance.quotes import extract_quotes

    text = ('Intro paragraph. The minister [said](#) it was "regrettable" that Washington had made concessions. '
            'Later, she said: "We will keep working with our partners on every part of this plan."')
    fragment, full = extract_quotes(text)
    assert classified_text(text, fragment) == 'The minister said it was "regrettable" that Washington had made concessions.'
    assert classified_text(text, full) == full.text
