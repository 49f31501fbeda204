"""The three answers of an eligibility check."""
from flask_babel import lazy_gettext as _l

# True / False / None (qualitative criteria, or the records do not say): not a StrEnum, the
# engine answers a bool
ELIGIBILITY_LABELS = {True: _l("eligible"), False: _l("not eligible"),
                      None: _l("for the council to judge, or data missing")}

TEMPLATE_LABELS = {"ELIGIBILITY_LABELS": ELIGIBILITY_LABELS}
