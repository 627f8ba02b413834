"""`flask --app helpdesk insight rebuild [ORG_CODE]`: count the overview's daily rollup again
from the tickets (after a bulk load that wrote tickets around the ticket service, or when a
figure is in doubt)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from helpdesk.directory.models import Organisation
from helpdesk.extensions import db
from helpdesk.insight import rollup

insight_cli = AppGroup("insight", help="The overview: its daily rollup.")


@insight_cli.command("rebuild")
@click.argument("org_code", required=False)
def rebuild(org_code: str | None) -> None:
    """Rebuild the daily rollup of one organisation (by its code) or of all."""
    org_id = None
    if org_code:
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.code == org_code.upper()))
        if org_id is None:
            raise click.ClickException(f"no organisation with the code {org_code!r}")
    days = rollup.rebuild(org_id)
    db.session.commit()
    click.echo(f"Counted {days} days again.")
