"""`flask --app helpdesk boards ensure`: a Supportgruppen board for every organisation and a
forum for every vendor (also run by `flask setup`)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from helpdesk.extensions import db

boards_cli = AppGroup("boards", help="Support-group boards.")


def ensure_all_boards() -> int:
    from helpdesk.boards.models import Board
    from helpdesk.boards.boards import ensure_support_board, ensure_vendor_board
    from helpdesk.directory.models import Organisation, Vendor

    before = len(db.session.scalars(select(Board.id)).all())
    for org in db.session.scalars(select(Organisation)):
        ensure_support_board(org)
    for vendor in db.session.scalars(select(Vendor)):
        ensure_vendor_board(vendor)
    return len(db.session.scalars(select(Board.id)).all()) - before


@boards_cli.command("ensure")
def ensure_command():
    """Make the missing default boards."""
    made = ensure_all_boards()
    db.session.commit()
    click.echo(f"boards made: {made}")


def setup_step() -> None:
    ensure_all_boards()
