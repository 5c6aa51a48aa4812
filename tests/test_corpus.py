"""The bundled training data passes its own checks: schema, labels, origins, no duplicates, balance, no leakage."""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
STANCES = {"skeptical", "supportive", "critical_of_concessions"}
DEV_SET = ROOT.parent / "shared" / "eval" / "realquotes_dev.csv"


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_builder():
    spec = importlib.util.spec_from_file_location("build_corpus", SEEDS / "build_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def authored() -> list[dict[str, str]]:
    return read(SEEDS / "authored.csv")


def test_schema_labels_and_origin(authored):
    assert list(authored[0]) == ["text", "label", "speaker", "origin", "pair", "group", "writer"]
    assert {row["label"] for row in authored} == STANCES
    assert {row["origin"] for row in authored} == {"authored"}
    assert all(row["text"].strip() and row["group"] for row in authored)


def test_size_and_balance(authored):
    counts = Counter(row["label"] for row in authored)
    assert len(authored) >= 2400, counts
    assert min(counts.values()) >= 700, counts


def test_no_exact_or_near_duplicates(authored):
    texts = [" ".join(row["text"].lower().split()) for row in authored]
    assert len(set(texts)) == len(texts)
    builder = load_builder()
    sim = builder.similarity([row["text"] for row in authored])
    partner = [row["pair"] for row in authored]
    close = [(i, j) for i, j in zip(*((sim >= builder.NEAR_DUPLICATE).nonzero())) if i < j and not (partner[i] and partner[i] == partner[j])]
    assert close == []


def test_contrast_pairs_flip_the_label_and_share_a_group(authored):
    pairs: dict[str, list[dict[str, str]]] = {}
    for row in authored:
        if row["pair"]:
            pairs.setdefault(row["pair"], []).append(row)
    assert len(pairs) >= 100
    for members in pairs.values():
        assert len({m["label"] for m in members}) == len(members), members
        assert len({m["group"] for m in members}) == 1


def test_committed_corpus_matches_a_rebuild_from_the_batches():
    text, _ = load_builder().build()
    assert (SEEDS / "authored.csv").read_text(encoding="utf-8") == text


@pytest.mark.skipif(not DEV_SET.exists(), reason="the real-quote dev set is not beside this checkout")
def test_no_evaluation_quote_leaks_into_the_training_data(authored):
    builder = load_builder()
    dev_texts = [row["text"] for row in read(DEV_SET)]
    ours = [row["text"] for row in authored]
    sim = builder.similarity(dev_texts + ours)[: len(dev_texts), len(dev_texts):]
    worst = sim.max()
    assert worst < 0.6, f"a training text is too close to a dev quote (cosine {worst:.2f})"
