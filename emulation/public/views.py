"""Public pages, open without an account when an administrator has turned them on (404 when
off): the honour roll and the eligibility self-check; and the administrator's switches."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from emulation.awards.records.enums import AppraisalLevel, DisciplineLevel, InitiativeScope
from emulation.core.permissions import admin_required
from emulation.core.text import clean
from emulation.core.web import attempt, current_locale, keyset, local_today, year_arg
from emulation.extensions import csrf, limiter
from emulation.public import services
from emulation.public.forms import PublicPagesForm, SelfCheckForm

bp = Blueprint("public", __name__)


@bp.route("/public/honours/")
@limiter.limit(lambda: current_app.config["PUBLIC_ROLL_RATE_LIMIT"], scope="public-honours",
               exempt_when=lambda: not services.enabled(services.HONOUR_ROLL))
def honours():
    """Bảng vàng công khai: year, award, name, unit, decision; searchable without accents.
    Pages per client IP are limited by PUBLIC_ROLL_RATE_LIMIT (429 past it): a visitor
    needs no account, and each search reads the roll's index."""
    if not services.enabled(services.HONOUR_ROLL):
        abort(404)
    q = clean(request.args.get("q", ""))[:100]
    year = year_arg()
    pagination = keyset(services.roll_query(q, year), services.ROLL_PER_PAGE)
    return render_template("public/honours.html", rows=services.roll_rows(pagination.items),
                           pagination=pagination, q=q, year=year)


@bp.route("/public/self-check", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the page is known to exist: a post to it when off is a 404
@limiter.limit(lambda: current_app.config["PUBLIC_CHECK_RATE_LIMIT"], methods=["POST"],
               scope="public-self-check")
def self_check():
    """Tự kiểm tra tiêu chuẩn: a visitor types their record and reads the verdict with its
    reasons. Nothing is stored: the record lives in this request only."""
    if not services.enabled(services.SELF_CHECK):
        abort(404)
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    awards = services.checkable_awards()
    form = SelfCheckForm(data={"year": local_today().year - 1} if request.method == "GET"
                         else None)
    form.award.choices = [(a.code, a.name) for a in awards]
    verdict, award, errors, status = None, None, [], 200
    year = form.year.data if isinstance(form.year.data, int) else local_today().year - 1
    if form.validate_on_submit():
        award = next(a for a in awards if a.code == form.award.data)
        records, errors = services.parse_record(request.form, year,
                                                {a.code for a in services.all_awards()})
        if not errors:
            verdict = services.self_check(award, records, year)
    if request.method == "POST" and verdict is None:
        status = 400
    return render_template("public/self_check.html", form=form, verdict=verdict, award=award,
                           errors=errors, years=services.check_years(year),
                           held=services.held_awards(), values=request.form,
                           appraisals=AppraisalLevel.choices(), scopes=list(InitiativeScope),
                           disciplines=DisciplineLevel.choices(), locale=current_locale()
                           ), status


@bp.route("/admin/public-pages", methods=["GET", "POST"])
@admin_required
def settings():
    """The administrator turns the public pages on or off (audited)."""
    switches = services.switches()
    form = PublicPagesForm(data={"honour_roll": switches[services.HONOUR_ROLL],
                                 "self_check": switches[services.SELF_CHECK],
                                 "shown": services.shown(switches)}
                           if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        changed = {}
        status = attempt(lambda: changed.update(services.set_switches(current_user, {
            services.HONOUR_ROLL: form.honour_roll.data,
            services.SELF_CHECK: form.self_check.data}, form.shown.data)))
        if status is None:
            flash(_("Public pages saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("public.settings"))
        form = PublicPagesForm(formdata=None, data={
            "honour_roll": switches[services.HONOUR_ROLL],
            "self_check": switches[services.SELF_CHECK], "shown": services.shown(switches)})
    elif request.method == "POST":
        flash(_("The form was incomplete; reload the page and try again."), "danger")
        status = 400
    return render_template("public/settings.html", form=form, switches=switches), status
