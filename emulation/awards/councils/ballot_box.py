"""The sealed ballot box of a secret ballot (bỏ phiếu kín): each choice is encrypted.

Secrecy by construction. A vote writes two rows that share nothing but the agenda item: that
the member has voted (`BallotParticipation`) and a sealed paper (`BallotPaper`) — the choice
encrypted with AES-256-GCM under the ballot's own key, a random nonce, the item as associated
data, a random primary key, no member, no time. No counter changes while the ballot is open.

The ballot's key is never stored: it is derived (HKDF-SHA256) from the application's secret
key and a random salt of the meeting, kept only while the ballot is open. Closing opens the
papers, stores the totals, deletes the papers and wipes the salt; what is left in the
database's WAL, its old row versions or a backup is ciphertext that only the secret key and
that salt together could open — and the secret key is never in the database.

What this does not protect against (the README's threat model): someone who holds the
application's secret key and a copy of the database taken while the ballot was open, or who
controls the running server while votes are cast.
"""
from __future__ import annotations

import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from emulation.awards.councils.enums import Choice

SALT_BYTES = 32
NONCE_BYTES = 12
# One byte per choice: every plaintext has the same length, so every paper has the same size.
_CODES = {Choice.AGREE.value: b"\x01", Choice.DISAGREE.value: b"\x02",
          Choice.ABSTAIN.value: b"\x03"}
_CHOICES = {code: choice for choice, code in _CODES.items()}
PAPER_BYTES = NONCE_BYTES + 1 + 16  # nonce, one encrypted byte, the GCM tag


class UnreadablePaper(Exception):
    """A paper that does not open under the ballot's key (the secret key changed while the
    ballot was open, or the row was tampered with)."""


def new_salt() -> bytes:
    """A fresh random salt for one ballot (32 bytes)."""
    return secrets.token_bytes(SALT_BYTES)


def new_paper_id() -> str:
    """A random primary key for a paper (32 hex characters): it carries no order."""
    return secrets.token_hex(16)


def ballot_key(secret_key: str | bytes, salt: bytes, meeting_id: int) -> bytes:
    """The 32-byte AES key of one meeting's ballot: HKDF-SHA256 of the application's secret
    key, with the ballot's salt, bound to the meeting. Never stored."""
    if isinstance(secret_key, str):
        secret_key = secret_key.encode("utf-8")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"thidua secret ballot, meeting %d" % meeting_id).derive(secret_key)


def _aad(item_id: int) -> bytes:
    return b"agenda item %d" % item_id


def seal(key: bytes, item_id: int, choice: str) -> bytes:
    """The sealed paper of one choice on one agenda item: nonce ‖ ciphertext ‖ tag,
    `PAPER_BYTES` long whatever the choice. KeyError for an unknown choice."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, _CODES[choice], _aad(item_id))


def unseal(key: bytes, item_id: int, paper: bytes) -> str:
    """The choice sealed in a paper of this item. UnreadablePaper if it does not open."""
    try:
        code = AESGCM(key).decrypt(paper[:NONCE_BYTES], paper[NONCE_BYTES:], _aad(item_id))
    except (InvalidTag, ValueError):
        raise UnreadablePaper from None
    if code not in _CHOICES:
        raise UnreadablePaper
    return _CHOICES[code]
