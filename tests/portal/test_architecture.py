"""The layers of docs/architecture.md, checked on the imports of every module of the core."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "portal"

#: Each layer may import from the layers before it in this list, and from itself.
LAYERS = ["models", "services", "accounts", "web", "pages", "kit", "app"]
#: The foundation every layer stands on: the extensions, settings, the plugin host and the contract.
FOUNDATION = {"app.extensions", "app.config", "app.plugins", "app.plugin_types", "hookspecs"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "portal":
                found.update(f"portal.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _layer_of(module: str) -> str | None:
    """'portal.services.audit' -> 'services'; foundation modules and create_app -> None."""
    parts = module.split(".")
    if parts[0] != "portal" or len(parts) == 1:
        return None
    if ".".join(parts[1:3]) in FOUNDATION or parts[1] in FOUNDATION or parts[1] == "create_app":
        return None
    return parts[1]


def test_every_module_sits_in_a_layer():
    loose = [p.name for p in CORE.glob("*.py") if p.name not in ("__init__.py", "hookspecs.py")]
    assert loose == [], f"modules outside the layers of docs/architecture.md: {loose}"
    assert {p.name for p in CORE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} <= set(LAYERS)


def test_layers_import_only_what_lies_below_them():
    wrong = []
    for path in CORE.rglob("*.py"):
        relative = path.relative_to(CORE)
        own = relative.parts[0].removesuffix(".py")
        if own not in LAYERS:
            continue
        for module in _imports(path):
            if module.split(".")[0] == "plugins":
                wrong.append(f"{relative}: imports the plugin {module} (the core knows no plugin)")
            other = _layer_of(module)
            if other is None or other == own:
                continue
            if other not in LAYERS or LAYERS.index(other) > LAYERS.index(own):
                wrong.append(f"{relative} ({own}) imports {module} ({other})")
    assert wrong == []


def test_the_core_never_leans_on_the_kit():
    """The kit is the plugins' door into the core; the core itself goes straight to its layers."""
    users = [str(p.relative_to(CORE)) for p in CORE.rglob("*.py")
             if p.relative_to(CORE).parts[0] not in ("kit",)
             and any(m == "portal.kit" or m.startswith("portal.kit.") for m in _imports(p))]
    assert users == []
