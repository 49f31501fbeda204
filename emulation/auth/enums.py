"""The roles a grant gives."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class Role(LabelledEnum):
    """Vai trò: held on a unit (and its subtree); only `admin` is organisation-wide."""

    ADMIN = "admin", _l("Administrator")
    ORGANISER = "organiser", _l("Organiser")
    UNIT_OFFICER = "unit_officer", _l("Unit officer")
    SCORER = "scorer", _l("Scorer")
    COUNCIL_MEMBER = "council_member", _l("Council member")
    COUNCIL_SECRETARY = "council_secretary", _l("Council secretary")
    VIEWER = "viewer", _l("Viewer")


TEMPLATE_LABELS = {"ROLE_LABELS": Role.labels()}
