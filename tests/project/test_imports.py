"""The code's layers, read from the source (ast: every import, at the top of a module or inside a
function, so a lazy import cannot hide one). scripts/ is the build, in folders named for its stages;
a module imports only its own layer or those below it, without a circle, and never a tool."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("scripts", "hooks", "tools")
# Low to high. Publishing comes below the site because pages link to the downloads it names.
LAYERS = (
    ("scripts.paths", "scripts.git", "scripts.escape"),
    ("scripts.intake",),
    ("scripts.model",),
    ("scripts.publish",),
    ("scripts.site",),
    ("scripts.pipeline", "scripts.macros"),
    ("hooks",),
    ("tools",),
)


def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for pkg in PACKAGES:
        for path in (root / pkg).rglob("*.py"):
            if path.stem != "__init__":
                found[".".join(path.relative_to(root).with_suffix("").parts)] = path
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of scripts/, hooks/ and tools/ → the modules of those it imports."""
    mods = modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                edges.add(node.module)
                edges |= {f"{node.module}.{a.name}" for a in node.names}
        graph[name] = {e for e in edges if e in mods and e != name}
    return graph


def layer(module: str) -> int:
    for i, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    raise AssertionError(f"{module} is in no layer: add its folder to LAYERS")


def upward(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} → {b}" for a, targets in graph.items() for b in targets if layer(b) > layer(a))


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


@pytest.fixture
def tiny(tmp_path):
    for folder in ("scripts/intake", "scripts/site", "hooks", "tools"):
        (tmp_path / folder).mkdir(parents=True)
    return tmp_path


def test_the_graph_sees_lazy_imports_and_upward_ones(tiny):
    (tiny / "scripts/intake/low.py").write_text("def f():\n    from scripts.site import high\n")
    (tiny / "scripts/site/high.py").write_text("from scripts.intake.low import f\n")
    graph = import_graph(tiny)
    assert cycles(graph) == [["scripts.intake.low", "scripts.site.high"]]
    assert upward(graph) == ["scripts.intake.low → scripts.site.high"]


def test_a_tool_imported_by_the_build_is_upward(tiny):
    (tiny / "tools/bench.py").write_text("")
    (tiny / "scripts/site/render.py").write_text("import tools.bench\n")
    assert upward(import_graph(tiny)) == ["scripts.site.render → tools.bench"]


def test_no_import_circle_and_none_runs_up_a_layer():
    graph = import_graph()
    assert graph["scripts.pipeline"], "the graph is read (the pipeline imports other modules)"
    assert cycles(graph) == []
    assert upward(graph) == []


def test_every_stage_folder_is_a_layer():
    stages = {p.name for p in (ROOT / "scripts").iterdir() if (p / "__init__.py").exists()}
    assert stages == {"intake", "model", "publish", "site"}
    for name in modules():
        layer(name)


def test_one_git_module_and_one_release_error():
    defined = {}
    for name, path in modules().items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in ("git", "ReleaseError"):
                defined.setdefault(node.name, []).append(name)
    assert defined == {"git": ["scripts.git"], "ReleaseError": ["scripts.publish.versions"]}
