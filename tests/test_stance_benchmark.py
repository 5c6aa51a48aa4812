"""The retraining benchmark runs end to end on small multi-target data, on a split and in nested cross-validation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK = ROOT / "benchmarks" / "stance_benchmark.py"
TARGETS = ROOT / "tests" / "data" / "targets"
COMMON = ["--target-column", "target", "--metric", "f_avg", "--positive-labels", "FAVOR,AGAINST", "--time-budget", "0"]


def run(*options: str) -> str:
    """Run the benchmark and return what it printed (failing on a non-zero exit)."""
    result = subprocess.run([sys.executable, str(BENCHMARK), *options], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_split_prints_the_test_metric_and_every_reference(tmp_path):
    small = pd.read_csv(TARGETS / "train.csv", keep_default_na=False).groupby(["target", "label"]).head(8)
    small.to_csv(tmp_path / "train.csv", index=False)
    out = run("--train", str(tmp_path / "train.csv"), "--test", str(TARGETS / "test.csv"), *COMMON, "--compare")
    assert re.search(r"test f_avg: \d+\.\d\d", out) and "per-label F1: AGAINST" in out
    for reference in ("per-target TF-IDF", "target ignored", "no search", "without label offsets"):
        assert reference in out


def test_cv_runs_the_whole_training_inside_each_outer_fold(tmp_path):
    small = pd.read_csv(TARGETS / "train.csv", keep_default_na=False).groupby(["target", "label"]).head(8)
    small.assign(group=[f"g{i // 2}" for i in range(len(small))]).to_csv(tmp_path / "all.csv", index=False)
    out = run("--train", str(tmp_path / "all.csv"), "--cv", "3", "--group-column", "group", *COMMON)
    assert len(re.findall(r"^fold [123]  stance train", out, flags=re.MULTILINE)) == 3
    mean = re.search(r"stance train \(default recipe\)\s+(\d+\.\d\d)\s+(\d+\.\d\d)$", out, flags=re.MULTILINE)
    assert mean and 0 < float(mean[1]) <= 100
