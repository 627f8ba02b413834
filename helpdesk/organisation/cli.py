"""`flask --app helpdesk org ...`: the platform operator's commands.

Whoever runs these on the server runs the installation, so they act as the operator.
"""
from __future__ import annotations

from types import SimpleNamespace

import click
from flask.cli import AppGroup

org_cli = AppGroup("org", help="Organisations, their first central admin and the platform operators.")
operator_cli = AppGroup("operator", help="Platform operator accounts.")
org_cli.add_command(operator_cli)


class CommandLine:
    """The actor of a command run on the server: the installation's operator (audited as
    "command line"; it has no account)."""

    id = None
    session_key = "command-line"
    is_authenticated = True
    person_id = organisation_id = vendor_id = None
    email = "command line"
    display_name = "command line"

    def __init__(self):
        from helpdesk.auth.models import Role

        self.roles = [SimpleNamespace(role=Role.OPERATOR, organisation_id=None, school_id=None, group_id=None)]


def _run(change):
    from helpdesk.errors import HelpdeskError
    from helpdesk.extensions import db

    try:
        result = change(CommandLine())
    except HelpdeskError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    return result


@org_cli.command("create")
@click.option("--code", required=True, help="2-8 letters, e.g. EXK; starts the ticket numbers.")
@click.option("--name", required=True, help='e.g. "Exempelkommun".')
@click.option("--autosync/--no-autosync", default=True, help="Schools and people come from the nightly sync.")
@click.option("--vendor", default=None, help="The school platform's vendor (made when new).")
@click.option("--support-email", default=None, help="The central team's shared e-mail address.")
def create_command(code, name, autosync, vendor, support_email):
    """Create an organisation."""
    from helpdesk.organisation.organisations import create_organisation

    org = _run(lambda actor: create_organisation(actor, code=code, name=name, autosync=autosync,
                                                 vendor=vendor, support_email=support_email))
    click.echo(f"created {org.code} {org.name} (id {org.id}, autosync {'on' if org.autosync else 'off'})")


@org_cli.command("invite-admin")
@click.argument("code")
@click.argument("email")
def invite_admin_command(code, email):
    """Make EMAIL a central admin of the organisation CODE; a new account gets an invitation
    (a single-use link valid 7 days) by e-mail."""
    from helpdesk.auth.models import Role
    from helpdesk.organisation.appointments import appoint
    from helpdesk.organisation.organisations import organisation_by_code

    def change(actor):
        org = organisation_by_code(code)
        return appoint(actor, role=Role.CENTRAL_ADMIN, organisation_id=org.id, email=email)

    outcome = _run(change)
    click.echo(f"{outcome.user.email} is central admin; "
               + ("an invitation is in the outbox" if outcome.account_created else "told by e-mail"))


@org_cli.command("list")
def list_command():
    """List the organisations."""
    from helpdesk.organisation.organisations import all_organisations

    for org in all_organisations(CommandLine()):
        click.echo(f"{org.code}\t{org.name}\tautosync {'on' if org.autosync else 'off'}")


@operator_cli.command("add")
@click.argument("email")
def operator_add_command(email):
    """Make EMAIL a platform operator (a new account gets an invitation by e-mail)."""
    from helpdesk.organisation.appointments import add_operator

    outcome = _run(lambda actor: add_operator(actor, email))
    click.echo(f"{outcome.user.email} is a platform operator"
               + ("; an invitation is in the outbox" if outcome.account_created else ""))
