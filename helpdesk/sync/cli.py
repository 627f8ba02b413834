"""`flask --app helpdesk sync import PATH [--dry-run] [--full]`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

sync_cli = AppGroup("sync", help="The nightly SS 12000 sync.")


@sync_cli.command("import")
@click.argument("path", type=click.Path(exists=True))
@click.option("--dry-run", is_flag=True, help="Print what would change (counts and samples); change nothing.")
@click.option("--full", is_flag=True,
              help="The export is complete: sync-owned objects missing from it are marked inactive.")
def import_command(path: str, dry_run: bool, full: bool):
    """Import an SS 12000 export: one JSON file, or a directory with one file per entity."""
    from helpdesk.sync.importer import SyncBusy, run_import
    from helpdesk.sync.notices import wording
    from helpdesk.sync.reader import MalformedExport

    try:
        result = run_import(path, dry_run=dry_run, full=full)
    except MalformedExport as exc:
        click.echo(f"The export is malformed, nothing was changed: {exc}", err=True)
        raise SystemExit(2) from None
    except SyncBusy as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(4) from None
    report = result.report
    click.echo("Dry run: nothing was changed." if dry_run else f"Sync run {result.run.id} done.")
    for kind, actions in report.plain_counts().items():
        click.echo(f"  {kind}: " + ", ".join(f"{a} {n}" for a, n in sorted(actions.items())))
    if report.samples:
        click.echo("Samples:")
        for key, labels in sorted(report.samples.items()):
            click.echo(f"  {key}: " + "; ".join(labels))
    if report.warnings:
        click.echo(f"Warnings ({len(report.warnings)}):")
        for w in report.warnings[:20]:
            click.echo(f"  {wording(w)}")
