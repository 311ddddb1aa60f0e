"""Every vendor package has the rooms of docs/adding-a-vendor.md, and nothing else at its top level."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.vendors import registry

ROOMS = {"__init__", "blueprint", "auth", "errors", "model", "schemas", "generate"}
OPTIONAL = {"control"}
VENDORS = list(registry())


def _folder(name: str) -> Path:
    return Path(sys.modules[type(registry()[name]).__module__].__file__).parent


def _modules(name: str) -> dict[str, Path]:
    """Top-level module name -> its file(s) (a package room counts as one module)."""
    found = {}
    for path in sorted(_folder(name).iterdir()):
        if path.suffix == ".py":
            found[path.stem] = [path]
        elif path.is_dir() and (path / "__init__.py").is_file():
            found[path.name] = sorted(path.rglob("*.py"))
    return found


def _trees(paths):
    for path in paths:
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("name", VENDORS)
def test_the_fixed_rooms_are_there(name):
    missing = ROOMS - set(_modules(name))
    assert not missing, f"{name} lacks {sorted(missing)} (docs/adding-a-vendor.md)"
    generate = importlib.import_module(f"mockserver.vendors.{name}.generate")
    assert callable(getattr(generate, "generate", None)), f"{name}.generate has no generate(fake, scale, progress)"


@pytest.mark.parametrize("name", VENDORS)
def test_every_other_module_is_a_resource_family_with_routes(server, name):
    app = server.core.vendor_apps[name]
    with_routes = {view.__module__.split(".")[3] for view in app.view_functions.values()
                   if view.__module__.startswith(f"mockserver.vendors.{name}.")}
    others = set(_modules(name)) - ROOMS - OPTIONAL
    assert others <= with_routes, f"{name}: {sorted(others - with_routes)} are neither rooms nor resource modules"
    assert with_routes, name


@pytest.mark.parametrize("name", VENDORS)
def test_errors_are_named_in_errors_py_only(name):
    inline = []
    for module, paths in _modules(name).items():
        if module == "errors":
            continue
        for path, tree in _trees(paths):
            inline += [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
                       if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "VendorError"]
    assert not inline, f"{name} builds VendorError outside errors.py: {inline}"


@pytest.mark.parametrize("name", VENDORS)
def test_the_model_knows_nothing_of_flask(name):
    for path, tree in _trees(_modules(name)["model"]):
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            assert not any(n.split(".")[0] in ("flask", "werkzeug") for n in names), f"{path}:{node.lineno}"


def _edges(name: str) -> dict[str, set[str]]:
    """Which top-level modules of the package each one imports (relative imports only)."""
    modules = _modules(name)
    edges = {module: set() for module in modules}
    for module, paths in modules.items():
        for path, tree in _trees(paths):
            depth = 1 + len(path.relative_to(_folder(name)).parts) - 1  # level that reaches the package root
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom) or node.level != depth:
                    continue
                if node.module:
                    edges[module].add(node.module.split(".")[0])
                else:
                    edges[module] |= {a.name for a in node.names if a.name in modules}
    for module in edges:
        edges[module].discard(module)
    return edges


@pytest.mark.parametrize("name", VENDORS)
def test_imports_go_one_way(name):
    edges = _edges(name)
    assert not any("__init__" in targets for targets in edges.values() if targets), \
        f"{name}: a module imports from the package root"
    seen, stack = set(), []

    def visit(module):
        if module in stack:
            raise AssertionError(f"{name}: import cycle {' -> '.join(stack[stack.index(module):] + [module])}")
        if module in seen or module not in edges:
            return
        stack.append(module)
        for target in sorted(edges[module]):
            visit(target)
        stack.pop()
        seen.add(module)

    for module in sorted(edges):
        visit(module)


@pytest.mark.parametrize("name", VENDORS)
def test_any_module_can_be_imported_first(name):
    """Each module imported first into a package forgotten by the interpreter (one process per vendor:
    the core stays loaded, the vendor's own modules start from nothing every time)."""
    package = f"mockserver.vendors.{name}"
    modules = sorted(set(_modules(name)) - {"__init__"})
    code = (
        "import importlib, sys\n"
        f"package, name = {package!r}, {name!r}\n"
        f"for module in {modules!r}:\n"
        "    for loaded in [m for m in sys.modules if m == package or m.startswith(package + '.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(f'{package}.{module}')\n"
        "        assert sys.modules[package].VENDOR.name == name\n"
        "    except Exception as exc:\n"
        "        sys.exit(f'{package}.{module} first: {type(exc).__name__}: {exc}')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-800:]
