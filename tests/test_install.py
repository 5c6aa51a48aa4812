"""The wheel carries the shipped model and seeds: install it in a fresh virtual environment, import from elsewhere."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stderr[-2000:]}"
    return done.stdout


def test_wheel_installs_and_predicts_from_any_folder(tmp_path):
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT))
    wheel = next((tmp_path / "dist").glob("stance_classifier-*.whl"))
    # A fresh environment that sees the test environment's dependencies but not this checkout.
    venv.create(tmp_path / "env", system_site_packages=True, with_pip=True)
    python = tmp_path / "env" / "bin" / "python"
    run(str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = "import stance; print(stance.__file__); print(stance.predict('Trump has effectively surrendered to Putin'))"
    location, label = run(str(python), "-c", code, cwd=elsewhere).split()
    assert str(tmp_path / "env") in location
    assert label in {"skeptical", "supportive", "critical_of_concessions"}
    out = run(str(tmp_path / "env" / "bin" / "stance"), "predict", "We welcome the talks", cwd=elsewhere)
    assert out.split("\t")[0] in {"skeptical", "supportive", "critical_of_concessions"}
