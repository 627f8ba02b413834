import pytest
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db


@pytest.fixture
def ctx(demo_app):
    """An app context on the demo with `user(email)` to look accounts up."""
    with demo_app.app_context():
        yield


def user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))
