"""Forms of the administration pages that are the admin area's own."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Optional

from emulation.core.forms import DateField, Form, IntegerField, NumberRange
from emulation.core.text import clean


class AuditFilterForm(Form):
    """The audit log's filters, read from the query string (`?actor=…&from=2026-01-31`)."""

    class Meta(Form.Meta):
        csrf = False

    actor = StringField(_l("Who"), filters=[lambda v: clean(v)[:64]])
    action = StringField(_l("Action"), filters=[lambda v: clean(v)[:64]])
    object_type = StringField(_l("Record type"), filters=[lambda v: clean(v)[:40]])
    object_id = IntegerField(_l("Record"), validators=[Optional(),
                                                       NumberRange(min=1, max=2**31 - 1)])
    q = StringField(_l("Text"), filters=[lambda v: clean(v)[:100]])
    date_from = DateField(_l("From"), validators=[Optional()], name="from")
    date_to = DateField(_l("To"), validators=[Optional()], name="to")
