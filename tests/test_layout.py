"""The layout itself: no import cycles inside the package, no private names used from outside
the module that defines them, and no absolute paths in the bench and build scripts."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "unspin"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path) -> set[str]:
    """unspin modules imported when ``path`` is imported (not those imported inside functions)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If):  # if TYPE_CHECKING: ... never runs
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("unspin"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("unspin"):
            # "from unspin.families import wordnet" needs the submodule; anything else, the module
            found.update(f"{node.module}.{alias.name}" if (PACKAGE.parent / node.module.replace(".", "/")
                         / f"{alias.name}.py").exists() else node.module for alias in node.names)
    return found


def test_layout_has_no_import_cycles():
    # ``unspin`` itself is left out: the facade sets __version__ before it imports anything,
    # and the modules that import ``__version__`` from it need nothing else
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py") if module_name(path) != "unspin"}
    graph = {name: {m for m in top_level_imports(path) if m in modules and m != name}
             for name, path in modules.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                raise AssertionError("import cycle: " + " -> ".join(trail + [name, other]))
            elif other not in state:
                visit(other, trail + [name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def private_uses(path: Path) -> list[str]:
    """``_name``s that a test or script takes from an unspin module (or a bench script)."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [f"{node.module}.{a.name}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
    return found


def test_layout_tests_and_scripts_use_no_private_names():
    files = [*(ROOT / "tests").glob("*.py"), *(ROOT / "bench").glob("*.py"), *(ROOT / "scripts").glob("*.py")]
    assert {str(path.relative_to(ROOT)): private_uses(path) for path in files if private_uses(path)} == {}


def test_layout_bench_and_scripts_have_no_absolute_paths():
    files = [*(ROOT / "bench").glob("*.py"), *(ROOT / "scripts").glob("*.py")]
    assert [str(path.relative_to(ROOT)) for path in files if "/work/" in path.read_text(encoding="utf-8")] == []
