"""Pages of the unit tree and of people: thin handlers that parse, call a service, render."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from emulation.core import audit
from emulation.core import permissions as perms
from emulation.core.errors import ServiceError, StaleRecord
from emulation.core.text import clean
from emulation.core.web import (
    form_action,
    int_arg,
    keyset,
    load_or_404,
    paginate,
    xlsx_response,
)
from emulation.jobs import imports
from emulation.jobs.web import export_response
from emulation.org import exports, services
from emulation.org.forms import (
    ImportChoicesForm,
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
    return render_template("org/units.html", pagination=paginate(stmt, PER_PAGE), q=q,
                           include_inactive=include_inactive,
                           can_manage=perms.can_any(current_user, perms.MANAGE_UNITS))


@bp.route("/units/<int:unit_id>")
@perms.roles_required(*perms.VIEW_UNITS)
def unit_detail(unit_id: int):
    return _unit_page(load_or_404(services.get_unit_for, current_user, unit_id))


def _unit_page(unit: Unit, status: int = 200, edit_form=None, move_form=None):
    people_count = (services.active_people_in(unit)
                    if perms.covers(current_user, unit, perms.VIEW_PEOPLE) else None)
    history = audit.history("unit", unit.id) if current_user.is_admin else []
    can_manage = perms.covers(current_user, unit, perms.MANAGE_UNITS)
    if can_manage and edit_form is None:
        edit_form = UnitEditForm(obj=unit, formdata=None)
        edit_form.version.data = unit.version
    if can_manage and unit.parent and move_form is None:
        move_form = UnitMoveForm(formdata=None, version=unit.version)
    return render_template(
        "org/unit_detail.html", unit=unit, children=services.children_of(unit),
        people_count=people_count, history=history, ancestors=services.ancestors_of(unit),
        # an ancestor above the reader's grants is named, not linked (it would answer 404)
        openable={a.id for a in services.ancestors_of(unit)
                  if perms.covers(current_user, a, perms.VIEW_UNITS)},
        can_manage=can_manage, edit_form=edit_form,
        move_form=move_form, version_form=VersionForm(formdata=None, version=unit.version),
        can_delete=can_manage and not services.unit_has_history(unit)), status


@bp.route("/units/new", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def unit_create():
    form = UnitCreateForm()
    status = 200
    if request.method == "GET":
        parent = services.visible_unit(current_user, int_arg("parent"), perms.MANAGE_UNITS)
        if parent is not None:
            form.parent_code.data = parent.code
    if form.validate_on_submit():
        try:
            parent = services.parent_by_code(current_user, form.parent_code.data)
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
    unit = load_or_404(services.get_unit_for, current_user, unit_id)
    form = UnitEditForm()
    return form_action(lambda: services.update_unit(
        current_user, unit, version=form.version.data, name=form.name.data, kind=form.kind.data,
        address=form.address.data), success=_("Changes saved."), form=form,
        target=url_for("org.unit_detail", unit_id=unit.id),
        on_refusal=lambda status: _unit_page(unit, status, edit_form=form))


@bp.route("/units/<int:unit_id>/move", methods=["POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def unit_move(unit_id: int):
    unit = load_or_404(services.get_unit_for, current_user, unit_id)
    form = UnitMoveForm()

    def move():
        parent = services.parent_by_code(current_user, form.parent_code.data)
        if parent is None:
            raise ServiceError(_("No unit you manage has the code or name %(code)s.",
                                 code=form.parent_code.data))
        services.move_unit(current_user, unit, version=form.version.data, new_parent=parent)

    return form_action(move, success=_("Unit moved."), form=form,
                       target=url_for("org.unit_detail", unit_id=unit.id),
                       on_refusal=lambda status: _unit_page(unit, status, move_form=form))


@bp.route("/units/<int:unit_id>/active", methods=["POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def unit_set_active(unit_id: int):
    unit = load_or_404(services.get_unit_for, current_user, unit_id)
    form = VersionForm()
    active = _active_flag()
    return form_action(lambda: services.set_unit_active(
        current_user, unit, version=form.version.data, active=active),
        success=_("Unit activated.") if active else _("Unit deactivated."), form=form,
        target=url_for("org.unit_detail", unit_id=unit.id),
        on_refusal=lambda status: _unit_page(unit, status))


@bp.route("/units/<int:unit_id>/delete", methods=["POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def unit_delete(unit_id: int):
    unit = load_or_404(services.get_unit_for, current_user, unit_id)
    target = (url_for("org.unit_detail", unit_id=unit.parent_id) if unit.parent_id
              else url_for("org.units"))
    return form_action(lambda: services.delete_unit(current_user, unit),
                       success=_("Unit deleted."), form=VersionForm(), target=target,
                       on_refusal=lambda status: _unit_page(unit, status))


@bp.route("/units/import", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_UNITS)
def units_import():
    return _import_page("units")


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
        unit = load_or_404(services.get_unit_for, current_user, unit_id, perms.VIEW_PEOPLE)
    stmt = services.people_query(current_user, q, unit, include_inactive)
    return render_template("org/people.html", pagination=keyset(stmt, PER_PAGE), q=q,
                           unit=unit,
                           include_inactive=include_inactive)


@bp.route("/people/<int:person_id>")
@perms.roles_required(*perms.VIEW_PEOPLE)
def person_detail(person_id: int):
    return _person_page(load_or_404(services.get_person_for, current_user, person_id))


def _person_page(person: Person, status: int = 200):
    history = audit.history("person", person.id) if current_user.is_admin else []
    return render_template("org/person_detail.html", person=person, history=history,
                           version_form=VersionForm(formdata=None, version=person.version),
                           can_manage=perms.covers(current_user, person.unit,
                                                   perms.MANAGE_PEOPLE)), status


@bp.route("/people/new", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_PEOPLE)
def person_create():
    form = PersonForm()
    status = 200
    if request.method == "GET":
        unit = services.visible_unit(current_user, int_arg("unit"), perms.MANAGE_PEOPLE)
        if unit is not None:
            form.unit_code.data = unit.code
    if form.validate_on_submit():
        try:
            unit = services.managed_unit_by_code(current_user, form.unit_code.data)
            person = services.create_person(
                current_user, code=form.code.data, full_name=form.full_name.data, unit=unit,
                gender=form.gender.data or None, birth_date=form.birth_date.data,
                position=form.position.data, email=form.email.data,
                birth_year=None if form.birth_date.data else form.birth_year.data)
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
    person = load_or_404(services.get_person_for, current_user, person_id,
                         perms.MANAGE_PEOPLE)
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
                unit = services.managed_unit_by_code(current_user, form.unit_code.data)
                services.update_person(
                    current_user, person, version=form.version.data,
                    full_name=form.full_name.data, unit=unit, gender=form.gender.data or None,
                    birth_date=form.birth_date.data, position=form.position.data,
                    email=form.email.data,
                    birth_year=None if form.birth_date.data else form.birth_year.data)
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
    person = load_or_404(services.get_person_for, current_user, person_id,
                         perms.MANAGE_PEOPLE)
    form = VersionForm()
    active = _active_flag()
    return form_action(lambda: services.set_person_active(
        current_user, person, version=form.version.data, active=active),
        success=_("Person activated.") if active else _("Person deactivated."), form=form,
        target=url_for("org.person_detail", person_id=person.id),
        on_refusal=lambda status: _person_page(person, status))


@bp.route("/people/import", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_PEOPLE)
def people_import():
    return _import_page("people")


@bp.route("/people/import/template.xlsx")
@perms.roles_required(*perms.MANAGE_PEOPLE)
def people_template():
    return xlsx_response(exports.people_template(), "mau-nhap-ca-nhan.xlsx")


@bp.route("/people/export.xlsx")
@bp.route("/people/export.csv", endpoint="people_export_csv")
@perms.roles_required(*perms.VIEW_PEOPLE)
def people_export():
    return export_response("people", {})


# --- helpers -------------------------------------------------------------------------------

def _active_flag() -> bool:
    """The posted `active`: "1" or "0"; anything else is a bad request, never "inactive"."""
    value = request.form.get("active")
    if value not in ("0", "1"):
        abort(400)
    return value == "1"


def _import_page(kind: str, template_url: str | None = None):
    """Upload → preview (nothing written) → confirm, for every import (jobs.imports). The
    preview's form carries the kept file's token and the user's choices (sheet, header row,
    columns); a file of more than IMPORT_JOB_ROWS rows is imported by the worker."""
    spec = imports.kind_of(kind)
    form = ImportForm()
    report, status, file_error, choice_error = None, 200, None, None
    action = request.form.get("action", "") if request.method == "POST" else ""
    if action:
        choices_form = ImportChoicesForm()
        valid = choices_form.validate_on_submit()
        # a header row that is not a row number (0, "abc") is answered in the preview, which
        # stays as it was shown: anything else wrong is not a form this page sent
        if set(choices_form.errors) - {"header_row"} or action not in ("preview", "confirm",
                                                                       "cancel"):
            abort(400)
        if not valid:
            shown = request.form.get("shown_row", "")
            choices_form.header_row.data = int(shown) if shown.isdigit() else None
            choice_error = _("The header row must be the number of a row of the sheet (1 or "
                             "more); the preview below still uses row %(row)s.",
                             row=choices_form.header_row.data or "—")
            action = "preview" if action == "confirm" else action
        token = choices_form.token.data
        if action == "cancel":
            imports.discard(current_user, token)
            flash(_("The import was cancelled; nothing was written."), "info")
            return redirect(request.path)
        try:
            stream, filename = imports.kept(current_user, kind, token)
            choices = _import_choices(choices_form)
            if action == "confirm":
                report = imports.run(current_user, kind, stream, filename, choices)
            else:
                report = imports.check(current_user, kind, stream, filename, choices)
        except StaleRecord as err:  # a record changed while the file was imported
            file_error, status = str(err.message), 409
        except ServiceError as err:
            file_error, status = str(err.message), err.status
        else:
            report.token = token
            if report.state == "queued":
                imports.discard(current_user, token)
                flash(_("This file is large, so it is being imported in the background. You "
                        "may leave this page: a notification will tell you the outcome."),
                      "info")
                return redirect(url_for("jobs.detail", token=report.job.id))
            if report.state == "imported":  # the page says how it went, once
                imports.discard(current_user, token)
            elif not report.ok or choice_error:
                status = 400
    elif form.validate_on_submit():
        upload = form.file.data
        token = imports.keep(current_user, kind, upload.stream, upload.filename)
        stream, filename = imports.kept(current_user, kind, token)
        report = imports.check(current_user, kind, stream, filename)
        report.token = token
        if report.table is None:  # the file cannot be read at all: nothing to choose
            imports.discard(current_user, token)
            file_error, report, status = report.error, None, 400
        elif not report.ok:
            status = 400
    elif request.method == "POST":
        status = 400
    if report is not None and report.error:
        file_error = report.error
    if choice_error:
        file_error = f"{choice_error} {file_error}" if file_error else choice_error
    return render_template("org/import.html", form=form, kind=kind, columns=spec.columns,
                           report=report, file_error=file_error,
                           template_url=template_url), status


def _import_choices(form):
    """The preview's choices: another sheet than the one shown finds its own header row,
    another header row its own columns; else the columns as the user set them."""
    sheet, row = form.sheet.data or None, form.header_row.data
    mapping = {k[4:]: v for k, v in request.form.items() if k.startswith("col_")}
    if sheet is not None and sheet != request.form.get("shown_sheet", sheet):
        row, mapping = None, {}
    elif row is not None and str(row) != request.form.get("shown_row", str(row)):
        mapping = {}
    return imports.choices_from(sheet, row, mapping or None)


def _unit_choices() -> list[Unit]:
    """Units offered in the person form's list (the field also accepts any code typed)."""
    return services.unit_choices(current_user, perms.MANAGE_PEOPLE)
