"""`flask --app wsgi demo [--reset]`: registered only where demo data belongs
(`DEMO_COMMANDS`: on in development, off in production unless `THIDUA_DEMO=1`), so that
`erase_all()` is not one command away on a production server."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from emulation import demo
from emulation.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(demo_command)


@click.command("demo")
@with_appcontext
@click.option("--reset", is_flag=True, help="Erase every record, then load the demo data.")
def demo_command(reset: bool) -> None:
    """Load the demo data when the database is empty (or after --reset)."""
    from emulation.auth.models import User

    if reset:
        demo.erase_all()
    if db.session.scalar(select(func.count(User.id))):
        click.echo("The database already holds data; demo data not loaded "
                   "(use --reset to replace it).")
    else:
        counts = demo.load()
        click.echo(f"Demo data loaded: {counts['units']} units, {counts['people']} people, "
                   f"{counts['users']} accounts, {counts['campaigns']} campaigns (2026 "
                   f"pledges: {counts['approved']} approved, {counts['submitted']} submitted, "
                   f"{counts['draft']} draft, {counts['returned']} returned, "
                   f"{counts['none']} not started).")
    demo.print_accounts(click.echo)
