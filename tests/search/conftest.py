import shutil

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from tests.conftest import _cleanup, _make_app


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


# (database backend, search backend) -> the indexed demo's template name and index directory.
_INDEXED: dict[tuple[str, str], tuple[str, object]] = {}


@pytest.fixture
def indexed_app(backend, tmp_path, tmp_path_factory, app_config):
    """The demo with every shipped article (and the demo draft) in the search index.

    Indexing the demo took two seconds a test. It is done once per test process and search
    backend, on a copy of the demo; that database becomes a template and the index directory
    is kept, and every test gets its own copy of both, as with the demo itself.
    """
    key = (backend.kind, app_config["SEARCH_BACKEND"])
    if key not in _INDEXED:
        build_dir = tmp_path_factory.mktemp("indexed")
        app, url = _make_app(backend, build_dir, "demo", app_config)
        build_index(app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        name = f"indexed_{key[1]}"
        backend.keep(name, url)
        _cleanup(app, backend, url)
        _INDEXED[key] = (name, build_dir / "search-index")
    name, index_dir = _INDEXED[key]
    app, url = _make_app(backend, tmp_path, name, app_config)
    if index_dir.exists():  # the PostgreSQL search backend keeps its index in the database
        shutil.copytree(index_dir, app.config["SEARCH_INDEX_DIR"], dirs_exist_ok=True)
    yield app
    _cleanup(app, backend, url)


def user(email):
    from helpdesk.auth.models import User

    return db.session.scalar(select(User).where(User.email == email))
