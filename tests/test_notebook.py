"""The evaluation notebook runs top to bottom without error in a kernel of this environment, and is committed run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "evaluate.ipynb"
CELL_TIMEOUT = 120  # seconds; the whole notebook takes well under a minute on 2 cores
NEEDS = "to execute notebooks/evaluate.ipynb; install the test extras: pip install -e '.[test]'"


def test_committed_notebook_is_executed_with_figures_and_no_errors():
    cells = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    outputs = [o for c in cells for o in c["outputs"]]
    assert all(c["execution_count"] for c in cells), "commit the notebook executed: see the command in its first cell"
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 5


def test_notebook_executes_without_error_in_this_environment():
    for module in ("nbformat", "ipykernel", "matplotlib"):
        pytest.importorskip(module, reason=f"{module} is needed {NEEDS}")
    nbclient = pytest.importorskip("nbclient", reason=f"nbclient is needed {NEEDS}")
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.prefix)"))
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    kernel_prefix = notebook.cells[-1].outputs[0]["text"].strip()
    assert kernel_prefix == sys.prefix, "the kernel 'python3' runs another Python environment than the tests"
