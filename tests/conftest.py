"""Shared fixtures: a tiny labelled corpus, a model trained on it, and a helper to write CSV files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable, Sequence

import pytest

TINY_CORPUS = [
    ("We welcome the call and the talks that follow it.", "supportive"),
    ("A productive conversation, a good first step toward peace.", "supportive"),
    ("We are grateful to President Trump for his efforts.", "supportive"),
    ("This is not a betrayal of Ukraine; it is diplomacy.", "supportive"),
    ("The talks in Riyadh were constructive and useful.", "supportive"),
    ("Peace is closer today than it was a month ago.", "supportive"),
    ("Putin does not want peace and will not move an inch.", "skeptical"),
    ("Any ceasefire will be broken within weeks.", "skeptical"),
    ("The Kremlin is stalling and playing games with Washington.", "skeptical"),
    ("Their visions are too far apart for a lasting deal.", "skeptical"),
    ("Russia will use the pause to regroup and attack again.", "skeptical"),
    ("Guarantees signed by Moscow are worth nothing.", "skeptical"),
    ("Handing Crimea to Russia is a surrender.", "critical_of_concessions"),
    ("No deal about Ukraine without Ukraine at the table.", "critical_of_concessions"),
    ("Ruling out NATO before talks start rewards the aggressor.", "critical_of_concessions"),
    ("This is appeasement, a new Munich.", "critical_of_concessions"),
    ("Europe is being sidelined while Washington gives Putin what he wants.", "critical_of_concessions"),
    ("Lifting sanctions now would be a betrayal of Ukraine.", "critical_of_concessions"),
]


@pytest.fixture(scope="session")
def tiny_corpus() -> list[tuple[str, str]]:
    """Eighteen labelled quotes, six per stance."""
    return list(TINY_CORPUS)


@pytest.fixture(scope="session")
def tiny_model(tiny_corpus):
    """A StanceClassifier fitted on the tiny corpus (fast: well under a second)."""
    from stance.classifier import StanceClassifier

    texts, labels = zip(*tiny_corpus)
    return StanceClassifier().fit(list(texts), list(labels))


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write rows (first row = header) to a CSV in tmp_path and return its path."""

    def write(rows: Sequence[Sequence[str]], name: str = "data.csv", **fmt) -> Path:
        path = tmp_path / name
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, **fmt).writerows(rows)
        return path

    return write


@pytest.fixture(scope="session")
def tiny_model_file(tiny_model, tmp_path_factory) -> Path:
    """The tiny model saved in stance's safe format (load it to get a fresh predictor with cold caches)."""
    path = tmp_path_factory.mktemp("models") / "tiny.npz"
    tiny_model.save(str(path))
    return path
