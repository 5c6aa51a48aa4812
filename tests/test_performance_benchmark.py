"""The performance benchmark runs end to end on tiny sizes and prints one line per target (no timing checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "performance.py"
TARGETS = ["one quote: predict ", "one quote: predict_proba", "cold start", "big file: 500 rows", "big file: peak memory",
           "long list", "training"]


def test_benchmark_quick_run_prints_every_target(tmp_path):
    result = subprocess.run([sys.executable, str(BENCHMARK), "--quick", "--rows", "500", "--workdir", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for target in TARGETS:
        matching = [line for line in lines if line.startswith(target)]
        assert len(matching) == 1, (target, result.stdout)
        assert matching[0].count("|") == 3 and ("x" in matching[0].split("|")[-1] or "of the" in matching[0])
    assert list(tmp_path.iterdir()) == []
