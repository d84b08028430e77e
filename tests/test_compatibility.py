"""Names kept for one release after the house refactor (issue 11), and clear errors where an
argument's meaning changed: each old use either still works with a DeprecationWarning or fails
with a message saying what to do."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import impact
from impact.export import export, write_excel, write_needs_csv, write_needs_excel
from impact.whatif import WhatIf


@pytest.fixture(scope="module")
def result() -> impact.Result:
    return impact.run(impact.load_scenario("odesa-2025-12").with_config(horizon_hours=48), samples=0)


def sheets(path: Path) -> list[str]:
    return openpyxl.load_workbook(path).sheetnames


def test_result_export_writes_the_needs_sheet_without_a_warning(result, tmp_path: Path) -> None:
    assert "needs" in sheets(result.export(tmp_path / "a.xlsx"))
    assert "needs" not in sheets(result.export(tmp_path / "b.xlsx", include_needs=False))


def test_write_excel_of_a_result_without_needs_warns_that_the_sheet_is_gone(result, tmp_path: Path) -> None:
    with pytest.warns(DeprecationWarning, match=r"needs=impact\.needs\(result\)"):
        written = write_excel(result, tmp_path / "x.xlsx")
    assert "needs" not in sheets(written)
    assert "needs" in sheets(write_excel(result, tmp_path / "y.xlsx", needs=impact.needs(result)))


def test_export_of_a_result_to_excel_without_needs_warns(result, tmp_path: Path) -> None:
    with pytest.warns(DeprecationWarning, match="result.export"):
        export(result, tmp_path / "x.xlsx")
    export(result.dataset, tmp_path / "y.xlsx")  # a bare dataset never had needs: no warning


@pytest.mark.parametrize("writer", [write_needs_csv, write_needs_excel, None])
def test_needs_writers_and_table_refuse_a_result(result, tmp_path: Path, writer) -> None:
    if writer is None:
        from impact.needs import needs_table

        with pytest.raises(TypeError, match=r"impact\.needs\(result\)"):
            needs_table(result)
        return
    with pytest.raises(TypeError, match=r"impact\.needs\(result\)"):
        writer(result, tmp_path / "n.csv")
    assert not (tmp_path / "n.csv").exists()


def test_whatif_is_baseline_is_the_identity_check_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="is_identity"):
        assert WhatIf().is_baseline is True
    with pytest.warns(DeprecationWarning):
        assert WhatIf(repair_time_factor=0.5).is_baseline is False


def test_engine_name_and_engine_together_are_refused() -> None:
    scenario = impact.load_scenario("odesa-2025-12")
    with pytest.raises(TypeError, match="engine= only"):
        impact.run(scenario, samples=0, engine="reference", engine_name="fast")
    with pytest.warns(DeprecationWarning, match="engine="):
        impact.run(scenario, samples=0, engine_name="fast")


def test_timeline_baseline_and_compare_with_together_are_refused(result) -> None:
    with pytest.raises(TypeError, match="compare_with= only"):
        impact.figures.timeline(result, baseline=result, compare_with=result)
