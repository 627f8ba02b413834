"""`flask --app helpdesk admin ...`: the same operations from the command line."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

admin_cli = AppGroup("admin", help="Manual administration through the SyncGuard.")


@admin_cli.command("load-courses")
def load_courses_command():
    """Load or refresh the course and subject catalogue from helpdesk/admin/data/courses.csv."""
    from helpdesk.admin.courses import load_courses
    from helpdesk.extensions import db

    added, updated = load_courses()
    db.session.commit()
    click.echo(f"courses: added {added}, updated {updated}")


@admin_cli.command("run")
@click.argument("operation")
@click.option("--as", "email", required=True, help="The administrator's e-mail address.")
@click.option("--params", default="{}", help='The parameters as JSON, e.g. \'{"group_id": 3, "name": "Arbetslag F-3"}\'.')
@click.option("--reason", default=None, help="Why, when the operation needs central's approval.")
def run_command(operation: str, email: str, params: str, reason: str | None):
    """Carry out OPERATION as an administrator (create_group, rename_group, link_appraisal_mentor, ...)."""
    from helpdesk.admin.guard import Refused
    from helpdesk.admin.operations import HANDLERS, perform
    from helpdesk.auth.services import find_user_by_email
    from helpdesk.errors import HelpdeskError
    from helpdesk.extensions import db

    if operation not in HANDLERS:
        raise click.UsageError(f"unknown operation; one of: {', '.join(sorted(HANDLERS))}")
    user = find_user_by_email(email)
    if user is None:
        raise click.UsageError("no such account")
    try:
        values = json.loads(params)
        if not isinstance(values, dict):
            raise ValueError
    except ValueError:
        raise click.UsageError("--params must be a JSON object") from None
    from flask_babel import force_locale

    # No request here: messages and request summaries are written in the admin's language.
    with force_locale(user.locale or "sv"):
        try:
            result = perform(user, operation, values, reason=reason)
            db.session.commit()
        except Refused as exc:
            db.session.rollback()
            click.echo(f"refused (rule {exc.rule_number}): {exc.reason}", err=True)
            raise SystemExit(3) from None
        except HelpdeskError as exc:
            db.session.rollback()
            click.echo(f"not done: {exc.message}", err=True)
            raise SystemExit(1) from None
    if result.done:
        click.echo("done")
    else:
        click.echo(f"sent for approval: request {result.request.id}")
