"""Command line: `flask --app wsgi worker|create-admin|import|backup|remind ...` (the demo command
lives in `emulation.demo.commands`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from emulation.core.permissions import SYSTEM
from emulation.core.tabular import TableError, read_table
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
    """Import units, people or their records from .xlsx or .csv (all-or-nothing)."""


def _run_import(kind: str, path: str, username: str | None) -> None:
    from emulation.auth.models import User

    columns, run = importer(kind)
    actor = SYSTEM
    if username:
        actor = db.session.scalar(select(User).where(User.username == username.lower()))
        if actor is None or not actor.active:
            click.echo(f"error: no active user {username}", err=True)
            sys.exit(2)
    file = Path(path)
    try:
        with file.open("rb") as stream:
            rows = read_table(stream, file.name, columns, 10_000_000)
    except (OSError, TableError) as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    result = run(actor, rows)
    if not result.ok:
        for error in result.errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(result.errors)} bad rows; nothing was written.", err=True)
        sys.exit(1)
    click.echo(f"created: {result.created}, updated: {result.updated}, "
               f"unchanged: {result.unchanged}")


def importer(kind: str):
    """(columns, run(actor, rows)) of an import kind; one table for the web and the CLI."""
    from emulation.awards.records import importers as records
    from emulation.org import importers

    if kind in records.COLUMNS:
        return records.COLUMNS[kind], lambda actor, rows: records.run_import(kind, actor, rows)
    return {"units": (importers.UNIT_COLUMNS, importers.import_units),
            "people": (importers.PEOPLE_COLUMNS, importers.import_people)}[kind]


def _records_command(kind: str, help_text: str):
    @import_group.command(kind, help=help_text)
    @with_appcontext
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--user", "username", help="Act as this user (their permissions apply).")
    def command(path: str, username: str | None) -> None:
        _run_import(kind, path, username)
    return command


for _kind, _help in (("appraisals", "Appraisals: Mã cá nhân or Mã đơn vị, Năm, Xếp loại."),
                     ("initiatives", "Initiatives: Mã cá nhân, Năm, Phạm vi, Tên sáng kiến."),
                     ("disciplines", "Disciplines: Mã cá nhân, Hình thức kỷ luật, Từ ngày, "
                                     "Đến ngày."),
                     ("awards", "Award history: Mã cá nhân or Mã đơn vị, Mã khen thưởng, "
                                "Năm.")):
    _records_command(_kind, _help)


@import_group.command("units")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", help="Act as this user (their permissions apply).")
def import_units_command(path: str, username: str | None) -> None:
    """Units: Mã đơn vị, Tên đơn vị, Mã đơn vị cấp trên[, Loại đơn vị, Địa chỉ]."""
    _run_import("units", path, username)


@import_group.command("people")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", help="Act as this user (their permissions apply).")
def import_people_command(path: str, username: str | None) -> None:
    """People: Mã cá nhân, Họ và tên, Giới tính, Ngày sinh, Chức vụ, Mã đơn vị[, Email]."""
    _run_import("people", path, username)
