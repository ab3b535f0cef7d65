"""Layering rules that keep one writer (DESIGN §2, STYLE "Dialect adapters")."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
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


def test_the_layer_checks_see_the_dialects():
    assert {path.parent.name for path in DIALECT_MODULES} >= {"native", "keyed"}
