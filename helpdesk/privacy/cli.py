"""`flask --app helpdesk privacy retention CODE [--dry-run]`: the retention rules from the
command line, the same service as the page."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from helpdesk.directory.models import Organisation
from helpdesk.extensions import db

privacy_cli = AppGroup("privacy", help="Personal data: retention rules.")


@privacy_cli.command("retention")
@click.argument("org_code")
@click.option("--dry-run", is_flag=True, help="Print what the confirmed rules would do, and change nothing.")
def retention_command(org_code: str, dry_run: bool):
    """Carry out (or with --dry-run, report) an organisation's confirmed retention rules,
    e.g. `privacy retention EXK --dry-run`. Prints counts only, never names."""
    from helpdesk.privacy import retention

    org = db.session.scalar(select(Organisation).where(Organisation.code == org_code.upper()))
    if org is None:
        raise click.ClickException(f"no organisation with the code {org_code!r}")
    row = retention.settings_row(org.id)
    if row is None or row.active is None:
        raise click.ClickException("no confirmed retention rules: the central team confirms them at /privacy/retention")
    if dry_run:
        for r in retention.dry_run(org.id, row.active):
            examples = f" (e.g. {', '.join(r.examples)})" if r.examples else ""
            click.echo(f"{r.key} ({r.days} days): {r.count}{examples}")
        return
    counts = retention.run(org.id)
    db.session.commit()
    for key, n in counts.items():
        click.echo(f"{key}: {n}")
