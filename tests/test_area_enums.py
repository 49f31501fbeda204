"""Kinds, genders, roles and sheet kinds live next to their models as LabelledEnums."""
from emulation.auth.enums import Role
from emulation.auth.forms import GrantForm
from emulation.auth.models import ROLES, RoleGrant
from emulation.core import formatting
from emulation.org.enums import Gender, UnitKind
from emulation.org.forms import PersonForm, UnitCreateForm
from emulation.org.models import GENDERS, UNIT_KINDS, Person
from emulation.scoring.enums import SheetKind, SheetState
from emulation.scoring.models import SHEET_KINDS, ScoreSheet


def _constraint(model, name):
    return next(str(c.sqltext) for c in model.__table__.constraints
                if c.name and c.name.endswith(name))


def test_models_take_their_values_and_constraints_from_the_enums():
    assert UNIT_KINDS == UnitKind.values() and GENDERS == Gender.values()
    assert ROLES == Role.values() and SHEET_KINDS == SheetKind.values()
    # the constraints' text is what the migrations created
    assert _constraint(Person, "gender_known") == \
        "gender IS NULL OR gender IN ('male', 'female')"
    assert _constraint(RoleGrant, "role_known") == (
        "role IN ('admin', 'organiser', 'unit_officer', 'scorer', 'council_member', "
        "'council_secretary', 'viewer')")
    assert _constraint(ScoreSheet, "kind_known") == "scorer_kind IN ('self', 'peer', 'council')"
    assert _constraint(ScoreSheet, "state_known") == \
        f"state IN ({SheetState.sql_in()})" == "state IN ('draft', 'submitted')"


def test_labels_reach_templates_under_their_old_names_and_leave_core(app):
    for name, enum in (("GENDER_LABELS", Gender), ("UNIT_KIND_LABELS", UnitKind),
                       ("ROLE_LABELS", Role), ("SHEET_KIND_LABELS", SheetKind)):
        assert app.jinja_env.globals[name] == enum.labels()
        assert not hasattr(formatting, name)
    with app.test_request_context():
        assert str(app.jinja_env.globals["ROLE_LABELS"]["unit_officer"]) == "Cán bộ đơn vị"


def test_forms_offer_the_enums_choices(app):
    with app.test_request_context():
        assert [v for v, _ in UnitCreateForm(formdata=None).kind.choices] == list(UNIT_KINDS)
        assert [v for v, _ in PersonForm(formdata=None).gender.choices] == ["", *GENDERS]
        assert [v for v, _ in GrantForm(formdata=None).role.choices] == list(ROLES)
