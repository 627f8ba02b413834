"""`flask --app helpdesk sync import PATH [--dry-run] [--full]` and `sync import --confirm RUN`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

sync_cli = AppGroup("sync", help="The nightly SS 12000 sync.")


@sync_cli.command("import")
@click.argument("path", type=click.Path(exists=True), required=False)
@click.option("--dry-run", is_flag=True, help="Print the plan and what would change; change nothing.")
@click.option("--full", is_flag=True,
              help="The export is complete: sync-owned objects missing from it are marked inactive.")
@click.option("--confirm", "confirm", type=int, metavar="RUN",
              help="Apply a run held for review (its export must be unchanged).")
def import_command(path: str | None, dry_run: bool, full: bool, confirm: int | None):
    """Import an SS 12000 export: one JSON file, or a directory with one file per entity."""
    from helpdesk.sync.importer import ConfirmRefused, SyncBusy, confirm_held_run, run_import
    from helpdesk.sync.reader import MalformedExport

    if (path is None) == (confirm is None):
        raise click.UsageError("give either PATH or --confirm RUN")
    if confirm is not None and (dry_run or full):
        raise click.UsageError("--confirm applies the held run as it was planned; leave out --dry-run and --full")
    try:
        result = confirm_held_run(confirm) if confirm is not None else run_import(path, dry_run=dry_run, full=full)
    except MalformedExport as exc:
        click.echo(f"The export is malformed, nothing was changed: {exc}", err=True)
        raise SystemExit(2) from None
    except SyncBusy as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(4) from None
    except ConfirmRefused as exc:
        click.echo(str(exc.message), err=True)
        raise SystemExit(5) from None
    _print_plan(result)
    if result.held:
        click.echo(f"Sync run {result.run.id} is HELD FOR REVIEW: it would deactivate more than "
                   f"{current_app.config['SYNC_MAX_REMOVAL_SHARE']:.0%} of an organisation's synced people or "
                   f"groups. Nothing was changed; central has been told. Apply it with: "
                   f"flask --app helpdesk sync import --confirm {result.run.id}")
        raise SystemExit(3)
    _print_changes(result)


def _print_plan(result) -> None:
    share = current_app.config["SYNC_MAX_REMOVAL_SHARE"]
    click.echo("Plan:")
    for c in result.plan:
        held = " (over the removal limit: would be held for review)" if c.too_destructive(share) else ""
        click.echo(f"  {c.organisation}{held}")
        for kind, label in (("persons", "people"), ("groups", "groups")):
            n = getattr(c, kind)
            click.echo(f"    {label}: created {n['created']}, updated {n['updated']}, deactivated "
                       f"{n['deactivated']} of {n['active']} active ({c.removal_share(kind):.1%})")


def _print_changes(result) -> None:
    from helpdesk.sync.notices import wording

    report = result.report
    click.echo("Dry run: nothing was changed." if result.dry_run else f"Sync run {result.run.id} done.")
    for kind, actions in report.plain_counts().items():
        click.echo(f"  {kind}: " + ", ".join(f"{a} {n}" for a, n in sorted(actions.items())))
    if report.samples:
        click.echo("Samples:")
        for key, labels in sorted(report.samples.items()):
            if labels:
                click.echo(f"  {key}: " + "; ".join(labels))
    if report.warnings:
        click.echo(f"Warnings ({len(report.warnings)}):")
        for w in report.warnings[:20]:
            click.echo(f"  {wording(w)}")
