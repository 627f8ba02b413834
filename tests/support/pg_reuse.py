"""Give a PostgreSQL test database back its template's contents, so the next test can use it.

CREATE DATABASE ... TEMPLATE writes the whole copy to the WAL and syncs it, and DROP
DATABASE forces a checkpoint that writes every dirty page in the cluster (with two test
processes, the other one's fresh copy): 0.5 to several seconds a test, waiting on the disk.
Deleting the rows a test left and inserting the template's rows again takes ~40 ms.

A template gets a schema `hd_pristine` holding a copy of each of its tables, its sequences'
positions and a fingerprint of its schema; every copy of the template carries it along.
`restore` puts the rows and sequences back and says whether the database is now what a fresh
copy would be: if the test changed the schema (a table, column, index, type, function, ...
created, altered or dropped) the fingerprint differs and the database must be dropped.
The rows and their values come back; where they lie in the table's pages may differ from a
fresh copy, so a query without ORDER BY may list them in another order (PostgreSQL never
promised one; a test that needs an order asks for it).
"""
from __future__ import annotations

import time

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

PRISTINE = "hd_pristine"
# The demo (~600 rows) restores in ~0.1 s; the demo with its history (tens of thousands of
# rows) took 1-2 s, more than a new copy and a drop: such a template's copies are dropped.
MAX_ROWS = 5000

# Every object a test could create, alter or drop outside its rows: catalog rows with an
# oid of their own from FirstNormalObjectId (16384) on are user objects; a column change is a
# row in pg_attribute. TRUNCATE or VACUUM FULL change no oid, and change nothing a test sees.
_FINGERPRINT = """
SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
  SELECT 'class:' || oid || ':' || relkind::text FROM pg_class WHERE oid >= 16384
  UNION ALL SELECT 'col:' || attrelid || '.' || attnum || ':' || atttypid || ':' || atttypmod || ':'
                   || attnotnull || ':' || attisdropped || ':' || attname
            FROM pg_attribute WHERE attrelid >= 16384
  UNION ALL SELECT 'ns:' || oid FROM pg_namespace WHERE oid >= 16384
  UNION ALL SELECT 'type:' || oid FROM pg_type WHERE oid >= 16384
  UNION ALL SELECT 'proc:' || oid FROM pg_proc WHERE oid >= 16384
  UNION ALL SELECT 'con:' || oid FROM pg_constraint WHERE oid >= 16384
  UNION ALL SELECT 'def:' || oid FROM pg_attrdef WHERE oid >= 16384
  UNION ALL SELECT 'trg:' || oid FROM pg_trigger WHERE oid >= 16384
  UNION ALL SELECT 'ext:' || oid FROM pg_extension WHERE oid >= 16384
  UNION ALL SELECT 'lo:' || oid FROM pg_largeobject_metadata
) AS objects(x)
"""


# One call does the restore on the server: a round trip per table took longer than the work.
_RESTORE_FUNCTION = f"""
CREATE FUNCTION {PRISTINE}.hd_restore() RETURNS boolean LANGUAGE plpgsql AS $restore$
DECLARE
  name text;
BEGIN
  IF (SELECT value FROM {PRISTINE}.hd_fingerprint) IS DISTINCT FROM ({_FINGERPRINT}) THEN
    RETURN false;
  END IF;
  -- Foreign keys and triggers are off while the rows are swapped (a superuser's right, as
  -- the test cluster's postgres is); the rows satisfied them in the template.
  SET LOCAL session_replication_role = replica;
  FOR name IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('DELETE FROM public.%I', name);
    EXECUTE format('INSERT INTO public.%I SELECT * FROM {PRISTINE}.%I', name, name);
  END LOOP;
  -- A sequence never used has no last value: its next value is its first.
  PERFORM setval(seq, coalesce(last_value, start_value), last_value IS NOT NULL) FROM {PRISTINE}.hd_sequences;
  RETURN true;
END
$restore$
"""


def keep_pristine(url: str) -> bool:
    """Record the database at `url` (a template, nobody else connected) as its copies' pristine
    state; False (and nothing recorded) if it holds too many rows for a restore to pay."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            # A template kept from a test's copy carries that copy's template's record.
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PRISTINE} CASCADE"))
            tables = list(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
            rows = sum(conn.execute(text(f'SELECT count(*) FROM public."{table}"')).scalar() for table in tables)
            # A partition's rows would be put back twice (through its parent, and itself).
            if rows > MAX_ROWS or conn.execute(text("SELECT EXISTS (SELECT 1 FROM pg_inherits)")).scalar():
                return False
            conn.execute(text(f"CREATE SCHEMA {PRISTINE}"))
            for table in tables:
                conn.execute(text(f'CREATE TABLE {PRISTINE}."{table}" AS TABLE public."{table}"'))
            conn.execute(text(
                f"CREATE TABLE {PRISTINE}.hd_sequences AS SELECT format('%I.%I', schemaname, sequencename) AS seq, "
                "start_value, last_value FROM pg_sequences WHERE schemaname = 'public'"))
            conn.execute(text(_RESTORE_FUNCTION))
            conn.execute(text(f"CREATE TABLE {PRISTINE}.hd_fingerprint (value text)"))
            # Last, so that the fingerprint counts everything above.
            conn.execute(text(f"INSERT INTO {PRISTINE}.hd_fingerprint ({_FINGERPRINT})"))
        return True
    finally:
        engine.dispose()


def _wait_alone(conn, dbname: str) -> bool:
    """End every other session on the database (what DROP DATABASE ... WITH (FORCE) does)."""
    others = text("SELECT pid FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()")
    for pid in conn.execute(others, {"db": dbname}).scalars().all():
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    deadline = time.monotonic() + 5
    while conn.execute(others, {"db": dbname}).first() is not None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))  # else the transaction sees its first look
    return True


def restore(url: str, dbname: str) -> bool:
    """Put the template's rows and sequence positions back; False if the database cannot be
    reused (its schema was changed, or a session would not end) and must be dropped."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not _wait_alone(conn, dbname):
                return False
            conn.rollback()
            try:
                restored = conn.execute(text(f"SELECT {PRISTINE}.hd_restore()")).scalar()
            except DBAPIError:  # the test dropped or broke what the restore needs
                return False
            conn.commit()
        return bool(restored)
    finally:
        engine.dispose()
