"""The decision's papers as Word documents: the decision draft, the submission memo (tờ
trình) and the minutes (biên bản), each filled from the issuing unit's template (see
awards/documents: its own upload or the default of its style, trade union or state body)."""
from __future__ import annotations

from emulation.awards.documents import services as documents


def decision_draft(decision, rows: list[dict]) -> bytes:
    return documents.decision_document(decision, rows)


def submission_memo(meeting, rows: list[dict], today) -> bytes:
    """Tờ trình: the list of nominations carried to the council meeting."""
    return documents.memo_document(meeting, rows, today)


def minutes(meeting, rows: list[dict]) -> bytes:
    """Biên bản: attendance and the tally of each agenda item. A row's optional `written` is
    the number of its votes given as written opinions of absent members (phiếu ý kiến bằng
    văn bản); when any, the minutes say so and the table shows them per item."""
    return documents.minutes_document(meeting, rows)
