"""The shape of the code (STYLE.md): thin views, one blueprint module per awards sub-domain."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "emulation"
FORBIDDEN_IN_VIEWS = re.compile(r"\bselect\(|\bdb\.session\b|\bcommit\(")


def test_views_run_no_queries_and_commit_nothing():
    """Views parse, call a service and render: no `select(`, `db.session` or `commit(`."""
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in sorted(ROOT.rglob("views.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if FORBIDDEN_IN_VIEWS.search(line)]
    assert not offenders, offenders


def test_awards_sub_domains_each_have_their_modules():
    for name in ("catalogue", "eligibility", "records", "nominations", "councils", "decisions",
                 "certificates"):
        package = ROOT / "awards" / name
        for module in ("services.py", "views.py", "enums.py"):
            assert (package / module).exists() or name == "eligibility" and module == "enums.py"
    assert (ROOT / "awards" / "eligibility" / "engine.py").exists()
    assert (ROOT / "awards" / "decisions" / "cash.py").exists()


def test_the_engine_and_cash_are_pure():
    """No Flask and no database in the pure modules."""
    for path in (ROOT / "awards" / "eligibility" / "engine.py",
                 ROOT / "awards" / "decisions" / "cash.py", ROOT / "core" / "numbers.py",
                 ROOT / "awards" / "certificates" / "pdf.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (flask|sqlalchemy|emulation\.extensions)",
                             text, re.M), path
