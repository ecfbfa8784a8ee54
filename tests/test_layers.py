"""The package map of docs/ARCHITECTURE.md, enforced: imports run one way, from the CLI down to
the core, and no module imports itself back through another (lazy imports inside functions count:
they are the usual way a cycle hides)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# what each top-level package may import besides itself (docs/ARCHITECTURE.md, "Package map"):
# the core below everything; ingest, the estimators and the generator side by side; the pipeline
# over ingest; the serving layer under the dashboard and briefs, which read only the published
# warehouse; the CLI on top
LAYERS: dict[str, set[str]] = {
    "core": set(),
    "ingest": {"core"},
    "indices": {"core"},
    "synthetic": {"core"},
    "pipeline": {"core", "ingest"},
    "serving": {"core"},
    "app": {"core", "serving"},
    "housewatch": {"core", "ingest", "indices", "synthetic", "pipeline", "serving", "app"},
}
# dbt's Python models run inside `dbt build` (below the pipeline that starts it)
DBT_MODELS_MAY_IMPORT = {"core", "ingest", "indices"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_name(path) if path.is_relative_to(ROOT) else path.stem
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from pkg import submodule` imports the submodule
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def _project_modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            modules[_module_name(path)] = path
    return modules


MODULES = _project_modules()


def _resolve(name: str) -> str | None:
    """The project module an import names (or the package whose attribute it imports)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for _line, imported in _imports(path):
            target = _resolve(imported)
            if target and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    return graph


def test_every_package_has_a_layer() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages == set(LAYERS), (
        "a new top-level package needs a rank in LAYERS and a line in docs/ARCHITECTURE.md"
    )


def _violations(package: str, path: Path) -> list[str]:
    return [
        f"{path.name}:{line} imports {imported}"
        for line, imported in _imports(path)
        if (top := imported.split(".")[0]) in LAYERS and top != package
        and top not in LAYERS[package]
    ]  # fmt: skip


def test_the_allowed_imports_form_layers() -> None:
    """The map itself has no cycle, so "higher" and "lower" mean something."""
    seen: set[str] = set()
    while len(seen) < len(LAYERS):
        ready = {p for p, deps in LAYERS.items() if p not in seen and deps <= seen}
        assert ready, f"the layer map has a cycle among {set(LAYERS) - seen}"
        seen |= ready


def test_no_import_from_a_higher_layer() -> None:
    wrong = [
        f"{module}: {v}"
        for module, path in MODULES.items()
        for v in _violations(module.split(".")[0], path)
    ]
    assert not wrong, "\n".join(wrong)


def test_commands_are_imported_only_by_the_cli() -> None:
    graph = _edges()
    wrong = [
        f"{src} imports {dst}"
        for src, targets in graph.items()
        for dst in targets
        if dst.startswith("housewatch.commands.") and src != "housewatch.cli"
    ]
    wrong += [f"{src} imports housewatch.cli" for src, t in graph.items() if "housewatch.cli" in t]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle() -> None:
    graph = _edges()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "dbt_project" / "models").rglob("*.py")), ids=lambda p: p.name
)
def test_dbt_python_models_import_only_the_lower_layers(path: Path) -> None:
    tops = {m.split(".")[0] for _line, m in _imports(path)}
    assert not (tops & set(LAYERS)) - DBT_MODELS_MAY_IMPORT


def test_the_checker_sees_a_planted_violation(tmp_path: Path) -> None:
    planted = tmp_path / "bad.py"
    planted.write_text("def f():\n    from app import charts\n    import housewatch.cli\n")
    assert _violations("ingest", planted) == [
        "bad.py:2 imports app",
        "bad.py:2 imports app.charts",
        "bad.py:3 imports housewatch.cli",
    ]
    assert _violations("housewatch", planted) == []
