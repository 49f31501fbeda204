"""Kinds and states of score sheets."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class SheetKind(LabelledEnum):
    """Who fills a score sheet: the unit itself, a peer unit, or a council scorer."""

    SELF = "self", _l("Self-scoring")
    PEER = "peer", _l("Peer scoring")
    COUNCIL = "council", _l("Council")


class SheetState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")


TEMPLATE_LABELS = {"SHEET_KIND_LABELS": SheetKind.labels()}
