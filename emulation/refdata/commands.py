"""`flask reference ...`: list and change the base salary table and the working calendar from
the command line; changes are audited as made by `system`."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from emulation.core.calendar import DAY_KINDS
from emulation.core.errors import ServiceError
from emulation.core.permissions import SYSTEM
from emulation.core.web import local_today
from emulation.extensions import db
from emulation.refdata import services


@click.group("reference")
def reference_group() -> None:
    """Reference data: base salaries and the working calendar (holidays, swaps, make-up days)."""


@reference_group.command("salaries")
@with_appcontext
def salaries_command() -> None:
    """List the base salary table, newest first."""
    for row in services.base_salaries():
        click.echo(f"{row.id}\t{row.effective_from.isoformat()}\t{row.amount}\t"
                   f"{row.legal_reference}")


@reference_group.command("add-salary")
@with_appcontext
@click.option("--from", "effective_from", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="The day it takes effect, YYYY-MM-DD.")
@click.option("--amount", required=True, type=int, help="The amount in VND.")
@click.option("--source", required=True, help="The legal text that sets it.")
def add_salary_command(effective_from, amount: int, source: str) -> None:
    """Add a base salary in force from a day."""
    row = _run(lambda: services.add_base_salary(SYSTEM, effective_from=effective_from.date(),
                                                amount=amount, legal_reference=source))
    click.echo(f"Base salary {row.amount} VND from {row.effective_from.isoformat()} added.")


@reference_group.command("remove-salary")
@with_appcontext
@click.argument("salary_id", type=int)
def remove_salary_command(salary_id: int) -> None:
    """Remove a row of the base salary table by its id."""
    _run(lambda: services.remove_base_salary(SYSTEM, services.get_base_salary(salary_id)))
    click.echo("Base salary removed.")


@reference_group.command("calendar")
@with_appcontext
@click.option("--year", type=click.IntRange(1995, 2100), default=lambda: local_today().year)
def calendar_command(year: int) -> None:
    """List the year's holidays, swapped days off and make-up working days."""
    for e in services.year_calendar(year):
        mark = "working" if e["working"] else "off"
        ident = e["override_id"] or "-"
        click.echo(f"{ident}\t{e['day'].isoformat()}\t{e['kind']}\t{mark}\t{e['name']}\t"
                   f"{e['source']}")


@reference_group.command("add-day")
@with_appcontext
@click.option("--day", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--kind", required=True, type=click.Choice(DAY_KINDS))
@click.option("--name", required=True)
@click.option("--source", required=True, help="The text that decided it.")
def add_day_command(day, kind: str, name: str, source: str) -> None:
    """Add a holiday, a swapped day off or a make-up working day."""
    row = _run(lambda: services.add_override(SYSTEM, day=day.date(), kind=kind, name=name,
                                             source=source))
    click.echo(f"{row.day.isoformat()} ({row.kind}) added.")


@reference_group.command("remove-day")
@with_appcontext
@click.argument("holiday_id", type=int)
def remove_day_command(holiday_id: int) -> None:
    """Remove a calendar override by its id."""
    _run(lambda: services.remove_override(SYSTEM, services.get_override(holiday_id)))
    click.echo("Calendar day removed.")


def _run(operation):
    try:
        return operation()
    except ServiceError as err:
        db.session.rollback()
        click.echo(f"error: {err.message}", err=True)
        sys.exit(1)
