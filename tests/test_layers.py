"""The layer rules of docs/architecture.md, checked by parsing every import in the source.

Imports inside functions count (they run when the function does); imports under
``if TYPE_CHECKING:`` do not (they never run). Importing ``a.b.c`` also runs the packages
``a`` and ``a.b`` unless the importing module is already inside them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("impact", "dash_app")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES: dict[str, Path] = {
    module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
}


def is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imported(module: str) -> set[str]:
    """Project modules that ``module`` imports directly (anywhere in its code)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if is_package(module) else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name in MODULES and name != module}


def runs(module: str) -> set[str]:
    """Project modules whose code runs when ``module`` imports what it imports.

    Each imported module, plus the packages above it that ``module`` is not itself inside
    (those are already running when ``module`` does).
    """
    own = {".".join(module.split(".")[:k]) for k in range(1, module.count(".") + 1)}
    out: set[str] = set()
    for target in imported(module):
        parts = target.split(".")
        for k in range(1, len(parts) + 1):
            name = ".".join(parts[:k])
            if name in MODULES and name not in own and name != module:
                out.add(name)
    return out


GRAPH: dict[str, set[str]] = {module: runs(module) for module in MODULES}


def inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(source: str, target: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Modules inside ``source`` (outside ``allowed``) that import something inside ``target``.

    The top package ``impact`` itself is the library's front door: it imports its public
    subpackages (``impact.figures`` among them) so that ``impact.figures.timeline`` works
    after ``import impact``, and is never a violation.
    """
    return sorted(
        f"{module} imports {name}"
        for module in MODULES
        if inside(module, source) and module != "impact" and not any(inside(module, a) for a in allowed)
        for name in imported(module)
        if inside(name, target) and not inside(module, target)
    )


#: The layers of docs/architecture.md, bottom to top: a module imports only from its own layer
#: or the layers below. (``impact`` itself, the package's front door, sits with the CLI.)
LAYERS: tuple[tuple[str, ...], ...] = (
    ("impact._version", "impact.areas", "impact.boundaries", "impact.dataset", "impact.data"),
    ("impact.scenario", "impact.restoration"),
    ("impact.engine", "impact.distributed"),
    ("impact.export",),
    (
        "impact.observations",
        "impact.needs",
        "impact.compare",
        "impact.result",
        "impact.runner",
        "impact.whatif",
        "impact.acled",
        "impact.acled_rules",
        "impact.synth",
        "impact.docgen",
        "impact.cod_ab",
        "impact.sensitivity",
    ),
    ("impact.figures",),
    ("impact.cli", "impact.__main__"),
    ("dash_app",),
)


def layer(module: str) -> int:
    """Index in :data:`LAYERS` of the module's layer (the longest matching prefix decides)."""
    if module == "impact":
        return len(LAYERS) - 2
    matches = [(len(prefix), k) for k, prefixes in enumerate(LAYERS) for prefix in prefixes if inside(module, prefix)]
    assert matches, f"{module} belongs to no layer of LAYERS: add it (and to docs/architecture.md)"
    return max(matches)[1]


def test_every_module_belongs_to_a_layer() -> None:
    for module in MODULES:
        layer(module)


def test_nothing_imports_from_a_layer_above() -> None:
    upward = sorted(
        f"{module} imports {name}"
        for module in MODULES
        for name in imported(module)
        if not inside(module, name)  # `from impact import engine` inside impact names the package itself
        and layer(name) > layer(module)
        and (module, name) != ("impact.cli.serve", "dash_app.serve")
    )
    assert upward == []


def test_the_dashboard_imports_no_private_module_of_the_library() -> None:
    private = sorted(
        f"{module} imports {name}"
        for module in MODULES
        if inside(module, "dash_app")
        for name in imported(module)
        if name.startswith("impact")
        and any(part.startswith("_") for part in name.split("."))
        and name != "impact._version"
    )
    assert private == []


def test_the_core_does_not_import_figures() -> None:
    assert violations("impact", "impact.figures", allowed=("impact.figures", "impact.cli")) == []


def test_figures_do_not_import_export() -> None:
    assert violations("impact.figures", "impact.export") == []


def test_the_dashboard_uses_only_the_export_package_surface() -> None:
    submodules = sorted(
        f"{module} imports {name}"
        for module in MODULES
        if inside(module, "dash_app")
        for name in imported(module)
        if name.startswith("impact.export.")
    )
    assert submodules == []


def test_the_library_does_not_import_the_dashboard_except_to_serve() -> None:
    assert violations("impact", "dash_app", allowed=("impact.cli.serve",)) == []


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_there_is_no_import_cycle() -> None:
    assert strongly_connected(GRAPH) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set()}, []),
    ],
)
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert strongly_connected(graph) == expected


def test_function_local_imports_count() -> None:
    """The parser sees an import inside a function (the rules would be toothless otherwise)."""
    assert "impact.cli" in {m for m in MODULES if inside(m, "impact.cli")}
    local = [
        module
        for module in MODULES
        for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
        for inner in ast.walk(node)
        if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith(PACKAGES)
    ]
    assert local, "no function-local import of the project found: the parser would not notice one"
    assert all(imported(module) for module in local)
