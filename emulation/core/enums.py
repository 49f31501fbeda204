"""The base of every area's states and kinds: a `StrEnum` whose members carry their
translated label (pretalx's `submission/enums.py` habit). Each area keeps its own in its
`enums.py`; the value is what the database stores."""
from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """`class State(LabelledEnum): DRAFT = "draft", _l("Draft")` — a str equal to its value,
    with `.label` (lazy-translated)."""

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The stored values, in declaration order."""
        return tuple(m.value for m in cls)

    @classmethod
    def labels(cls) -> dict[str, object]:
        """value → translated label, for templates and exports."""
        return {m.value: m.label for m in cls}

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        """(value, label) pairs for a WTForms `SelectField`."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def sql_in(cls) -> str:
        """`'a', 'b'` for a CheckConstraint's `IN (...)`."""
        return ", ".join(f"'{m.value}'" for m in cls)
