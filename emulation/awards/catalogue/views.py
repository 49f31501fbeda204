"""The award catalogue: award types, their rules and quotas (administrators change them)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.awards.blueprints import awards as bp
from emulation.awards.catalogue import services
from emulation.awards.catalogue.forms import (
    AwardCreateForm,
    AwardForm,
    AwardStateForm,
    QuotaDeleteForm,
    QuotaForm,
    RuleForm,
)
from emulation.awards.catalogue.models import AwardType
from emulation.core import permissions as perms
from emulation.core.web import (
    attempt,
    current_locale,
    flash_form_errors,
    form_action,
    load_or_404,
    local_today,
)
from emulation.jobs.web import export_response


@bp.route("/awards/")
@login_required
def catalogue():
    today = local_today()
    rows = services.catalogue_rows(today)
    names, locale = {a.code: a.name for a, _s, _n in rows}, current_locale()
    sentences = {a.id: [services.rule_sentence(r, names, locale)
                        for r in services.rules_on(a, today)[1]] for a, _s, _n in rows}
    return render_template("awards/catalogue.html", rows=rows, sentences=sentences,
                           today=today, admin=current_user.is_admin)


@bp.route("/awards/new", methods=["GET", "POST"])
@perms.admin_required
def award_create():
    """Add an award type; its rules are added on its page afterwards."""
    form = AwardCreateForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            fields = _posted_fields(form)
            fields["publication_days"] = fields["publication_days"] or 0
            created = {}
            status = attempt(lambda: created.setdefault("award", services.create_award(
                current_user, code=form.code.data, fields=fields)))
            if status is None:
                flash(_("Award type added. Add its rules below."), "success")
                return redirect(url_for("awards.award", code=created["award"].code))
        else:
            flash_form_errors(form)
            status = 400
    return render_template("awards/award_new.html", form=form), status


@bp.route("/awards/export.xlsx")
@login_required
def catalogue_export():
    """Award types, rule sets, rules with their legal references, and quotas."""
    return export_response("catalogue", {})


@bp.route("/awards/<code>", methods=["GET", "POST"])
@login_required
def award(code: str):
    award = load_or_404(services.award_by_code, code)
    form = AwardForm(obj=award if request.method == "GET" else None)
    status = 200
    if request.method == "GET":
        form.version.data = award.version
    else:
        if not current_user.is_admin:
            abort(403)
        if form.validate_on_submit():
            fields = _posted_fields(form)
            fields["publication_days"] = fields["publication_days"] or 0
            status = attempt(lambda: services.update_award(current_user, award,
                                                           form.version.data, fields)) or 200
            if status == 200:
                flash(_("Changes saved."), "success")
                return redirect(url_for("awards.award", code=award.code))
        else:
            status = 400
    return _award_page(award, status, form)


@bp.route("/awards/<code>/rules", methods=["POST"])
@bp.route("/awards/<code>/rules/<int:rule_id>", methods=["POST"])
@perms.admin_required
def rule_save(code: str, rule_id: int | None = None):
    award = load_or_404(services.award_by_code, code)
    rule = load_or_404(services.rule_of, award, rule_id) if rule_id is not None else None
    form = RuleForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _award_page(award, 400)
    status = attempt(lambda: services.save_rule(
        current_user, award, rule, kind=form.kind.data, params_text=form.params.data,
        subject=form.subject.data, legal_reference=form.legal_reference.data,
        note=form.note.data, rule_set_code=form.rule_set.data or None))
    if status:
        return _award_page(award, status)
    flash(_("Rule saved."), "success")
    return redirect(url_for("awards.award", code=award.code))


@bp.route("/awards/<code>/rules/<int:rule_id>/delete", methods=["POST"])
@perms.admin_required
def rule_delete(code: str, rule_id: int):
    award = load_or_404(services.award_by_code, code)
    rule = load_or_404(services.rule_of, award, rule_id)
    services.delete_rule(current_user, rule)
    flash(_("Rule deleted."), "success")
    return redirect(url_for("awards.award", code=award.code))


@bp.route("/awards/<code>/active", methods=["POST"])
@perms.admin_required
def award_set_active(code: str):
    """Take an award type out of use, or back in (`active` = "0" or "1")."""
    award = load_or_404(services.award_by_code, code)
    value = request.form.get("active")
    if value not in ("0", "1"):
        abort(400)
    form = AwardStateForm()
    return form_action(lambda: services.set_award_active(
        current_user, award, version=form.version.data, active=value == "1"),
        success=_("Award type back in use.") if value == "1" else _("Award type taken out of "
                                                                     "use."),
        form=form, target=url_for("awards.award", code=award.code),
        on_refusal=lambda status: _award_page(award, status))


@bp.route("/awards/<code>/delete", methods=["POST"])
@perms.admin_required
def award_delete(code: str):
    """Delete an award type added by mistake (nothing refers to it)."""
    award = load_or_404(services.award_by_code, code)
    form = AwardStateForm()
    return form_action(lambda: services.delete_award(current_user, award,
                                                     version=form.version.data),
                       success=_("Award type deleted."), form=form,
                       target=url_for("awards.catalogue"),
                       on_refusal=lambda status: _award_page(award, status))


@bp.route("/awards/<code>/quotas", methods=["POST"])
@bp.route("/awards/<code>/quotas/<int:quota_id>", methods=["POST"])
@perms.admin_required
def quota_save(code: str, quota_id: int | None = None):
    award = load_or_404(services.award_by_code, code)
    quota = load_or_404(services.quota_of, award, quota_id) if quota_id is not None else None
    form = QuotaForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _award_page(award, 400)
    status = attempt(lambda: services.save_quota(
        current_user, award, quota, version=form.version.data,
        fields={k: getattr(form, k).data for k in services.QUOTA_FIELDS}))
    if status:
        return _award_page(award, status)
    flash(_("Quota saved."), "success")
    return redirect(url_for("awards.award", code=award.code))


@bp.route("/awards/<code>/quotas/<int:quota_id>/delete", methods=["POST"])
@perms.admin_required
def quota_delete(code: str, quota_id: int):
    award = load_or_404(services.award_by_code, code)
    quota = load_or_404(services.quota_of, award, quota_id)
    form = QuotaDeleteForm()
    if not form.validate_on_submit():
        abort(400)
    status = attempt(lambda: services.delete_quota(current_user, quota, form.version.data))
    if status:
        return _award_page(award, status)
    flash(_("Quota deleted."), "success")
    return redirect(url_for("awards.award", code=award.code))


def _award_page(award: AwardType, status: int = 200, form=None):
    if form is None:
        form = AwardForm(formdata=None, obj=award)
        form.version.data = award.version
    choices = [("", _("The award's newest rule set"))] + [
        (rs.code, f"{rs.code} — {rs.name}") for rs in services.rule_sets()]
    rule_forms = {}
    for r in award.rules:
        rule_forms[r.id] = RuleForm(formdata=None, obj=r)
        rule_forms[r.id].rule_set.choices = choices
        rule_forms[r.id].rule_set.data = r.rule_set.code if r.rule_set else ""
    new_rule = RuleForm(formdata=None)
    new_rule.rule_set.choices = choices
    today = local_today()
    in_force, _rules = services.rules_on(award, today)
    return render_template("awards/award.html", award=award, form=form,
                           rule_forms=rule_forms, new_rule=new_rule,
                           quota_form=QuotaForm(formdata=None),
                           quota_forms={q.id: QuotaForm(formdata=None, obj=q)
                                        for q in award.quotas},
                           in_force=in_force, today=today,
                           sentences=_sentences(award.rules),
                           admin=current_user.is_admin), status


def _sentences(rules) -> dict[int, str]:
    """Each rule in words, in the reader's language (the verdicts' sentences)."""
    names, locale = services.names(), current_locale()
    return {r.id: services.rule_sentence(r, names, locale) for r in rules}


def _posted_fields(form) -> dict:
    """The award fields of a valid form; a choice the page did not post (an older page, a
    script) is left out, so the award keeps its value (or takes the default when new) instead
    of the form's default."""
    return {k: getattr(form, k).data for k in services.AWARD_FIELDS
            if k not in ("decided_by", "commendation_kind") or k in request.form}
