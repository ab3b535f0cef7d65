"""Layering rules that keep one writer (DESIGN §2, STYLE "Dialect adapters") and a house
whose imports only run downwards:

    models → foundations → nested kinds → engine (and reads) → api/auth → surfaces → project

A module imports modules of its own layer or lower ones, and no import cycle exists.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Module name prefixes → layer (the longest matching prefix decides; 0 is the ground).
LAYERS = {
    "contacts.models": 0,
    "paths.models": 0,
    "attributes.models": 0,
    "attributes.types": 0,
    "contacts.ids": 0,
    "contacts.db": 0,
    "contacts.db_json": 0,
    "contacts.foundations": 1,
    "contacts.addresses": 2,
    "paths.services": 2,
    "attributes.services": 2,
    "contacts.services": 3,
    "contacts.selectors": 3,
    "contacts.documents": 3,
    "contacts.filters": 3,
    "paths.selectors": 3,
    "attributes.selectors": 3,
    "contacts.api": 4,
    "contacts.auth": 4,
    "contacts.dialects": 5,
    "contacts.admin": 5,
    "contacts.reference": 5,
    "contacts.management": 5,
    "contacts.benchmark": 5,
    "contacts.observability": 5,
    "contacts.webhooks": 5,
    "paths.admin": 5,
    "paths.serializers": 5,
    "paths.views": 5,
    "attributes.admin": 5,
    "attributes.serializers": 5,
    "attributes.views": 5,
    "contacts.apps": 5,
    "paths.apps": 5,
    "attributes.apps": 5,
    "contacts": 5,
    "paths": 5,
    "attributes": 5,
    "contacts_project": 6,
}
DIALECT_MODULES = sorted((ROOT / "contacts" / "dialects").rglob("*.py"))
PROJECT_APPS = {"contacts", "paths", "attributes"}
WRITE_CALLS = {"save", "delete", "bulk_create", "bulk_update", "update_or_create", "get_or_create", "create", "update"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", DIALECT_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dialect_adapters_never_import_models(path):
    project = {name for name in imported_modules(path) if name.split(".")[0] in PROJECT_APPS}
    models = {name for name in project if name.endswith(".models") or ".models." in name}

    assert not models, f"{path.name} imports {models}: adapters translate, the engine and selectors touch models"


@pytest.mark.parametrize("path", DIALECT_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dialect_adapters_never_call_orm_writes(path):
    tree = ast.parse(path.read_text())
    writes = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITE_CALLS
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "objects"
    ]

    assert not writes, f"{path.name} writes through the ORM at lines {writes}"


def project_modules() -> dict[str, Path]:
    """Every importable module of the product (tests and migrations left out)."""
    modules = {}
    for top in ("contacts", "paths", "attributes", "contacts_project"):
        for path in (ROOT / top).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = project_modules()


def imports_of(name: str) -> set[str]:
    """The project modules a module imports (``from a.b import c`` counts ``a.b.c`` when
    that is a module, else ``a.b``)."""
    found = set()
    for imported in imported_modules(MODULES[name]):
        while imported and imported not in MODULES:
            imported = imported.rpartition(".")[0]
        if imported and imported != name:
            found.add(imported)
    return found


def layer_of(name: str) -> int:
    prefix = max((p for p in LAYERS if name == p or name.startswith(p + ".")), key=len, default=None)
    assert prefix is not None, f"{name} has no layer: add it to LAYERS"
    return LAYERS[prefix]


GRAPH = {name: imports_of(name) for name in MODULES}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_never_run_up_a_layer(name):
    upward = {target for target in GRAPH[name] if layer_of(target) > layer_of(name)}

    assert not upward, f"{name} (layer {layer_of(name)}) imports higher layers: {sorted(upward)}"


def strongly_connected(graph: dict[str, set[str]]) -> Iterator[list[str]]:
    """Tarjan's algorithm: the import cycles, each as its modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> Iterator[list[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                yield from visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                yield sorted(component)

    for node in sorted(graph):
        if node not in index:
            yield from visit(node)


def package_free(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without a package's imports of its own submodules (an ``__init__`` that
    hands names on is not a cycle with the modules it lists)."""
    return {name: {t for t in targets if not t.startswith(name + ".")} for name, targets in graph.items()}


def test_no_import_cycles():
    assert list(strongly_connected(package_free(GRAPH))) == []


def test_the_checks_catch_an_upward_import_and_a_cycle():
    assert layer_of("contacts.foundations.sql") < layer_of("contacts.services.engine")
    assert list(strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()})) == [["a", "b", "c"]]


def test_the_layer_checks_see_the_dialects():
    assert {path.parent.name for path in DIALECT_MODULES} >= {"native", "keyed"}
