"""The package's import graph: no circles, and the pipeline's layers import downwards only.

Read from the source with `ast`: what a module imports when it is loaded (its top level, class
bodies, `try`/`if` blocks), not imports inside functions (lazy, run when called) nor those under
`if TYPE_CHECKING:` (never run). A circle makes the import order matter and a module half-loaded
when another reads it; the layer rules keep reading registers free of evaluating and reporting.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "landrules"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _runtime_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement run when the module loads: not function bodies, not TYPE_CHECKING."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.If):
            test = node.test
            name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", "")
            if name != "TYPE_CHECKING":
                yield from _runtime_statements(node.body)
            yield from _runtime_statements(node.orelse)
            continue
        yield node
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                stmts = [s for s in inner if isinstance(s, ast.stmt)]
                handlers = [h for h in inner if isinstance(h, ast.ExceptHandler)]
                yield from _runtime_statements(stmts)
                for handler in handlers:
                    yield from _runtime_statements(handler.body)


def _with_parents(name: str, importer: str) -> set[str]:
    """`name` and the packages it loads on the way (not the importer's own packages)."""
    parts = name.split(".")
    found = {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
    own = importer.split(".")
    return {m for m in found if m in MODULES and m != importer and not _is_prefix(m, own)}


def _is_prefix(module: str, own: list[str]) -> bool:
    return own[: len(module.split("."))] == module.split(".")


def imports_of(module: str) -> set[str]:
    """The landrules modules `module` imports when it is loaded."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found |= _with_parents(alias.name, module)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found |= _with_parents(target, module)
            for alias in node.names:
                found |= _with_parents(f"{target}.{alias.name}", module)
    return {m for m in found if m.startswith("landrules")}


GRAPH = {module: imports_of(module) for module in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected group of modules (Tarjan), each named in order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph[v]:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_one_circle(graph, group) for group in groups]


def _one_circle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & group):
                if w == start:
                    return [*paths[v], start]
                if w not in paths:
                    paths[w] = [*paths[v], w]
                    nxt.append(w)
        frontier = nxt
    return [start]


def _reaches(start: str, prefix: str) -> list[str] | None:
    """The import chain from `start` to a module under `prefix` (loaded with it), or None."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(GRAPH[v]):
                if w in paths:
                    continue
                paths[w] = [*paths[v], w]
                if w == prefix or w.startswith(prefix + "."):
                    return paths[w]
                nxt.append(w)
        frontier = nxt
    return None


def test_the_graph_is_read_from_every_module() -> None:
    assert {"landrules.batch", "landrules.registers", "landrules.report.tabular"} <= set(GRAPH)
    assert "landrules.api" in GRAPH["landrules.batch"]  # a name imported from a module
    assert "landrules.i18n" in GRAPH["landrules.cli_lang"]


def test_no_module_imports_itself_through_others() -> None:
    circles = [" → ".join(c) for c in _cycles(GRAPH)]
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_the_cycle_finder_names_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]


def test_batch_does_not_load_the_reports() -> None:
    chain = _reaches("landrules.batch", "landrules.report")
    assert chain is None, " → ".join(chain or [])


def test_reading_registers_does_not_load_batch() -> None:
    readers = [m for m in GRAPH if m == "landrules.registers" or m.startswith("landrules.readers")]
    readers += [m for m in ("landrules.rows", "landrules.mapping") if m in GRAPH]
    for module in readers:
        chain = _reaches(module, "landrules.batch")
        assert chain is None, " → ".join(chain or [])
