"""Commands: `demo` builds the demo municipality."""
from __future__ import annotations

import time

import click

from helpdesk.extensions import db


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and say so) when the database has data.")
@click.option("--history/--no-history", default=True, show_default=True,
              help="Also load about six months of past questions, board threads and searches.")
def demo_command(if_empty: bool, history: bool = True):
    """Load the demo municipality. Never over existing data."""
    from helpdesk.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, build_demo, database_is_empty

    if not database_is_empty():
        click.echo("The database already has organisations; the demo is loaded only into an empty database.")
        if if_empty:
            return
        raise SystemExit(1)
    started, cpu = time.perf_counter(), time.process_time()
    build_demo(history=history)
    db.session.commit()
    # Both figures: on a shared machine the wall time says more about the neighbours.
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    click.echo(f"Demo loaded{' with its history' if history else ''} in {took:.1f} s ({cpu:.1f} s of CPU).")
    click.echo(f"Every account has the password '{DEMO_PASSWORD}':")
    for email, what in DEMO_ACCOUNTS:
        click.echo(f"  {email:42} {what}")




_SETUP_STEPS: list[tuple[int, str, object]] = []


def add_setup_step(order: int, name: str, step) -> None:
    """Capabilities add what `flask setup` (and so `make run`) must do after the demo."""
    if all(n != name for _, n, _ in _SETUP_STEPS):
        _SETUP_STEPS.append((order, name, step))


@click.command("setup")
@click.option("--no-demo", is_flag=True, help="Do not load the demo into an empty database.")
@click.option("--history/--no-history", default=True, show_default=True,
              help="Load the demo with about six months of past activity (default) or without.")
def setup_command(no_demo: bool, history: bool = True):
    """Create or upgrade the database, load the demo when it is empty, run setup steps."""
    from flask_migrate import upgrade

    from helpdesk.demo import database_is_empty

    upgrade()
    if not no_demo and database_is_empty():
        click.get_current_context().invoke(demo_command, if_empty=True, history=history)
    for _order, name, step in sorted(_SETUP_STEPS, key=lambda s: s[0]):
        click.echo(f"setup: {name}")
        step()
    db.session.commit()


def init_app(app) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(setup_command)
    from helpdesk.core.tick import jobs_command, tick_command

    app.cli.add_command(tick_command)
    app.cli.add_command(jobs_command)
    from helpdesk.core.checkconfig import check_config_command

    app.cli.add_command(check_config_command)
    from helpdesk.core.backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
