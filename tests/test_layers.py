"""The package's layers: each folder imports only the folders below it, and no modules import each other.

core/ <- schemas/ <- policies/ <- lint/ <- cli/. Every import counts, also
those inside functions and under ``TYPE_CHECKING``: a lazy import up a floor
is still a dependency up a floor.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "campaign_lint"
LAYERS = ("core", "schemas", "policies", "lint", "cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The campaign_lint modules ``path`` imports (``from x import y`` counts y when y is a module)."""
    found: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("campaign_lint"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("campaign_lint"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return found


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
GRAPH = {name: _imports(path) & set(MODULES) - {name} for name, path in MODULES.items()}


def _layer(module: str) -> int:
    """The floor of a module; the root package (version, ``python -m``) stands outside the floors."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return -1
    return LAYERS.index(parts[1])


def test_every_module_is_on_a_floor() -> None:
    outside = sorted(
        m for m in MODULES if _layer(m) < 0 and m not in {"campaign_lint", "campaign_lint.__main__"}
    )
    assert not outside, f"modules outside core/schemas/policies/lint/cli: {outside}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_up_a_floor(module: str) -> None:
    if module == "campaign_lint.__main__":
        return  # `python -m campaign_lint` starts the command line
    upward = sorted(
        target for target in GRAPH[module] if target != "campaign_lint" and _layer(target) > _layer(module)
    )
    assert not upward, f"{module} imports from a higher floor: {upward}"


def test_no_import_loops() -> None:
    state: dict[str, int] = {}
    loops: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                loops.append([*path[path.index(target) :], target] if target in path else [module, target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert not loops, "import loops: " + "; ".join(" -> ".join(loop) for loop in loops)


def test_the_checker_sees_imports() -> None:
    """The graph is not empty: the engine imports the pipeline, the CLI imports the engine."""
    assert "campaign_lint.lint.pipeline" in GRAPH["campaign_lint.lint.engine"]
    assert (
        _layer("campaign_lint.cli.app")
        > _layer("campaign_lint.lint.engine")
        > _layer("campaign_lint.core.findings")
    )


# Small modules (CONTRIBUTING.md): one that outgrows this is split by job, as the engine was.
MOST_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }
    assert long == {}
