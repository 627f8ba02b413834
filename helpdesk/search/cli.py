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
@click.option("--restart", is_flag=True, help="Throw away a stopped rebuild and start over.")
@click.option("--batches", type=click.IntRange(min=1), default=None,
              help="Stop after this many batches (run again to continue).")
def reindex_command(restart: bool, batches: int | None):
    """Build a fresh index beside the live one, in batches, and swap it in. A rebuild that
    was stopped continues where it stopped; search answers from the old index meanwhile."""
    from helpdesk.search import rebuild, services

    started = time.monotonic()
    try:
        n = services.reindex(restart=restart, max_batches=batches)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    if rebuild.pending() is not None:
        click.echo(f"search: {n} documents built so far; stopped before the end. Run the same "
                   f"command again to continue (search answers from the old index meanwhile).")
        return
    click.echo(f"search: reindexed {n} documents in {time.monotonic() - started:.1f} s "
               f"({services.backend_name()})")


@search_cli.command("status")
def status_command():
    """Say which backend is used and how many documents it holds."""
    from helpdesk.search import rebuild, services

    for key, value in services.health().items():
        click.echo(f"{key}: {value}")
    building = rebuild.status()
    if building:
        click.echo(f"rebuild: {building['documents']} documents built so far (since "
                   f"{building['started_at']:%Y-%m-%d %H:%M} UTC); `flask search reindex` continues it")
