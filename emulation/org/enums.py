"""Kinds of units and the genders of people."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class UnitKind(LabelledEnum):
    """Loại đơn vị: where a unit sits in the trade-union tree."""

    UNION = "union", _l("Trade union (top level)")
    UPPER_GRASSROOTS = "upper_grassroots", _l("Upper-level grassroots union")
    GRASSROOTS = "grassroots", _l("Grassroots union")
    TEAM = "team", _l("Union team")
    DEPARTMENT = "department", _l("Department")
    ENTERPRISE = "enterprise", _l("Enterprise")
    OTHER = "other", _l("Other")


class Gender(LabelledEnum):
    MALE = "male", _l("Male")
    FEMALE = "female", _l("Female")


TEMPLATE_LABELS = {"GENDER_LABELS": Gender.labels(), "UNIT_KIND_LABELS": UnitKind.labels()}
