import click
from flask.cli import AppGroup

from helpdesk.notify.sender import send_pending

mail_cli = AppGroup("mail", help="The e-mail outbox.")


@mail_cli.command("send")
def send_command():
    """Send the mail waiting in the outbox."""
    sent, failed = send_pending(limit=1000)
    click.echo(f"sent {sent}, left for retry {failed}")


def init_app(app) -> None:
    app.cli.add_command(mail_cli)
