"""The example notebook runs from top to bottom on the installed package (it cannot rot)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "examples" / "odesa.ipynb"


@pytest.mark.slow
def test_example_notebook_executes_without_errors(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    text = "\n".join(
        str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert "People without water: Odeska (UA51)" in text
    assert "before the report" in text and "after the report" in text
    assert "water_truck_trips_central" in text  # needs
    assert "person_hours_central_difference" in text  # comparison
    assert "('odesa.xlsx', True)" in text  # exports
