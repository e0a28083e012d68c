"""The code's layout holds: no import cycles, and no reaching into another package's private names.

Every import counts, including one inside a function: a cycle closed late is still a cycle a
reader has to untangle. The one exception is the app factory, create_app in engage/__init__.py:
it imports every room to wire them together when it is called, and the entry points (the CLI,
the server) call it. A package's `__init__` importing its own modules, to register them (a
wing's rooms) or to offer them as attributes (`store.respondents`), is how the package is put
together, not a dependency: those edges are left out, and a module importing its own package's
`__init__` while that imports it back is caught by its own test instead. A package means a
folder: engage/respondent/ and engage/staff/ are each one, and engage's own top-level modules
form the `engage` package.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGAGE = ROOT / "engage"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(name: str) -> bool:
    return (ROOT / Path(*name.split(".")) / "__init__.py").exists()


def _exists(name: str) -> bool:
    path = ROOT / Path(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _package_of(name: str) -> str:
    return name if _is_package(name) else name.rpartition(".")[0]


def _imports(path: Path) -> list[tuple[str, str | None, int]]:
    """Return (module imported, name taken from it or None, line) for every import in a file."""
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    tree = ast.parse(path.read_text(), str(path))
    # The factory's wiring is the exception (see above): only the root's own imports count.
    nodes = tree.body if here == "engage" else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if _exists(submodule):
                    found.append((submodule, None, node.lineno))
                else:
                    found.append((base, alias.name, node.lineno))
    return found


def _engage_files() -> list[Path]:
    return sorted(ENGAGE.rglob("*.py"))


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in _engage_files():
        targets = {
            module
            for module, _name, _line in _imports(path)
            if module == "engage" or module.startswith("engage.")
        }
        here = _module_name(path)
        if path.name == "__init__.py":
            # The package putting itself together (see the module docstring).
            targets = {t for t in targets if t.rpartition(".")[0] != here}
        graph[here] = targets - {here}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_module_of_engage_is_in_an_import_cycle():
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    # The check itself, on a made-up graph: a -> b -> c -> a, and d on its own.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def _private_imports(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        own_package = _package_of(_module_name(path))
        for module, name, line in _imports(path):
            if not (module == "engage" or module.startswith("engage.")):
                continue
            imported = name or module.rpartition(".")[2]
            private = imported.startswith("_") and not imported.startswith("__")
            if private and _package_of(module) != own_package:
                found.append(f"{path.relative_to(ROOT)}:{line} takes {module}.{imported}")
    return found


def test_no_module_imports_another_packages_private_names():
    assert _private_imports(_engage_files()) == []


def test_no_test_imports_a_private_name_of_engage():
    tests = sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "benchmarks").rglob("*.py"))
    assert _private_imports(tests) == []


def test_the_wings_do_not_import_each_other():
    # The respondent wing and the staff wing share rules through engage's other modules only.
    for module, targets in _graph().items():
        for wing, other in (("respondent", "staff"), ("staff", "respondent")):
            if module.startswith(f"engage.{wing}"):
                assert not any(t.startswith(f"engage.{other}") for t in targets), module


def test_no_room_imports_the_wing_it_belongs_to():
    # A wing's parent imports its rooms to register them; a room importing the parent back
    # would close a cycle. What rooms share lives in a module of its own (binding.py, ...).
    for wing in ("engage.respondent", "engage.staff"):
        for module, targets in _graph().items():
            if module.startswith(f"{wing}."):
                assert wing not in targets, module
