from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db


@pytest.fixture
def ctx(demo_app):
    """An app context on the demo. A request context, because the errors' messages are
    lazy translations that Flask-Babel resolves with the request's language."""
    with demo_app.test_request_context():
        yield demo_app


def user(email: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    assert found is not None, email
    return found


def support_board(org_name="Exempelkommun"):
    from helpdesk.boards.models import Board
    from helpdesk.directory.models import Organisation

    return db.session.scalar(select(Board).join(Organisation, Organisation.id == Board.organisation_id)
                             .where(Organisation.name == org_name, Board.is_default.is_(True)))


def thread_titled(start):
    from helpdesk.boards.models import Thread

    return db.session.scalar(select(Thread).where(Thread.title.startswith(start)))
