"""The URL blueprints of the awards area.

Their names predate the split into sub-domains and templates link with them
(`awards.award`, `decisions.honours`…), so each sub-domain's views add their routes to the
blueprint whose endpoint names they keep:

- `awards`: the catalogue (catalogue/), record imports (records/), eligibility (eligibility/)
- `nominations`: nominations/
- `councils`: councils/ (councils, meetings, the ballot)
- `decisions`: publication and objections, decisions (decisions/), the honour roll (records/)
"""
from __future__ import annotations

from flask import Blueprint

awards = Blueprint("awards", __name__)
nominations = Blueprint("nominations", __name__, url_prefix="/nominations")
councils = Blueprint("councils", __name__)
decisions = Blueprint("decisions", __name__)
documents = Blueprint("documents", __name__)


def register(app) -> None:
    """Attach every sub-domain's routes, then register the four blueprints."""
    import emulation.awards.catalogue.views
    import emulation.awards.certificates.views
    import emulation.awards.councils.views
    import emulation.awards.decisions.views
    import emulation.awards.documents.views
    import emulation.awards.eligibility.views
    import emulation.awards.nominations.views
    import emulation.awards.records.views  # noqa: F401

    for bp in (awards, nominations, councils, decisions, documents):
        app.register_blueprint(bp)


def register_models() -> None:
    """Import every sub-domain's models so that metadata (and Alembic) sees them all."""
    import emulation.awards.catalogue.models
    import emulation.awards.certificates.models
    import emulation.awards.councils.models
    import emulation.awards.decisions.models
    import emulation.awards.documents.models
    import emulation.awards.eligibility.models
    import emulation.awards.nominations.models
    import emulation.awards.records.models  # noqa: F401
