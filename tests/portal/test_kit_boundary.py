"""Plugins import Portal only through the kit (portal.kit), as `matching` imports no Flask."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_TREES = [ROOT / "plugins", ROOT / "tests" / "sample_plugin"]


def _portal_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "portal":
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] == "portal"]
    return found


def test_plugins_import_portal_only_through_the_kit():
    wrong = []
    for tree in PLUGIN_TREES:
        for path in tree.rglob("*.py"):
            if "migrations" in path.parts:
                continue  # Alembic revisions import alembic and sqlalchemy only
            wrong += [f"{path.relative_to(ROOT)}: {module}" for module in _portal_imports(path)
                      if module != "portal.kit"]
    assert wrong == []


def test_a_plugin_never_imports_another():
    wrong = []
    for plugin in (ROOT / "plugins").iterdir():
        if not (plugin / "__init__.py").exists():
            continue
        for path in plugin.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                module = node.module if isinstance(node, ast.ImportFrom) and node.module else ""
                parts = module.split(".")
                if parts[0] == "plugins" and len(parts) > 1 and parts[1] != plugin.name:
                    wrong.append(f"{path.relative_to(ROOT)}: {module}")
    assert wrong == []


def test_the_kit_lists_what_it_offers():
    import portal.kit as kit

    assert sorted(kit.__all__) == sorted(set(kit.__all__))
    assert all(hasattr(kit, name) for name in kit.__all__)
