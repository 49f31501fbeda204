"""How a certificate is printed, and the fields printed on a pre-printed blank."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class CertificateMode(LabelledEnum):
    """The full design on plain paper, or only the variable text on a pre-printed blank
    (phôi bằng khen)."""

    DESIGN = "design", _l("Full design on plain paper")
    BLANK = "blank", _l("Text only, on pre-printed blanks")


class CertificateField(LabelledEnum):
    """The variable text of a certificate, each placed on a blank at its own position."""

    SUBJECT = "subject", _l("Name")
    UNIT = "unit", _l("Unit")
    AWARD = "award", _l("Award")
    DECISION = "decision", _l("Decision number and date")
    DATE = "date", _l("Date in words")
    SIGNER = "signer", _l("Signer")


TEMPLATE_LABELS = {"CERTIFICATE_MODE_LABELS": CertificateMode.labels(),
                   "CERTIFICATE_FIELD_LABELS": CertificateField.labels()}
