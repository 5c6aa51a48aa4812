"""Predicting with the shipped model never imports scikit-learn or pandas (they cost ~1.5 s and ~150 MB to load)."""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("sklearn", "pandas", "scipy")
REPORT_HEAVY = f"import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"


def run_python(args: list[str], tmp_path) -> subprocess.CompletedProcess:
    """Run a fresh interpreter with a private cache folder (a rebuilt model would land there, not in ~/.cache)."""
    env = {**os.environ, "STANCE_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=120, check=True)


def imported_modules(importtime_log: str) -> set[str]:
    """Module names from the ``-X importtime`` log on stderr."""
    return {line.rsplit("|", 1)[1].strip() for line in importtime_log.splitlines() if line.startswith("import time:")}


def test_library_prediction_imports_neither_sklearn_nor_pandas(tmp_path):
    code = f"import stance; stance.predict('x'); stance.predict_proba(['a', 'b']); stance.explain('peace'); {REPORT_HEAVY}"
    assert run_python(["-c", code], tmp_path).stdout.strip() == "[]"


def test_cli_prediction_imports_neither_sklearn_nor_pandas(tmp_path):
    result = run_python(["-X", "importtime", "-m", "stance", "predict", "Trump has effectively surrendered to Putin"], tmp_path)
    assert result.stdout.split("\t")[0] in {"skeptical", "supportive", "critical_of_concessions"}
    modules = imported_modules(result.stderr)
    assert "stance.predictor" in modules
    assert not {m for m in modules if m.split(".")[0] in HEAVY}


def test_cli_file_scoring_imports_neither_sklearn_nor_pandas(tmp_path, tiny_model, write_csv):
    model = tmp_path / "model.npz"
    tiny_model.save(model)
    source = write_csv([["text"], ["We welcome the talks."], ["This is a surrender."]])
    result = run_python(["-X", "importtime", "-m", "stance", "predict", "--model", str(model), "--input", str(source),
                         "--output", str(tmp_path / "out.csv"), "--jobs", "2"], tmp_path)
    modules = imported_modules(result.stderr)
    assert "stance.batch" in modules
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
