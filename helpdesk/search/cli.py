"""`flask --app helpdesk search work|reindex|status`."""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("work")
@click.option("--once", is_flag=True, help="Drain the outbox once and stop.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--batch", default=500, show_default=True, help="Outbox rows per batch.")
def work_command(once: bool, interval: float, batch: int):
    """Keep the index up to date: drain the index outbox, beside the web server."""
    from helpdesk.search import services

    if services.ensure_index():
        click.echo("search: the index was missing or unreadable and has been rebuilt")
    while True:
        counts = services.process_outbox(batch_size=batch)
        if counts["skipped"]:
            click.echo("search: another indexer holds the lease")
        elif counts["batches"]:
            click.echo(f"search: indexed {counts['indexed']}, removed {counts['removed']}")
        if once:
            return
        time.sleep(interval)


@search_cli.command("reindex")
def reindex_command():
    """Build a fresh index beside the live one and swap it in."""
    from helpdesk.search import services

    started = time.monotonic()
    try:
        n = services.reindex()
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"search: reindexed {n} documents in {time.monotonic() - started:.1f} s "
               f"({services.backend_name()})")


@search_cli.command("status")
def status_command():
    """Say which backend is used and how many documents it holds."""
    from helpdesk.search import services

    for key, value in services.health().items():
        click.echo(f"{key}: {value}")
