"""Shared fixtures: a fresh database per test, on SQLite and (with TEST_DATABASE_URL) PostgreSQL.

Each backend keeps two template databases built once per session, one empty and one with
the demo municipality; every test gets its own copy (a file copy on SQLite, CREATE DATABASE
... TEMPLATE on PostgreSQL), so tests never see each other's data and need no cleanup.
"""
from __future__ import annotations

import itertools
import os
import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import close_all_sessions

from helpdesk import create_app
from helpdesk.extensions import db
from tests.support import app_build_cache, pg_reuse

# Each test builds its own app; the compiled URL builders and templates are shared.
app_build_cache.install()

# CI (.ci/run sets HYPOTHESIS_PROFILE=ci): the same examples on every run, so a failure can
# be run again and a green run means the same thing each time; no example database to
# write, and no per-example deadline that a busy shared machine would trip. The number of
# examples stays what each test asks for.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
_counter = itertools.count()


def _base_config(tmp: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SEARCH_INDEX_DIR": str(tmp / "search-index"),
        # The demo's few dozen documents index faster than processes start.
        "SEARCH_INDEX_PROCS": 1,
        "UPLOAD_DIR": str(tmp / "uploads"),
        "MAIL_DROP_DIR": str(tmp / "mail"),
        "MAIL_SERVER": "",
        # Cheap scrypt parameters: the suite logs in thousands of times.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }


def _fill_template(url: str, tmp: Path, fill) -> None:
    app = create_app({**_base_config(tmp), "SQLALCHEMY_DATABASE_URI": url},
                     instance_path=str(tmp / "instance"))
    with app.app_context():
        db.create_all()
        fill()
        db.session.commit()
        db.engine.dispose()


class _SQLiteTemplates:
    def __init__(self, root: Path):
        self.root = root

    def url(self, path: Path) -> str:
        return f"sqlite:///{path}"

    def build(self, name: str, fill) -> None:
        _fill_template(self.url(self.root / f"{name}.sqlite"), self.root, fill)

    def copy(self, name: str, dest_dir: Path) -> str:
        dest = dest_dir / "test.sqlite"
        shutil.copyfile(self.root / f"{name}.sqlite", dest)
        return self.url(dest)

    def keep(self, name: str, url: str) -> None:
        """Make the database at `url` (its engine disposed) the template `name`."""
        shutil.copyfile(make_url(url).database, self.root / f"{name}.sqlite")

    def drop(self, url: str) -> None:
        pass


class _PostgresTemplates:
    def __init__(self, url: str, tmp: Path):
        self.tmp = tmp
        self.base = make_url(url).set(drivername="postgresql+psycopg")
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        self.prefix = f"hdt_{os.getpid()}"
        self.names = ["empty", "demo"]
        # A copy a test is done with goes back to its template's contents and waits here for
        # the next test of that template (tests/support/pg_reuse.py), instead of being
        # dropped and made again: template name -> free copies; copy -> its template.
        self.free: dict[str, list[str]] = {}
        self.template_of: dict[str, str] = {}
        self.reusable: set[str] = set()

    def _url_for(self, dbname: str) -> str:
        return self.base.set(database=dbname).render_as_string(hide_password=False)

    def _recreate(self, dbname: str, template: str | None = None) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{dbname}"{suffix}'))

    def build(self, name: str, fill) -> None:
        dbname = f"{self.prefix}_tpl_{name}"
        if name not in self.names:
            self.names.append(name)
        self._recreate(dbname)
        _fill_template(self._url_for(dbname), self.tmp, fill)
        self._keep_pristine(name)

    def _keep_pristine(self, name: str) -> None:
        if pg_reuse.keep_pristine(self._url_for(f"{self.prefix}_tpl_{name}")):
            self.reusable.add(name)

    def copy(self, name: str, dest_dir: Path) -> str:
        free = self.free.get(name)
        if free:
            return self._url_for(free.pop())
        dbname = f"{self.prefix}_{next(_counter)}"
        self._recreate(dbname, template=f"{self.prefix}_tpl_{name}")
        if name in self.reusable:
            self.template_of[dbname] = name
        return self._url_for(dbname)

    def keep(self, name: str, url: str) -> None:
        """Make the database at `url` (its engine disposed) the template `name`."""
        dbname = f"{self.prefix}_tpl_{name}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{dbname}" TEMPLATE "{make_url(url).database}"'))
        self.names.append(name)
        self._keep_pristine(name)

    def drop(self, url: str) -> None:
        dbname = make_url(url).database
        template = self.template_of.get(dbname)
        if template is not None and pg_reuse.restore(self._url_for(dbname), dbname):
            self.free.setdefault(template, []).append(dbname)
            return
        self.template_of.pop(dbname, None)
        self._drop(dbname)

    def _drop(self, dbname: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))

    def close(self) -> None:
        for free in self.free.values():
            for dbname in free:
                self._drop(dbname)
        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.prefix}_tpl_{name}" WITH (FORCE)'))
        self.admin.dispose()


def pytest_collection_modifyitems(config, items):
    """A test marked sqlite_only is left out of the PostgreSQL run.

    (Choosing the backend per case with an indirect parametrization instead gave each case
    its own param index, and pytest built the session's template databases for every test.)"""
    keep, left_out = [], []
    for item in items:
        on_postgres = getattr(item, "callspec", None) and item.callspec.params.get("backend") == "postgresql"
        (left_out if on_postgres and item.get_closest_marker("sqlite_only") else keep).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = keep


def _load_demo():
    from helpdesk.demo import build_demo

    build_demo()


def _load_demo_with_history():
    from helpdesk.demo import build_demo

    build_demo(history=True)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory):
    if request.param == "sqlite":
        templates = _SQLiteTemplates(tmp_path_factory.mktemp("templates"))
    else:
        templates = _PostgresTemplates(os.environ["TEST_DATABASE_URL"], tmp_path_factory.mktemp("pg"))
    templates.build("empty", lambda: None)
    templates.build("demo", _load_demo)
    templates.kind = request.param
    # Built the first time a test asks for it (history_app): most runs never need it.
    templates.lazy = {"history": _load_demo_with_history}
    yield templates
    if hasattr(templates, "close"):
        templates.close()


def _make_app(backend, tmp_path, template: str, extra: dict | None = None):
    fill = backend.lazy.pop(template, None)
    if fill is not None:
        backend.build(template, fill)
    url = backend.copy(template, tmp_path)
    config = {**_base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": url, **(extra or {})}
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    app.test_database_kind = backend.kind
    return app, url


def _cleanup(app, backend, url):
    with app.app_context():
        # Every session still open (in another app context: a thread's, a kept request
        # context's) gives its connection back before the pool is disposed. One given back
        # to a disposed pool stays open until the garbage collector finds it, and then
        # psycopg's ResourceWarning fails whichever later test is running.
        close_all_sessions()
        db.engine.dispose()
    backend.drop(url)


@pytest.fixture
def app_config():
    """Override in a test module to pass extra settings to the app."""
    return {}


@pytest.fixture
def app(backend, tmp_path, app_config):
    """An app on an empty, fully created schema."""
    app, url = _make_app(backend, tmp_path, "empty", app_config)
    yield app
    _cleanup(app, backend, url)


@pytest.fixture
def demo_app(backend, tmp_path, app_config):
    """An app on a copy of the demo municipality."""
    app, url = _make_app(backend, tmp_path, "demo", app_config)
    yield app
    _cleanup(app, backend, url)


@pytest.fixture
def history_app(backend, tmp_path, app_config):
    """An app on a copy of the demo with its six months of history (`build_demo(history=True)`);
    the demo template the other tests copy has none, so their counts stay small."""
    app, url = _make_app(backend, tmp_path, "history", app_config)
    yield app
    _cleanup(app, backend, url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


def login(client, email: str, password: str = "demo"):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"login as {email} failed: {response.status_code}"
    return response


@pytest.fixture
def as_user(demo_app):
    """A test client logged in as a demo account: `as_user("central@exempelkommun.se")`."""

    def make(email: str):
        c = demo_app.test_client()
        login(c, email)
        return c

    return make
