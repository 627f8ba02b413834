"""A scratch PostgreSQL database for one benchmark: made beside the server's database the
caller names, dropped afterwards even when the benchmark fails, so benchmarks never write
into a database someone uses."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(server_url: str, name: str | None = None) -> Iterator[str]:
    """Yield the URL of a new, empty database on the server of `server_url`. A fixed `name`
    is dropped first if an earlier run left it behind; the default is a random one."""
    base = make_url(server_url).set(drivername="postgresql+psycopg")
    name = name or f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
