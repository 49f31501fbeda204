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
