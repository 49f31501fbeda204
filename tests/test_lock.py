"""The lock files: every package pinned with hashes, from an index (no local file), and the dev
lock holding the app's packages at the app lock's versions."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?)==(\S+)(?:\s*;\s*(.+?))?\s*\\?$")


def test_every_package_is_pinned_with_hashes_from_an_index():
    for name in ("requirements.txt", "requirements-dev.txt"):
        text = (ROOT / name).read_text()
        assert not re.search(r"file:|^\s*(-e|--find-links|-f |--index-url|--extra-index-url)|"
                             r"(^|\s)(/|\./|\.\./)\S", text, re.MULTILINE), name
        pins = _pins(name)
        assert len(pins) > 10, name
        for (package, _marker), (_version, hashes) in pins.items():
            assert hashes, f"{name}: {package} has no hash"


def test_dev_lock_holds_the_app_lock_versions():
    app, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    different = {key: (app[key][0], dev.get(key, ("missing",))[0]) for key in app
                 if key not in dev or dev[key][0] != app[key][0]}
    assert not different, different


def test_ruff_is_pinned_exactly():
    assert re.search(r"^ruff==\d+\.\d+\.\d+$", (ROOT / "requirements-dev.in").read_text(),
                     re.MULTILINE)


def _pins(name: str) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """{(package, environment marker): (version, hashes)} of a lock file."""
    pins: dict = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():
            match = PIN.match(stripped)
            assert match, f"{name}: not a pinned requirement: {line}"
            package, version, marker = match.groups()
            current = (package.lower(), marker or "")
            pins[current] = (version, [])
        elif stripped.startswith("--hash=sha256:"):
            pins[current][1].append(stripped.split(":", 1)[1].rstrip(" \\"))
    return pins
