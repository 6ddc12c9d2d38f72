"""No import circle inside orchctl.sandbox (every import counts: module level, in functions,
under ``if TYPE_CHECKING``)."""

from __future__ import annotations

import ast
from pathlib import Path

import orchctl.sandbox

PACKAGE = "orchctl.sandbox"
ROOT = Path(orchctl.sandbox.__file__).parent


def _modules() -> dict[str, Path]:
    found = {PACKAGE: ROOT / "__init__.py"}
    for path in ROOT.glob("*.py"):
        if path.name != "__init__.py":
            found[f"{PACKAGE}.{path.stem}"] = path
    return found


def _edges(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == PACKAGE:  # from orchctl.sandbox import submodule | name
                    for alias in node.names:
                        sub = f"{PACKAGE}.{alias.name}"
                        targets.add(sub if sub in modules else PACKAGE)
                elif node.module in modules:
                    targets.add(node.module)
        targets.discard(name)
        graph[name] = targets
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_walker_sees_the_route_tables_and_would_see_a_circle() -> None:
    graph = _edges(_modules())
    assert f"{PACKAGE}.triggers" in graph[f"{PACKAGE}.routes"]
    assert f"{PACKAGE}.routing" in graph[f"{PACKAGE}.triggers"]
    looped = {**graph, f"{PACKAGE}.routing": {f"{PACKAGE}.routes"}}
    assert _cycle(looped) is not None


def test_no_import_cycles_in_orchctl_sandbox() -> None:
    cycle = _cycle(_edges(_modules()))
    assert cycle is None, " -> ".join(cycle or [])
