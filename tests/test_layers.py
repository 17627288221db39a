"""The package's layers and import graph: no cycles, each layer imports only from below.

Layers, bottom to top: ``core`` < ``models`` < ``sim`` < ``claims`` < ``app``. Every import
statement counts, also those inside functions (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "theorycheck"
LAYERS = ("core", "models", "sim", "claims", "app")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(mod: str, is_pkg: bool, level: int, name: str | None) -> str:
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def import_graph() -> dict[str, set[str]]:
    """Module -> the theorycheck modules it imports (anywhere in its body)."""
    modules = {_module_name(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for mod, path in modules.items():
        deps: set[str] = set()
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(mod, is_pkg, node.level, node.module) if node.level else (node.module or "")
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for t in targets:
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t.startswith("theorycheck") and t != mod:
                    deps.add(t)
        graph[mod] = deps
    return graph


def _layer(mod: str) -> str | None:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_no_import_cycles():
    graph = import_graph()
    # package __init__ files import their children by construction of Python packages only when
    # they say so; a cycle through a parent package counts like any other.
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_layers_import_only_from_below():
    graph = import_graph()
    bad = []
    for mod, deps in graph.items():
        lm = _layer(mod)
        if lm is None:
            continue
        for d in deps:
            ld = _layer(d)
            if ld is None:
                # the top-level package: only its version/API re-exports, which live in core
                bad.append(f"{mod} imports the top-level package {d}")
            elif LAYERS.index(ld) > LAYERS.index(lm):
                bad.append(f"{mod} ({lm}) imports {d} ({ld})")
    assert not bad, "\n".join(sorted(bad))


def test_claims_are_grouped_by_paper_and_small():
    top = sorted(p.name for p in PKG.iterdir() if p.suffix == ".py")
    assert top == ["__init__.py", "__main__.py"], top
    for p in (PKG / "claims").glob("*.py"):
        assert p.name == "__init__.py", f"claims/{p.name}: claim modules live in a paper folder"
    too_long = [str(p.relative_to(PKG)) for p in (PKG / "claims").rglob("*.py") if len(p.read_text().splitlines()) > 650]
    assert not too_long, f"claim modules over ~600 lines: {too_long}"


@pytest.mark.parametrize("mod", ["theorycheck", "theorycheck.core.symcheck", "theorycheck.models.lambertw"])
def test_symbolic_side_does_not_import_torch(mod):
    import subprocess
    import sys

    code = f"import sys, importlib; importlib.import_module({mod!r}); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False", f"importing {mod} imports torch"


def test_public_api():
    import theorycheck

    for name in ("claim", "Result", "Verdict", "combine", "prove_zero", "prove_equal"):
        assert hasattr(theorycheck, name), name
