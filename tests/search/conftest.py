import pytest
from sqlalchemy import select

from helpdesk.extensions import db


@pytest.fixture(params=["whoosh", "postgres"])
def app_config(request, backend):
    """Every search test runs on Whoosh, and on PostgreSQL full-text search when the
    database is PostgreSQL (TEST_DATABASE_URL)."""
    if request.param == "postgres" and backend.kind != "postgresql":
        pytest.skip("the PostgreSQL backend needs TEST_DATABASE_URL")
    return {"SEARCH_BACKEND": request.param}


def build_index(app):
    from helpdesk.search import services

    with app.test_request_context():
        services.ensure_index()
        services.process_outbox()


@pytest.fixture
def indexed_app(demo_app):
    """The demo with every shipped article (and the demo draft) in the search index."""
    build_index(demo_app)
    return demo_app


def user(email):
    from helpdesk.auth.models import User

    return db.session.scalar(select(User).where(User.email == email))
