"""Which passwords are too easy to guess (ASVS 2.1.7, NIST SP 800-63B 5.1.1.2): too short, a
common password (or one with digits and signs stuck on its ends), a repetition or a keyboard
or alphabet sequence, or one that contains the username. Pure: no Flask, no database.

`common_passwords.txt` is `Passwords/Common-Credentials/10k-most-common.txt` of SecLists
(https://github.com/danielmiessler/SecLists, commit 4f84b3c, MIT licence, © Daniel Miessler
and contributors), kept as it is apart from line endings.
"""
from __future__ import annotations

import re
import string
from functools import cache
from pathlib import Path

SHORT, COMMON, PATTERN, USERNAME = "short", "common", "pattern", "username"

# Words of this application's context: common here whatever the lists say.
CONTEXT_WORDS = frozenset({"thidua", "thiduakhenthuong", "khenthuong", "matkhau", "password",
                           "anhyeuem", "emyeuanh", "admin", "administrator"})
# Rows of characters people type in order; a password inside one of them (either way) is a
# sequence, wrapping around included.
SEQUENCES = ("0123456789", string.ascii_lowercase, "qwertyuiopasdfghjklzxcvbnm",
             "1234567890-=", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp")
_ENDS = string.digits + string.punctuation + string.whitespace
_REPEATED = re.compile(r"(.+?)\1+", re.DOTALL)
MIN_DISTINCT = 5


def weakness(password: str, *, username: str = "", min_length: int = 12) -> str | None:
    """Why `password` is refused (SHORT, USERNAME, PATTERN or COMMON), or None."""
    password = password or ""
    if len(password) < min_length:
        return SHORT
    lowered = password.lower()
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in lowered:
        return USERNAME
    if _is_pattern(lowered):
        return PATTERN
    if _is_common(lowered):
        return COMMON
    return None


def _is_pattern(lowered: str) -> bool:
    if len(set(lowered)) < MIN_DISTINCT or _REPEATED.fullmatch(lowered):
        return True
    return any(lowered in row * 3 or lowered[::-1] in row * 3 for row in SEQUENCES)


def _is_common(lowered: str) -> bool:
    core = lowered.strip(_ENDS)
    words = common_passwords()
    return lowered in words or bool(core and (core in words or core in CONTEXT_WORDS))


@cache
def common_passwords() -> frozenset[str]:
    """The list, read once per process."""
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text("utf-8").splitlines()
                     if line.strip())
