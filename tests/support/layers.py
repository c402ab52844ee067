"""The import graph of the project's own modules, read from the source (ast, never by importing), and the two
rules the house keeps: which room (top-level folder) may import which, and no import cycle between modules.

Every import counts, also one inside a function or under `if TYPE_CHECKING:` — a late import hides a
dependency from the reader, it does not remove it.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

Graph = dict[str, set[str]]  # module -> the project modules it imports


@dataclass(frozen=True)
class Rules:
    """`below[room]`: the rooms `room` may import (besides itself). `assemblers`: the modules that put the rooms
    together (the app factory, the command line) and may import any room. Any other top-level folder of ours
    (migrations, tests, benchmarks) is no room: only an assembler may import it."""

    below: Mapping[str, frozenset[str]]
    assemblers: frozenset[str] = frozenset()


def module_graph(root: Path, packages: Iterable[str]) -> Graph:
    """Every module under the top-level `packages` of `root`, with the project modules it imports."""
    files = {_module_name(path, root): path for package in packages for path in sorted((root / package).rglob("*.py"))}
    known = {name: path.name == "__init__.py" for name, path in files.items()}  # module -> is a package
    return {name: _imports(name, path, known) for name, path in files.items()}


def room_violations(graph: Graph, rules: Rules, allowed: Iterable[tuple[str, str]] = ()) -> list[str]:
    """'importer -> imported' for each import that climbs or crosses the rooms (minus the `allowed` edges)."""
    allowed = set(allowed)
    found = []
    for module, targets in sorted(graph.items()):
        room = _room(module)
        if room not in rules.below or module in rules.assemblers:
            continue
        for target in sorted(targets):
            other = _room(target)
            if other != room and other not in rules.below[room] and (module, target) not in allowed:
                found.append(f"{module} -> {target}")
    return found


def cycles(graph: Graph, allowed: Iterable[tuple[str, str]] = ()) -> list[list[str]]:
    """The import cycles: each a group of modules that reach one another (Tarjan's strongly connected
    components). A package's `__init__` importing its own modules (Flask's blueprint pattern: the views import
    `bp` back) is no cycle."""
    allowed = set(allowed)
    edges = {module: {t for t in targets if not t.startswith(module + ".") and (module, t) not in allowed}
             for module, targets in graph.items()}
    return [sorted(group) for group in _components(edges) if len(group) > 1]


def _room(module: str) -> str:
    return module.partition(".")[0]


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(name: str, path: Path, known: Mapping[str, bool]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(_resolve(alias.name, known) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, known[name], node)
            found.add(_resolve(base, known))
            # `from package import module` imports the module, not just the package
            found.update(_resolve(f"{base}.{alias.name}", known) for alias in node.names
                         if f"{base}.{alias.name}" in known)
    found.discard(None)
    found.discard(name)
    return found


def _absolute(name: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _resolve(target: str, known: Mapping[str, bool]) -> str | None:
    """The longest project module `target` names (`models.clock.now` -> `models.clock`); None if not ours."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def _components(edges: Mapping[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:  # recursion depth is bounded by the module count (a few hundred)
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in edges.get(module, ()):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            groups.append(group)

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return groups
