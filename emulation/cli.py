"""Command line: `flask --app wsgi worker|create-admin|import|backup|remind ...` (the demo command
lives in `emulation.demo.commands`)."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from emulation.core.permissions import SYSTEM
from emulation.extensions import db


def register_cli(app: Flask) -> None:
    from emulation.refdata.commands import reference_group

    app.cli.add_command(reference_group)
    app.cli.add_command(worker_command)
    app.cli.add_command(remind_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(seed_catalogue_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(import_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(document_templates_command)
    app.cli.add_command(progress_group)
    app.cli.add_command(honours_group)


@click.group("progress")
def progress_group() -> None:
    """The stored progress roll-up the dashboards read (kept up to date as reports change)."""


@progress_group.command("rebuild")
@with_appcontext
@click.option("--campaign", "campaign_id", type=int, default=None,
              help="Only this campaign (its id); every campaign otherwise.")
def progress_rebuild_command(campaign_id: int | None) -> None:
    """Recompute the stored progress of every unit (of one campaign) from the pledge items
    and report lines, a campaign per transaction, each audited. Run it after rows were
    written past the application (SQL, a restore from an older version)."""
    from emulation.campaigns.models import Campaign
    from emulation.core import audit
    from emulation.pledges import progress_store

    query = select(Campaign).order_by(Campaign.id)
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    campaigns = db.session.scalars(query).all()
    if campaign_id is not None and not campaigns:
        click.echo(f"error: no campaign {campaign_id}", err=True)
        sys.exit(2)
    for campaign in campaigns:
        rows = progress_store.rebuild(campaign.id)
        audit.record(db.session, actor=SYSTEM, action="campaign.progress_rebuild", obj=campaign,
                     summary=f"stored progress rebuilt: {rows} unit reports",
                     after={"rows": rows},
                     params={"campaign": campaign.number or campaign.title, "rows": rows})
        db.session.commit()
        click.echo(f"campaign {campaign.id}: {rows} unit reports")


@click.group("honours")
def honours_group() -> None:
    """The honour roll's stored figures (kept up to date as award records change)."""


@honours_group.command("rebuild")
@with_appcontext
def honours_rebuild_command() -> None:
    """Recompute the honour roll's stored figures (awards in force per year, award and kind
    of commendation) from the award records, in one audited transaction. Run it after
    records were written past the application (SQL, a restore from an older version)."""
    from emulation.awards.records import tally
    from emulation.core import audit

    keys = tally.rebuild()
    audit.record(db.session, actor=SYSTEM, action="honours.tally_rebuild",
                 object_type="award_record",
                 summary=f"honour roll figures rebuilt: {keys} keys", after={"keys": keys},
                 params={"rows": keys})
    db.session.commit()
    click.echo(f"honour roll: {keys} year × award × kind figures")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Copy the whole database to PATH while the application runs (SQLite online backup;
    pg_dump for PostgreSQL). Back up UPLOAD_FOLDER alongside it."""
    from emulation.core import backup

    try:
        target = backup.backup(path)
    except backup.BackupError as err:
        raise click.ClickException(str(err)) from None
    tables = backup.fingerprint()
    click.echo(f"backup written to {target}: {len(tables)} tables, "
               f"{sum(rows for rows, _ in tables.values())} rows")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the database's content with the backup at PATH (stop the workers first).
    The backup is checked first — every table of this schema, the same schema revision, a
    user and an administrator — and the rows of each table now and in the backup are shown
    before anything is replaced."""
    from emulation.core import backup

    try:
        plan = backup.plan_restore(path)
    except backup.BackupError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{path}: schema revision {plan.revision}")
    click.echo(_comparison(plan.comparison))
    if not yes:
        click.confirm("Every record in the database will be replaced by the backup's. "
                      "Continue?", abort=True)
    try:
        backup.restore(plan)
    except backup.BackupError as err:
        raise click.ClickException(str(err)) from None
    tables = backup.fingerprint()
    click.echo(f"restored from {path}: {len(tables)} tables, "
               f"{sum(rows for rows, _ in tables.values())} rows")


def _comparison(rows: list[tuple[str, int | None, int | None]]) -> str:
    """table | now | in the backup, a line a table ("-": no such table), with the totals."""
    def cell(value: int | None) -> str:
        return "-" if value is None else str(value)

    header = ("table", "now", "in the backup")
    totals = ("total", str(sum(now or 0 for _, now, _ in rows)),
              str(sum(then or 0 for _, _, then in rows)))
    lines = [header, *((name, cell(now), cell(then)) for name, now, then in rows), totals]
    width = [max(len(line[i]) for line in lines) for i in range(3)]
    return "\n".join(f"{a:<{width[0]}} | {b:>{width[1]}} | {c:>{width[2]}}"
                     for a, b, c in lines)


@click.command("worker")
@with_appcontext
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=None,
              help="Threads running jobs (default QUEUE_WORKERS, 2).")
@click.option("--no-periodic", is_flag=True,
              help="Do not start the periodic jobs (reminders, clean-up): for the second and "
                   "further workers on one Redis queue.")
def worker_command(workers: int | None, no_periodic: bool) -> None:
    """Run the job queue's consumer until stopped (Ctrl-C or SIGTERM): exports, imports,
    emails and the periodic reminders and clean-up."""
    import logging

    from flask import current_app

    huey = current_app.extensions["huey"]
    if huey.immediate:
        raise click.ClickException("QUEUE_IMMEDIATE is on: jobs run where they are asked "
                                   "for, there is nothing for a worker to do.")
    logging.getLogger("huey").setLevel(logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
    where = current_app.config["QUEUE_REDIS_URL"] and "redis" or current_app.config[
        "QUEUE_FILE"]
    click.echo(f"worker: queue {huey.name} on {where}")
    consumer = huey.create_consumer(
        workers=workers or current_app.config["QUEUE_WORKERS"], worker_type="thread",
        periodic=not no_periodic, check_worker_health=True)
    consumer.run()


@click.command("remind")
@with_appcontext
@click.option("--days", default=3, show_default=True, help="Remind this many days ahead.")
def remind_command(days: int) -> None:
    """Deadline reminders to units that have not acted (for cron); never sent twice."""
    from emulation.core.web import local_today
    from emulation.notify.services import remind

    click.echo(f"reminders sent: {remind(local_today(), days)}")


@click.command("create-token")
@with_appcontext
@click.argument("username")
@click.option("--name", default="script", help="A name to recognise the token by.")
@click.option("--days", type=int, default=None,
              help="Valid for this many days (default API_TOKEN_DAYS, at most "
                   "API_TOKEN_MAX_DAYS).")
def create_token_command(username: str, name: str, days: int | None) -> None:
    """Create a personal access token for USERNAME and print it (it is shown only once)."""
    from emulation.api.services import create_token
    from emulation.auth.models import User
    from emulation.core.errors import ServiceError

    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None or not user.active:
        click.echo(f"error: no active user {username}", err=True)
        sys.exit(2)
    try:
        _token, secret = create_token(SYSTEM, user, name, days)
    except ServiceError as err:
        db.session.rollback()
        click.echo(f"error: {err.message}", err=True)
        sys.exit(2)
    click.echo(secret)


@click.command("seed-catalogue")
@with_appcontext
def seed_catalogue_command() -> None:
    """Add the award catalogue of DESIGN.md §4 (codes already present are left as edited)."""
    from emulation.awards.catalogue.data import seed

    added = seed(db.session)
    db.session.commit()
    click.echo(f"Award catalogue: {added} award types added.")


@click.command("build-document-templates")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write there instead of templates/documents/ (to compare).")
def document_templates_command(folder: Path | None) -> None:
    """Write the shipped default document templates (.docx, both styles) again from
    emulation/awards/documents/defaults.py; commit the files it changes."""
    from emulation.awards.documents.defaults import FOLDER, build_all

    for path in build_all(folder or FOLDER):
        click.echo(str(path))


@click.command("create-admin")
@with_appcontext
@click.option("--username", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="")
def create_admin_command(username: str, password: str, full_name: str) -> None:
    """Create an administrator account."""
    from emulation.auth import services
    from emulation.core.errors import ServiceError

    try:
        user = services.create_user(SYSTEM, username=username, password=password,
                                    full_name=full_name)
        services.add_grant(SYSTEM, user, "admin", None)
    except ServiceError as err:
        db.session.rollback()
        click.echo(f"error: {err.message}", err=True)
        sys.exit(1)
    click.echo(f"Administrator {user.username} created.")


@click.group("import")
def import_group() -> None:
    """Import units, people or their records from .xlsx or .csv (all-or-nothing). The report
    shows what the web's preview shows: the sheet and header row found, the columns, the rows
    read, the cells converted and every row error."""


def _run_import(kind: str, path: str, username: str | None, sheet: str | None = None,
                header_row: int | None = None, columns: tuple[str, ...] = (),
                dry_run: bool = False) -> None:
    from emulation.auth.models import User
    from emulation.core.errors import ServiceError
    from emulation.jobs import imports

    actor = SYSTEM
    if username:
        actor = db.session.scalar(select(User).where(User.username == username.lower()))
        if actor is None or not actor.active:
            click.echo(f"error: no active user {username}", err=True)
            sys.exit(2)
    file = Path(path)
    spec = imports.kind_of(kind)
    try:
        choices = imports.choices_from(sheet, header_row)
        choices.overrides = _column_choices(columns, spec.columns) if columns else None
        data = file.read_bytes()
    except OSError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    except (ServiceError, click.BadParameter) as err:
        click.echo(f"error: {getattr(err, 'message', err)}", err=True)
        sys.exit(2)
    try:
        with io.BytesIO(data) as stream:
            if dry_run:
                report = imports.check(actor, kind, stream, file.name, choices)
            else:
                report = imports.run(actor, kind, stream, file.name, choices,
                                     job_rows=sys.maxsize)
    except ServiceError as err:  # a record changed meanwhile (409): nothing was written
        db.session.rollback()
        click.echo(f"error: {err.message}", err=True)
        sys.exit(1)
    _print_report(report)
    if report.error:
        click.echo(f"error: {report.error}", err=True)
        sys.exit(2)
    if not report.result.ok:
        for error in report.result.errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(report.result.errors)} bad rows; nothing was written.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo("dry run: nothing was written.")
        return
    result = report.result
    click.echo(f"created: {result.created}, updated: {result.updated}, "
               f"unchanged: {result.unchanged}")


def _column_choices(given: tuple[str, ...], columns) -> dict[int, str]:
    """`--column C=full_name` (a column letter or number = a column key or template header)
    as {column index: key}."""
    from openpyxl.utils import column_index_from_string

    from emulation.core.vocabulary import key as word_key

    keys = {c.key: c.key for c in columns} | {word_key(c.header): c.key for c in columns}
    mapping: dict[int, str] = {}
    for item in given:
        where, _sep, name = item.partition("=")
        where, name = where.strip(), name.strip()
        try:
            index = int(where) - 1 if where.isdigit() else column_index_from_string(
                where.upper()) - 1
        except ValueError:
            raise click.BadParameter(f"{item}: the column is a letter or a number") from None
        if name and word_key(name) not in keys and name not in keys:
            raise click.BadParameter(f"{item}: no column {name} in this import "
                                     f"({', '.join(c.key for c in columns)})")
        mapping[index] = keys.get(name) or keys.get(word_key(name), "")
    return mapping


def _print_report(report) -> None:
    """The preview's content as text."""
    from openpyxl.utils import get_column_letter

    table = report.table
    if table is None:
        return
    where = f'sheet "{table.sheet}", ' if table.format == "xlsx" else ""
    encoding = f", {table.encoding}" if table.encoding else ""
    click.echo(f"file: {report.filename} ({where}header row {table.header_row}{encoding})")
    extent = ""
    if table.declared_rows and table.declared_rows < table.last_row:
        extent = (f" (the file declared {table.declared_rows} rows; all {table.last_row} "
                  "were read)")
    click.echo(f"data rows: {table.data_rows}{extent}")
    if table.ambiguous:
        others = "; ".join(f'sheet "{c.sheet}" row {c.row}' for c in table.candidates
                           if c.complete)
        click.echo(f"several header rows would do: {others} (the first is used; see "
                   "--sheet and --header-row)")
    names = {c.key: c.header for c in report.columns}
    for index, header in enumerate(table.headers):
        target = table.mapping.get(index)
        if header or target:
            shown = f"{names[target]} ({target})" if target else "not imported"
            click.echo(f"  column {get_column_letter(index + 1)} \"{header}\" -> {shown}")
    for row, why in table.skipped:
        click.echo(f"row {row} left out: {why}")
    for c in report.conversions:
        click.echo(f"row {c.row}, {c.column}: \"{c.before}\" -> \"{c.after}\" ({c.kind})")
    if report.result is not None and report.result.preview:
        click.echo("first rows as they will be stored:")
        for item in report.result.preview[:5]:
            values = " | ".join(str(item.get(c.key, "")) for c in report.columns)
            click.echo(f"  row {item['row']}: {values}")


def _import_command(kind: str, help_text: str):
    @import_group.command(kind, help=help_text)
    @with_appcontext
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--user", "username", help="Act as this user (their permissions apply).")
    @click.option("--sheet", help="The sheet to read (default: the one whose header matches).")
    @click.option("--header-row", type=click.IntRange(1, 1_048_576),
                  help="The header's row number (default: found among the first 20 rows).")
    @click.option("--column", "columns", multiple=True, metavar="COL=FIELD",
                  help="Read column COL (letter or number) as FIELD (a column of the template, "
                       "e.g. C=full_name or \"C=Họ và tên\"; COL= ignores it) instead of "
                       "what its header says; repeatable.")
    @click.option("--dry-run", is_flag=True, help="Check and print the report; write nothing.")
    def command(path: str, username: str | None, sheet: str | None, header_row: int | None,
                columns: tuple[str, ...], dry_run: bool) -> None:
        _run_import(kind, path, username, sheet, header_row, columns, dry_run)
    return command


for _kind, _help in (("units", "Units: Mã đơn vị, Tên đơn vị, Mã đơn vị cấp trên[, Loại đơn vị, "
                               "Địa chỉ]."),
                     ("people", "People: Mã cá nhân, Họ và tên, Giới tính, Ngày sinh (or Năm "
                                "sinh), Chức vụ, Mã đơn vị[, Email]."),
                     ("appraisals", "Appraisals: Mã cá nhân or Mã đơn vị, Năm, Xếp loại."),
                     ("initiatives", "Initiatives: Mã cá nhân, Năm, Phạm vi, Tên sáng kiến."),
                     ("disciplines", "Disciplines: Mã cá nhân, Hình thức kỷ luật, Từ ngày, "
                                     "Đến ngày."),
                     ("awards", "Award history: Mã cá nhân or Mã đơn vị, Mã khen thưởng (or "
                                "the award's name or abbreviation), Năm.")):
    _import_command(_kind, _help)
