"""`flask --app helpdesk mail fetch | take-in | quarantine | vendor-desk` (the `mail` group
is notify's, which has `send`)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from helpdesk.directory.models import Vendor
from helpdesk.extensions import db
from helpdesk.mailin import imap
from helpdesk.mailin.intake import take_in
from helpdesk.mailin.models import InboundMail
from helpdesk.mailin.reasons import reason_text


@click.command("fetch")
@with_appcontext
def fetch_command():
    """Read the IMAP mailboxes (MAIL_IMAP_* in the environment) once."""
    boxes = imap.configured_mailboxes()
    if not boxes:
        raise click.ClickException("No mailbox configured: set MAIL_IMAP_HOST, MAIL_IMAP_USER and MAIL_IMAP_PASSWORD.")
    for box in boxes:
        click.echo(f"{box.label}: {imap.summary(imap.fetch_mailbox(box))}")


@click.command("take-in")
@with_appcontext
@click.argument("source", type=click.File("rb"), default="-")
def take_in_command(source):
    """Take in one mail from a file or standard input (for a pipe or LMTP delivery)."""
    raw = source.read()
    row = take_in(raw)
    db.session.commit()
    click.echo(f"{row.outcome.value}: {reason_text(row.reason) if row.reason else 'ok'}")
    # A mail transfer agent piping to us must not bounce refused mail back to its sender.
    sys.exit(0)


@click.command("quarantine")
@with_appcontext
@click.option("--limit", type=click.IntRange(1, 1000), default=50)
def quarantine_command(limit: int):
    """The latest mail that was not taken in, for the operator (every organisation)."""
    rows = db.session.scalars(select(InboundMail).where(InboundMail.reason.is_not(None))
                              .order_by(InboundMail.id.desc()).limit(limit))
    for row in rows:
        click.echo(f"{row.received_at:%Y-%m-%d %H:%M} {row.outcome.value:11} {row.sender:30} "
                   f"{row.reason}: {row.detail or ''}")


@click.command("vendor-desk")
@with_appcontext
@click.argument("vendor_name")
@click.argument("address", default="")
def vendor_desk_command(vendor_name: str, address: str):
    """Work a vendor "by e-mail": its desk's address (empty: its agents log in instead)."""
    from email_validator import EmailNotValidError, validate_email

    vendor = db.session.scalar(select(Vendor).where(Vendor.name == vendor_name))
    if vendor is None:
        raise click.ClickException(f"No vendor named {vendor_name!r}.")
    if address:
        try:
            address = validate_email(address, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            raise click.ClickException(str(exc)) from None
    vendor.desk_email = address or None
    db.session.commit()
    click.echo(f"{vendor.name}: " + (f"escalations go to {address}" if address else "worked by logging in"))


def init_app(app) -> None:
    from helpdesk.notify.cli import mail_cli

    for command in (fetch_command, take_in_command, quarantine_command, vendor_desk_command):
        mail_cli.add_command(command)
