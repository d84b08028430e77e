"""House rules of docs/architecture.md that a parser can check: public modules declare
``__all__``, nothing cites documents outside the repository, the warning filters of
``pyproject.toml`` keep the project's own warnings errors."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Documents that live outside the repository; code, docs and outputs cite ``docs/`` instead.
OUTSIDE = re.compile(r"\bDESIGN(\.md| section| \d)|\bDOMAIN\.md|\bHOUSE-REVIEW|\bMODEL-REVIEW|\.\./shared\b")


def public_modules() -> list[Path]:
    """Modules of the library and the dashboard whose name has no leading underscore (``__init__`` included)."""
    return [
        path
        for package in ("impact", "dash_app")
        for path in sorted((ROOT / package).rglob("*.py"))
        if not any(part.startswith("_") and part != "__init__.py" for part in path.relative_to(ROOT).parts)
        and path.name != "__main__.py"
    ]


@pytest.mark.parametrize("path", public_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_public_modules_declare_all(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    ]
    assert "__all__" in names, f"{path.relative_to(ROOT)} has no __all__"


def test_all_names_exist() -> None:
    import importlib

    for path in public_modules():
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        missing = [name for name in module.__all__ if not hasattr(module, name)]
        assert missing == [], f"{module.__name__}.__all__ names missing objects: {missing}"


def test_nothing_cites_documents_outside_the_repository() -> None:
    files = [
        path
        for folder in ("impact", "dash_app", "tests", "benchmarks", "scripts", "docs", "datasets")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and path.suffix in (".py", ".md", ".toml", ".ipynb", ".csv") and path.name != "test_house.py"
    ] + [ROOT / "README.md"]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert found == []


def test_the_projects_own_warnings_are_errors() -> None:
    with pytest.raises(UserWarning):
        warnings.warn_explicit("from the project", UserWarning, "impact/x.py", 1, module="impact.x")
    with pytest.raises(UserWarning):
        warnings.warn_explicit("from the dashboard", UserWarning, "dash_app/x.py", 1, module="dash_app.x")


def test_third_party_warnings_at_import_do_not_stop_the_tests() -> None:
    with warnings.catch_warnings(record=True) as caught:  # keeps the filters pytest set from pyproject.toml
        warnings.warn_explicit("deprecated extra", DeprecationWarning, "urllib3/__init__.py", 31, module="urllib3")
    assert [str(w.message) for w in caught] == ["deprecated extra"]
