"""The model card: in sync with the committed metadata, every section present, absent figures said to be absent."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from stance.bundled import METADATA_FILE, bundled_dir
from stance.card import CARD_FILE, LABEL_MEANINGS, main, render_model_card

MODELS = bundled_dir("models")
SECTIONS = ["# Model card", "## Intended use", "**For:**", "**Not for:**", "## Labels", "## Training data",
            "## Measured quality", "### Cross-validated on the training data", "### On real quotes from other coverage",
            "## Known limitations", "## Retraining", "## Model details"]


@pytest.fixture
def metadata() -> dict:
    """A private copy of the committed metadata, with recognisable figures."""
    data = copy.deepcopy(json.loads((MODELS / METADATA_FILE).read_text(encoding="utf-8")))
    data["cross_validation"] = {"texts": 1234, "accuracy": 0.8766, "macro_f1": 0.8642, "calibration_error": 0.0321,
                                "per_class_f1": {label: 0.5 for label in data["labels"]}, "notes": ["5-fold grouped"]}
    data["real_quotes_eval"] = None
    return data


def real_quotes_section(card: str) -> str:
    """The text of the card's real-quotes subsection."""
    return card.split("### On real quotes from other coverage", 1)[1].split("\n## ", 1)[0]


def test_committed_card_matches_committed_metadata():
    committed = (MODELS / CARD_FILE).read_text(encoding="utf-8")
    expected = render_model_card(json.loads((MODELS / METADATA_FILE).read_text(encoding="utf-8")))
    assert committed == expected, "models/MODEL_CARD.md is out of date: run `python -m stance.card`"


def test_card_has_every_section_in_order(metadata):
    card = render_model_card(metadata)
    positions = [card.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)


def test_card_names_each_label_with_its_meaning(metadata):
    card = render_model_card(metadata)
    for label in metadata["labels"]:
        assert f"| `{label}` | {LABEL_MEANINGS[label]} |" in card


def test_card_shows_training_data_date_command_and_retraining(metadata):
    card = render_model_card(metadata)
    for name in metadata["training_data"]["files"]:
        assert f"`seeds/{name}`" in card
    assert f"{metadata['training_data']['rows']} rows" in card
    assert metadata["created"] in card and f"`{metadata['command']}`" in card
    assert "python -m stance.bundled --output models/" in card and "python -m stance.card" in card
    assert "stance train data.csv --output model.npz" in card


def test_card_shows_cross_validated_figures(metadata):
    card = render_model_card(metadata)
    assert "| 1234 | 0.877 | 0.864 | 0.032 |" in card
    assert "5-fold grouped" in card


def test_real_quote_figures_not_measured_when_absent(metadata):
    section = real_quotes_section(render_model_card(metadata))
    assert "Not measured" in section and "|" not in section


def test_real_quote_figures_shown_when_present(metadata):
    metadata["real_quotes_eval"] = {**metadata["cross_validation"], "file": "real.csv", "texts": 97, "macro_f1": 0.7411}
    section = real_quotes_section(render_model_card(metadata))
    assert "Not measured" not in section
    assert "`real.csv`" in section and "| 97 | 0.877 | 0.741 | 0.032 |" in section


def test_cross_validated_figures_not_measured_when_absent(metadata):
    metadata["cross_validation"] = None
    card = render_model_card(metadata)
    assert "Not measured: the model was built without cross-validation." in card


def test_rendering_rows_per_origin_when_recorded(metadata):
    metadata["training_data"]["rows_per_origin"] = {"authored": 10, "article": 3}
    assert "| origin | rows |" in render_model_card(metadata)
    del metadata["training_data"]["rows_per_origin"]
    assert "| origin | rows |" not in render_model_card(metadata)


def test_main_writes_the_card_and_check_catches_a_stale_one(metadata, tmp_path: Path, capsys):
    meta_path = tmp_path / METADATA_FILE
    meta_path.write_text(json.dumps(metadata), encoding="utf-8")
    card_path = tmp_path / CARD_FILE
    assert main(["--metadata", str(meta_path), "--check"]) == 1  # no card yet
    assert main(["--metadata", str(meta_path)]) == 0
    assert card_path.read_text(encoding="utf-8") == render_model_card(metadata)
    assert main(["--metadata", str(meta_path), "--check"]) == 0
    metadata["cross_validation"]["macro_f1"] = 0.5
    meta_path.write_text(json.dumps(metadata), encoding="utf-8")
    written = card_path.read_text(encoding="utf-8")
    assert main(["--metadata", str(meta_path), "--check"]) == 1
    assert card_path.read_text(encoding="utf-8") == written
    assert "python -m stance.card" in capsys.readouterr().err
