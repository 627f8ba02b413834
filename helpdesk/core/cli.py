"""Commands: `demo` builds the demo municipality."""
from __future__ import annotations

import click

from helpdesk.extensions import db


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and say so) when the database has data.")
def demo_command(if_empty: bool):
    """Load the demo municipality. Never over existing data."""
    from helpdesk.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, build_demo, database_is_empty

    if not database_is_empty():
        click.echo("The database already has organisations; the demo is loaded only into an empty database.")
        if if_empty:
            return
        raise SystemExit(1)
    build_demo()
    db.session.commit()
    click.echo(f"Demo loaded. Every account has the password '{DEMO_PASSWORD}':")
    for email, what in DEMO_ACCOUNTS:
        click.echo(f"  {email:42} {what}")


def init_app(app) -> None:
    app.cli.add_command(demo_command)
