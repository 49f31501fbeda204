"""Pages of the unit tree and of people: thin handlers that parse, call a service, render."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from emulation.core import permissions as perms
from emulation.core.audit import AuditEvent
from emulation.core.errors import NotFound, ServiceError, StaleRecord
from emulation.core.tabular import TableError, read_table
from emulation.core.text import clean
from emulation.core.web import attempt, flash_form_errors, int_arg, page_arg, xlsx_response
from emulation.extensions import db
from emulation.org import exports, importers, services
from emulation.org.forms import (
    ImportForm,
    PersonForm,
    UnitCreateForm,
    UnitEditForm,
    UnitMoveForm,
    VersionForm,
)
from emulation.org.models import Person, Unit

bp = Blueprint("org", __name__)
PER_PAGE = 50


# --- units ---------------------------------------------------------------------------------

@bp.route("/units/")
@perms.roles_required(*perms.VIEW_UNITS)
def units():
    q = clean(request.args.get("q", ""))[:100]
    include_inactive = request.args.get("inactive") == "1"
    stmt = services.units_query(current_user, q, include_inactive).options(
        joinedload(Unit.parent))
    pagination = db.paginate(stmt, page=page_arg(), per_page=PER_PAGE, error_out=False)
    return render_template("org/units.html", pagination=pagination, q=q,
                           include_inactive=include_inactive,
                           can_manage=perms.can_any(current_user, perms.MANAGE_UNITS))


@bp.route("/units/<int:unit_id>")
@perms.roles_required(*perms.VIEW_UNITS)
def unit_detail(unit_id: int):
    return _unit_page(_unit_or_404(unit_id))


def _unit_page(unit: Unit, status: int = 200, edit_form=None, move_form=None):
    children = db.session.scalars(select(Unit).where(Unit.parent_id == unit.id)
                                  .order_by(Unit.active.desc(), Unit.code)).all()
    people_count = None
    if perms.covers(current_user, unit, perms.VIEW_PEOPLE):
        people_count = db.session.scalar(select(func.count(Person.id)).where(
            Person.unit_id == unit.id, Person.active.is_(True)))
    history = []
    if current_user.is_admin:
        history = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "unit", AuditEvent.object_id == unit.id)
            .order_by(AuditEvent.id.desc()).limit(20)).all()
    ancestors = db.session.scalars(select(Unit).where(Unit.id.in_(unit.ancestor_ids))
                                   .order_by(Unit.depth)).all()
    can_manage = perms.covers(current_user, unit, perms.MANAGE_UNITS)
    if can_manage and edit_form is None:
        edit_form = UnitEditForm(obj=unit, formdata=None)
        edit_form.version.data = unit.version
    if can_manage and unit.parent and move_form is None:
        move_form = UnitMoveForm(formdata=None, version=unit.version)
    return render_template(
        "org/unit_detail.html", unit=unit, children=children, people_count=people_count,
        history=history, ancestors=ancestors, can_manage=can_manage, edit_form=edit_form,
        move_form=move_form, version_form=VersionForm(formdata=None, version=unit.version),
        can_delete=can_manage and not services.unit_has_history(unit)), status


@bp.route("/units/new", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def unit_create():
    form = UnitCreateForm()
    status = 200
    if request.method == "GET" and int_arg("parent"):
        parent = db.session.get(Unit, int_arg("parent"))
        if parent is not None and perms.covers(current_user, parent, perms.MANAGE_UNITS):
            form.parent_code.data = parent.code
    if form.validate_on_submit():
        try:
            parent = _unit_by_code_or_error(form.parent_code.data)
            unit = services.create_unit(current_user, code=form.code.data, name=form.name.data,
                                        parent=parent, kind=form.kind.data,
                                        address=form.address.data)
        except ServiceError as err:
            flash(str(err.message), "danger")
            status = err.status
        else:
            flash(_("Unit %(name)s created.", name=unit.name), "success")
            return redirect(url_for("org.unit_detail", unit_id=unit.id))
    elif request.method == "POST":
        status = 400
    return render_template("org/unit_form.html", form=form), status


@bp.route("/units/<int:unit_id>/edit", methods=["POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def unit_edit(unit_id: int):
    unit = _unit_or_404(unit_id)
    form = UnitEditForm()
    return _run(form, lambda: services.update_unit(
        current_user, unit, version=form.version.data, name=form.name.data, kind=form.kind.data,
        address=form.address.data), _("Changes saved."),
        lambda status: _unit_page(unit, status, edit_form=form),
        url_for("org.unit_detail", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/move", methods=["POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def unit_move(unit_id: int):
    unit = _unit_or_404(unit_id)
    form = UnitMoveForm()

    def move():
        parent = _unit_by_code_or_error(form.parent_code.data)
        if parent is None or not perms.covers(current_user, parent, perms.VIEW_UNITS):
            raise ServiceError(_("No unit has the code %(code)s.", code=form.parent_code.data))
        services.move_unit(current_user, unit, version=form.version.data, new_parent=parent)

    return _run(form, move, _("Unit moved."),
                lambda status: _unit_page(unit, status, move_form=form),
                url_for("org.unit_detail", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/active", methods=["POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def unit_set_active(unit_id: int):
    unit = _unit_or_404(unit_id)
    form = VersionForm()
    active = request.form.get("active") == "1"
    return _run(form, lambda: services.set_unit_active(
        current_user, unit, version=form.version.data, active=active),
        _("Unit activated.") if active else _("Unit deactivated."),
        lambda status: _unit_page(unit, status), url_for("org.unit_detail", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/delete", methods=["POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def unit_delete(unit_id: int):
    unit = _unit_or_404(unit_id)
    target = (url_for("org.unit_detail", unit_id=unit.parent_id) if unit.parent_id
              else url_for("org.units"))
    return _run(VersionForm(), lambda: services.delete_unit(current_user, unit),
                _("Unit deleted."), lambda status: _unit_page(unit, status), target)


@bp.route("/units/import", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def units_import():
    return _import_page("units", importers.UNIT_COLUMNS, importers.import_units)


@bp.route("/units/import/template.xlsx")
@perms.roles_required(*perms.MANAGE_UNITS)
def units_template():
    return xlsx_response(exports.units_template(), "mau-nhap-don-vi.xlsx")


@bp.route("/units/export.xlsx")
@perms.roles_required(*perms.VIEW_UNITS)
def units_export():
    return xlsx_response(exports.export_units(current_user), "don-vi.xlsx")


# --- people --------------------------------------------------------------------------------

@bp.route("/people/")
@perms.roles_required(*perms.VIEW_PEOPLE)
def people():
    q = clean(request.args.get("q", ""))[:100]
    include_inactive = request.args.get("inactive") == "1"
    unit = None
    unit_id = int_arg("unit")
    if unit_id is not None:
        unit = _unit_or_404(unit_id, perms.VIEW_PEOPLE)
    stmt = services.people_query(current_user, q, unit, include_inactive)
    pagination = db.paginate(stmt, page=page_arg(), per_page=PER_PAGE, error_out=False)
    return render_template("org/people.html", pagination=pagination, q=q, unit=unit,
                           include_inactive=include_inactive)


@bp.route("/people/<int:person_id>")
@perms.roles_required(*perms.VIEW_PEOPLE)
def person_detail(person_id: int):
    return _person_page(_person_or_404(person_id))


def _person_page(person: Person, status: int = 200):
    history = []
    if current_user.is_admin:
        history = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "person", AuditEvent.object_id == person.id)
            .order_by(AuditEvent.id.desc()).limit(20)).all()
    return render_template("org/person_detail.html", person=person, history=history,
                           version_form=VersionForm(formdata=None, version=person.version),
                           can_manage=perms.covers(current_user, person.unit,
                                                   perms.MANAGE_PEOPLE)), status


@bp.route("/people/new", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_PEOPLE)
def person_create():
    form = PersonForm()
    status = 200
    if request.method == "GET" and int_arg("unit"):
        unit = db.session.get(Unit, int_arg("unit"))
        if unit is not None and perms.covers(current_user, unit, perms.MANAGE_PEOPLE):
            form.unit_code.data = unit.code
    if form.validate_on_submit():
        try:
            unit = _managed_unit_by_code(form.unit_code.data)
            person = services.create_person(
                current_user, code=form.code.data, full_name=form.full_name.data, unit=unit,
                gender=form.gender.data or None, birth_date=form.birth_date.data,
                position=form.position.data, email=form.email.data)
        except ServiceError as err:
            flash(str(err.message), "danger")
            status = err.status
        else:
            flash(_("%(name)s added.", name=person.full_name), "success")
            return redirect(url_for("org.person_detail", person_id=person.id))
    elif request.method == "POST":
        status = 400
    return render_template("org/person_form.html", form=form, person=None,
                           unit_choices=_unit_choices()), status


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_PEOPLE)
def person_edit(person_id: int):
    person = _person_or_404(person_id, perms.MANAGE_PEOPLE)
    form = PersonForm(obj=person if request.method == "GET" else None)
    status = 200
    if request.method == "GET":
        form.version.data = person.version
        form.unit_code.data = person.unit.code
        form.gender.data = person.gender or ""
    else:
        form.code.data = person.code  # the code is the identity; it is not edited here
        if form.validate_on_submit():
            try:
                unit = _managed_unit_by_code(form.unit_code.data)
                services.update_person(
                    current_user, person, version=form.version.data,
                    full_name=form.full_name.data, unit=unit, gender=form.gender.data or None,
                    birth_date=form.birth_date.data, position=form.position.data,
                    email=form.email.data)
            except ServiceError as err:
                flash(str(err.message), "danger")
                status = err.status
            else:
                flash(_("Changes saved."), "success")
                return redirect(url_for("org.person_detail", person_id=person.id))
        else:
            status = 400
    return render_template("org/person_form.html", form=form, person=person,
                           unit_choices=_unit_choices()), status


@bp.route("/people/<int:person_id>/active", methods=["POST"])
@perms.roles_required(*perms.MANAGE_PEOPLE)
def person_set_active(person_id: int):
    person = _person_or_404(person_id, perms.MANAGE_PEOPLE)
    form = VersionForm()
    active = request.form.get("active") == "1"
    return _run(form, lambda: services.set_person_active(
        current_user, person, version=form.version.data, active=active),
        _("Person activated.") if active else _("Person deactivated."),
        lambda status: _person_page(person, status),
        url_for("org.person_detail", person_id=person.id))


@bp.route("/people/import", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_PEOPLE)
def people_import():
    return _import_page("people", importers.PEOPLE_COLUMNS, importers.import_people)


@bp.route("/people/import/template.xlsx")
@perms.roles_required(*perms.MANAGE_PEOPLE)
def people_template():
    return xlsx_response(exports.people_template(), "mau-nhap-ca-nhan.xlsx")


@bp.route("/people/export.xlsx")
@perms.roles_required(*perms.VIEW_PEOPLE)
def people_export():
    return xlsx_response(exports.export_people(current_user), "ca-nhan.xlsx")


# --- helpers -------------------------------------------------------------------------------

def _import_page(kind: str, columns, run_import, template_url: str | None = None):
    form = ImportForm()
    result, status, file_error = None, 200, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = read_table(upload.stream, upload.filename, columns,
                              current_app.config["IMPORT_MAX_ROWS"])
        except TableError as err:
            file_error, status = str(err), 400
        else:
            try:
                result = run_import(current_user, rows)
            except StaleRecord as err:  # a record changed while the file was imported
                file_error, status = str(err), 409
            else:
                if result.ok:
                    flash(_("Import finished: %(created)d created, %(updated)d updated, "
                            "%(unchanged)d unchanged.", created=result.created,
                            updated=result.updated, unchanged=result.unchanged), "success")
                else:
                    status = 400
    elif request.method == "POST":
        status = 400
    return render_template("org/import.html", form=form, kind=kind, columns=columns,
                           result=result, file_error=file_error,
                           template_url=template_url), status


def _run(form, operation, success: str, render_error, target: str):
    """Validate `form`, run the service call; on refusal re-render with a 4xx and the reason."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return render_error(400)
    status = attempt(operation)
    if status is not None:
        return render_error(status)
    flash(success, "success")
    return redirect(target)


def _unit_or_404(unit_id: int, roles=perms.VIEW_UNITS) -> Unit:
    try:
        return services.get_unit_for(current_user, unit_id, roles)
    except NotFound:
        abort(404)


def _person_or_404(person_id: int, roles=perms.VIEW_PEOPLE) -> Person:
    try:
        return services.get_person_for(current_user, person_id, roles)
    except NotFound:
        abort(404)


def _unit_by_code_or_error(code: str | None) -> Unit | None:
    code = clean(code)
    if not code:
        return None
    unit = services.unit_by_code(code)
    if unit is None:
        raise ServiceError(_("No unit has the code %(code)s.", code=code))
    return unit


def _managed_unit_by_code(code: str) -> Unit:
    unit = services.unit_by_code(code)
    if unit is None or not perms.covers(current_user, unit, perms.MANAGE_PEOPLE):
        raise ServiceError(_("No unit you manage has the code %(code)s.", code=clean(code)))
    return unit


def _unit_choices() -> list[Unit]:
    """Units offered in the person form's list (the field also accepts any code typed)."""
    stmt = select(Unit).where(perms.unit_condition(current_user, perms.MANAGE_PEOPLE),
                              Unit.active.is_(True)).order_by(Unit.path).limit(500)
    return db.session.scalars(stmt).all()
