"""`flask --app helpdesk tickets closed-day ...`: an organisation's extra closed days
(school holidays, study days) that the SLA clocks skip."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select

from helpdesk.directory.models import Organisation
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.tickets import desk_settings
from helpdesk.tickets.models import ClosedDay

tickets_cli = AppGroup("tickets", help="Tickets: closed days for the SLA clocks.")


def _org(code: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.code == code.upper()))
    if org is None:
        raise click.ClickException(f"no organisation with the code {code!r}")
    return org


@tickets_cli.command("closed-day")
@click.argument("org_code")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--note", default="", help="Why support is closed, e.g. Höstlov.")
@click.option("--remove", is_flag=True, help="Remove the day instead of adding it.")
def closed_day(org_code: str, day, note: str, remove: bool):
    """Add (or --remove) a closed day, e.g. `tickets closed-day EXK 2026-10-30 --note Höstlov`.
    The same rules as the Closed days page; open tickets get new deadlines."""
    org = _org(org_code)
    the_day: date = day.date()
    try:
        if remove:
            found = db.session.scalar(select(ClosedDay.id).where(ClosedDay.organisation_id == org.id,
                                                                 ClosedDay.day == the_day))
            if found is not None:
                desk_settings.remove_closed_day(None, found, organisation_id=org.id)
        else:
            desk_settings.add_closed_day(None, the_day, note, organisation_id=org.id)
    except ValidationFailed as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(f"{org.code} {the_day}: {'removed' if remove else 'closed'}")


@tickets_cli.command("closed-days")
@click.argument("org_code")
def closed_days(org_code: str):
    """List an organisation's closed days from today on."""
    org = _org(org_code)
    for row in desk_settings.closed_days(None, organisation_id=org.id):
        click.echo(f"{row.day}  {row.note}")


counters_cli = AppGroup("counters", help="The queue counters (tickets per status, tier, school and assignee).")
tickets_cli.add_command(counters_cli)


@counters_cli.command("rebuild")
def counters_rebuild():
    """Count the queue counters again from the tickets: the repair after a bulk load or when in doubt."""
    from helpdesk.tickets import counters

    rows = counters.rebuild()
    db.session.commit()
    click.echo(f"{rows} counter rows counted from the tickets")


@counters_cli.command("check")
def counters_check():
    """Compare the queue counters with a full count of the tickets; exits 1 when they differ."""
    from helpdesk.tickets import counters

    kept, full = counters.counted(), counters.full_count()
    wrong = sorted((k for k in kept.keys() | full.keys() if kept.get(k, 0) != full.get(k, 0)), key=str)
    for key in wrong:
        click.echo(f"{key}: counted {kept.get(key, 0)}, tickets {full.get(key, 0)}")
    if wrong:
        raise click.ClickException(f"{len(wrong)} counter rows differ; run `tickets counters rebuild`")
    click.echo(f"{len(full)} counter rows equal to the tickets")
