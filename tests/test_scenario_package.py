"""The input side as a package (:mod:`impact.scenario`): its surface, former names and small rules."""

from __future__ import annotations

import pandas as pd

import impact
import impact.scenario
from impact.restoration import restoration_class_of
from impact.scenario import curves
from impact.scenario.bundled import bundled_ids, bundled_root
from impact.scenario.problems import Problem, ScenarioError
from impact.scenario.schema import KIND_DEFAULT_CLASS, SETTINGS_FILE, TABLES


def test_package_exports_the_loader() -> None:
    for name in impact.scenario.__all__:
        assert hasattr(impact.scenario, name), name
    assert impact.scenario.load_scenario is impact.load_scenario
    assert impact.scenario.Scenario is impact.Scenario
    assert impact.scenario.ScenarioError is impact.ScenarioError


def test_the_class_rule_is_shared() -> None:
    assert restoration_class_of is curves.restoration_class_of


def test_bundled_scenarios_are_found_from_the_package() -> None:
    root = bundled_root()
    assert root is not None and (root / "odesa-2025-12" / SETTINGS_FILE).is_file()
    assert "odesa-2025-12" in bundled_ids()


def test_restoration_class_is_the_assets_own_else_its_kinds_default() -> None:
    assets = pd.DataFrame(
        {
            "asset_id": ["A", "B", "C"],
            "kind": ["substation", "substation", "no_such_kind"],
            "restoration_class": ["transformer_missile", "", ""],
        }
    )
    assert restoration_class_of(assets) == {
        "A": "transformer_missile",
        "B": KIND_DEFAULT_CLASS["substation"],
        "C": "",
    }


def test_problems_are_listed_in_the_order_of_the_declared_tables() -> None:
    files = [SETTINGS_FILE, *(table.name for table in TABLES)]
    shuffled = [Problem(name, 2, "-", "x") for name in reversed(files)] + [Problem("zz.csv", 1, "-", "x")]
    error = ScenarioError(shuffled)
    assert [problem.file for problem in error.problems] == [*files, "zz.csv"]
    assert "temperature.csv" in files and "blackouts.csv" in files
