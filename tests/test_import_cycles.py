"""No import cycles in helpdesk/.

The graph is built from the source with ast: every `helpdesk.*` import, at module level and
inside functions (those edges are marked deferred). Module-level imports must form no cycle
at all. Deferred imports are the usual way to hide a cycle, so two modules must not import
each other even through a function; a package and its own modules are exempt (a package
registers its views, which take the blueprint from it: that is how Flask is wired).
"""
from __future__ import annotations

import ast
from pathlib import Path

import helpdesk

ROOT = Path(helpdesk.__file__).parent

# Older mutual imports in rooms other teams own: listed so they cannot grow unnoticed.
# Remove an entry when its cycle is broken; never add one.
KNOWN_DEFERRED = {
    frozenset({"helpdesk.auth.saml.services", "helpdesk.auth.services"}),
    frozenset({"helpdesk.sync.applying", "helpdesk.sync.relations"}),
    frozenset({"helpdesk.sync.applying", "helpdesk.sync.removals"}),
    frozenset({"helpdesk.tickets.accessibility", "helpdesk.tickets.guests"}),
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _resolve(name: str, modules) -> str | None:
    # `from helpdesk.x import y` names a module y or a name in x: take the longest module prefix.
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _targets(node, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        start = ".".join(base + ([node.module] if node.module else []))
    else:
        start = node.module or ""
    return [start] + [f"{start}.{a.name}" for a in node.names]


def build_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level edges, deferred edges inside functions) between helpdesk modules."""
    modules = _modules()
    top: dict[str, set[str]] = {m: set() for m in modules}
    deferred: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_level = {id(n) for n in tree.body}
        # Imports under `if TYPE_CHECKING:` or try/except at top level still run at import time.
        for stmt in tree.body:
            if isinstance(stmt, (ast.If, ast.Try)):
                module_level |= {id(n) for n in ast.walk(stmt)}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for name in _targets(node, module, path.name == "__init__.py"):
                if not name.startswith("helpdesk"):
                    continue
                target = _resolve(name, modules)
                if target and target != module:
                    (top if id(node) in module_level else deferred)[module].add(target)
    return top, deferred


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(v):
        state[v] = 1
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if w not in state:
                found = visit(w)
                if found:
                    return found
        stack.pop()
        state[v] = 2
        return None

    for v in sorted(graph):
        if v not in state:
            found = visit(v)
            if found:
                return found
    return None


def _nested(a: str, b: str) -> bool:
    return a.startswith(b + ".") or b.startswith(a + ".")


def mutual_imports(top, deferred) -> set[frozenset[str]]:
    both = {m: top[m] | deferred[m] for m in top}
    return {frozenset({a, b}) for a, targets in both.items() for b in targets
            if not _nested(a, b) and a in both.get(b, ())}


def test_no_cycle_among_module_level_imports():
    top, _ = build_graph()
    assert find_cycle(top) is None, " -> ".join(find_cycle(top))


def test_no_two_modules_import_each_other_even_inside_functions():
    top, deferred = build_graph()
    assert mutual_imports(top, deferred) - KNOWN_DEFERRED == set()


def test_the_two_broken_cycles_stay_broken():
    top, deferred = build_graph()
    both = {m: top[m] | deferred[m] for m in top}
    for a, b in [("helpdesk.tickets.services", "helpdesk.tickets.notifications"),
                 ("helpdesk.admin.approvals", "helpdesk.admin.operations")]:
        assert not (b in both[a] and a in both[b]), f"{a} and {b} import each other"


def test_the_checker_sees_a_cycle():
    # The checks above are only worth something if a cycle would be found.
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
