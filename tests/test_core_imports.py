"""`core/` is what every area uses: it imports no area (STYLE.md), only core and extensions."""
import ast
from pathlib import Path

import emulation

CORE = Path(emulation.__file__).parent / "core"
ALLOWED = ("emulation.core", "emulation.extensions")


def _imports(tree: ast.AST):
    for node in ast.walk(tree):  # walks into functions too: a late import is an import
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            if node.module == "emulation":  # `from emulation import org`
                for alias in node.names:
                    yield node.lineno, f"emulation.{alias.name}"


def _is_area(name: str) -> bool:
    return name.startswith("emulation.") and not any(
        name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED)


def test_core_imports_no_area():
    found = []
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [f"{path.name}:{line} {name}" for line, name in _imports(tree)
                  if _is_area(name)]
    assert found == []


def test_the_check_sees_late_and_package_imports():
    tree = ast.parse("def f():\n    from emulation.org.models import Unit\n"
                     "from emulation import api\nimport emulation.core.text\n")
    assert sorted(name for _, name in _imports(tree) if _is_area(name)) == [
        "emulation.api", "emulation.org.models"]


def _late_imports(tree: ast.AST, only: str | None = None) -> list[str]:
    """`function:line` of each import inside a function (of `only`, when named)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and \
                (only is None or node.name == only):
            found += [f"{node.name}:{inner.lineno}" for inner in ast.walk(node)
                      if isinstance(inner, ast.Import | ast.ImportFrom)]
    return found


def test_the_home_tasks_import_at_module_level():
    """The navigation's task count (`emulation._tasks`) and the home page's task lists
    (main/services.py) import what they use at the top: no import cycle asks for a late
    import there (nothing imports emulation.main but the app factory)."""
    root = Path(emulation.__file__).parent
    package = ast.parse((root / "__init__.py").read_text(encoding="utf-8"))
    main = ast.parse((root / "main" / "services.py").read_text(encoding="utf-8"))
    assert _late_imports(package, "_tasks") == []
    assert _late_imports(main) == []
