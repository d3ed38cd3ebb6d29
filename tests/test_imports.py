"""The modules of scripts/ import one another without a circle: every import, at the top of a module
or inside a function, read from the source (ast), so a lazy import cannot hide one."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scripts", "hooks")


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of scripts/ and hooks/ → the modules of scripts/ it imports."""
    modules = {f"{pkg}.{p.stem}": p for pkg in PACKAGES for p in (root / pkg).glob("*.py") if p.stem != "__init__"}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                edges.add(node.module)
                edges |= {f"{node.module}.{a.name}" for a in node.names}
        graph[name] = {e for e in edges if e in modules and e != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle through each strongly connected group of modules (Tarjan), as a list of names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_circle_and_only_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_sees_lazy_imports(tmp_path):
    for pkg in PACKAGES:
        (tmp_path / pkg).mkdir()
    (tmp_path / "scripts" / "low.py").write_text("def f():\n    from scripts import high\n")
    (tmp_path / "scripts" / "high.py").write_text("from scripts.low import f\n")
    assert cycles(import_graph(tmp_path)) == [["scripts.high", "scripts.low"]]


def test_no_import_circle_in_scripts_and_hooks():
    graph = import_graph()
    assert graph["scripts.pipeline"], "the graph is read (the pipeline imports other modules)"
    assert cycles(graph) == []


def test_one_git_module_and_one_release_error():
    defined = {}
    for path in sorted((ROOT / "scripts").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in ("git", "ReleaseError"):
                defined.setdefault(node.name, []).append(path.name)
    assert defined == {"git": ["git.py"], "ReleaseError": ["versions.py"]}
