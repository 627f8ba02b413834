"""The PostgreSQL copies the suite reuses (tests/support/pg_reuse.py): a copy given back is the
template again, rows, ids to come and all; one whose schema a test changed is not reused."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import pg_reuse


@pytest.fixture
def pg(backend, tmp_path):
    """The PostgreSQL templates, and a `copy` that is given back even when the test fails."""
    if backend.kind != "postgresql":
        pytest.skip("reuse is for the PostgreSQL copies (TEST_DATABASE_URL)")
    taken = []

    def copy(name):
        url = backend.copy(name, tmp_path)
        taken.append(url)
        return url

    def drop(url):
        taken.remove(url)
        backend.drop(url)

    yield copy, drop
    for url in taken:
        backend.drop(url)


def _state(url: str) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                       "ORDER BY tablename")).scalars().all()
            # Sorted: which page a row lies on is not what a copy promises (pg_reuse.py).
            rows = {t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM public."{t}"')))) for t in tables}
            sequences = conn.execute(text("SELECT sequencename, last_value FROM pg_sequences "
                                          "WHERE schemaname = 'public' ORDER BY 1")).all()
        return {"rows": rows, "sequences": sequences}
    finally:
        engine.dispose()


def _run(url: str, *statements: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def test_a_copy_given_back_is_the_template_again(pg):
    copy, drop = pg
    url = copy("demo")
    fresh = _state(url)
    assert fresh["rows"]["user_account"] and any(last for _, last in fresh["sequences"])
    # What a test does: new rows (ids drawn from the sequences), changed and deleted rows.
    _run(url,
         "INSERT INTO organisation (name, code, autosync, source, active, created_at, updated_at) "
         "SELECT name || ' 2', left(code, 6) || '-2', autosync, source, active, created_at, updated_at FROM organisation",
         "UPDATE user_account SET name = 'Ändrad'",
         "DELETE FROM audit_entry")
    assert _state(url) != fresh
    drop(url)
    again = copy("demo")
    assert make_url(again).database == make_url(url).database  # the same database, reused
    assert _state(again) == fresh
    drop(again)


def test_a_copy_whose_schema_changed_is_dropped_not_reused(pg):
    copy, drop = pg
    url = copy("demo")
    _run(url, "ALTER TABLE organisation ADD COLUMN extra integer")
    assert not pg_reuse.restore(url, make_url(url).database)
    drop(url)
    again = copy("demo")
    assert make_url(again).database != make_url(url).database
    columns = text("SELECT column_name FROM information_schema.columns WHERE table_name = 'organisation'")
    engine = create_engine(again)
    with engine.connect() as conn:
        assert "extra" not in conn.execute(columns).scalars().all()
    engine.dispose()
    drop(again)
