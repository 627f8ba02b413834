"""A million tickets on PostgreSQL: does the queue still answer as fast as at a hundred thousand?

Builds the demo and then, inside PostgreSQL (INSERT ... SELECT over generate_series, so the
rows never travel through Python), BENCH_MILLION tickets (default 1,000,000) with five messages
each and a creation event, spread over the demo's schools; indexes the tickets for search in
the same way (to_tsvector over subject and messages, with the access tokens the ticket source
gives), VACUUMs and ANALYZEs, and measures through the Flask test client as the central admin of the demo
municipality: the queue page, the API list, a ticket page, a search and, when the insight
capability is installed, the overview for twelve months. Prints median, p95 and the number of
SQL queries of each, with the machine's load.

Needs PostgreSQL: LOAD_PG_URL or TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test);
works in its own database named after the one given (`test` -> `test_million`), dropped
afterwards, so two people's runs on one server do not drop each other's. Run alone with
`make bench BENCH_ARGS=million`.

Generating a million tickets takes a quarter of an hour on the shared machine, so
BENCH_MILLION_KEEP=1 keeps the database afterwards and BENCH_MILLION_REUSE=1 measures a kept
one again without regenerating it (after creating the indexes the models have and it lacks and
dropping those they no longer have, so the indexes measured are today's). BENCH_MILLION_EXPLAIN=1 prints, after each page's
figures, the plan (EXPLAIN ANALYZE, BUFFERS) of its slowest statements; BENCH_MILLION_PAGES=queue,api
measures only the pages whose label holds one of those words.
"""
from __future__ import annotations

import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.bench_tickets import _measure

N = int(os.environ.get("BENCH_MILLION", "1000000"))
KEEP = os.environ.get("BENCH_MILLION_KEEP") == "1"
REUSE = os.environ.get("BENCH_MILLION_REUSE") == "1"
EXPLAIN = os.environ.get("BENCH_MILLION_EXPLAIN") == "1"
ONLY = [w.strip().lower() for w in os.environ.get("BENCH_MILLION_PAGES", "").split(",") if w.strip()]
STEP = 100_000  # rows per INSERT ... SELECT, each its own statement


def _defaults(table, given: dict[str, str]) -> dict[str, str]:
    """The SELECT list for every NOT NULL column: what `given` says, else the model's scalar
    default as a literal (an INSERT ... SELECT does not run Python-side defaults)."""
    out = dict(given)
    for col in table.columns:
        if col.name in out or col.nullable or col.primary_key or col.server_default is not None:
            continue
        if col.default is not None and col.default.is_callable and "DateTime" in type(col.type).__name__:
            out[col.name] = "(now() AT TIME ZONE 'utc')"
            continue
        default = col.default.arg if col.default is not None and col.default.is_scalar else None
        if default is None:
            raise RuntimeError(f"bench_million: say what {table.name}.{col.name} holds")
        value = getattr(default, "value", default)
        out[col.name] = ("TRUE" if value else "FALSE") if isinstance(value, bool) else \
            str(value) if isinstance(value, (int, float)) else "'" + str(value).replace("'", "''") + "'"
    return out


def _insert_select(conn, table, given: dict[str, str], frm: str, params: dict) -> None:
    cols = _defaults(table, given)
    conn.execute(text(f"INSERT INTO {table.name} ({', '.join(cols)}) SELECT {', '.join(cols.values())} "
                      f"FROM {frm}"), params)


def _generate(app) -> int:
    from helpdesk.auth.models import User
    from helpdesk.demo import build_demo
    from helpdesk.directory.models import Organisation, School
    from helpdesk.extensions import db
    from helpdesk.search.models import SearchAccess, SearchEntry
    from helpdesk.tickets.models import Ticket, TicketEvent, TicketMessage

    with app.test_request_context():
        db.create_all()
        build_demo()
        db.session.commit()
        schools = db.session.execute(select(School.id, School.organisation_id).order_by(School.id)).all()
        vendor = {o.id: o.vendor_id for o in db.session.scalars(select(Organisation))}
        teacher = db.session.scalar(select(User.id).where(User.email == "larare.norr@exempelkommun.se"))
        start = (db.session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1)) or 0) + 1
        conn = db.session.connection()
        # The schools as a VALUES list the generator picks from by g % n.
        conn.execute(text("CREATE TEMP TABLE bench_school (k int, school_id int, org_id int, vendor_id int)"))
        conn.execute(text("INSERT INTO bench_school VALUES (:k, :s, :o, :v)"),
                     [{"k": k, "s": s, "o": o, "v": vendor[o]} for k, (s, o) in enumerate(schools)])
        n_schools = len(schools)
        for lo in range(0, N, STEP):
            frm = ("generate_series(CAST(:lo AS int), CAST(:hi AS int)) AS g "
                   "JOIN bench_school b ON b.k = g % :n")
            params = {"lo": lo, "hi": min(N, lo + STEP) - 1, "n": n_schools, "start": start, "teacher": teacher}
            created = "(now() AT TIME ZONE 'utc') - (g % 1000000) * interval '1 minute'"
            # 60 % closed, 10 % resolved, the rest active, as bench_tickets; tiers 45/40/15.
            status = ("CASE WHEN g % 100 < 60 THEN 'closed' WHEN g % 100 < 70 THEN 'resolved' "
                      "WHEN g % 100 < 82 THEN 'open' WHEN g % 100 < 90 THEN 'new' "
                      "WHEN g % 100 < 95 THEN 'waiting_for_requester' ELSE 'waiting_for_tier_above' END")
            tier = "CASE WHEN g % 20 < 9 THEN 'local' WHEN g % 20 < 17 THEN 'central' ELSE 'vendor' END"
            active = "(g % 100 >= 70 AND NOT (g % 100 BETWEEN 90 AND 94))"
            _insert_select(conn, Ticket.__table__, {
                "id": ":start + g", "number": "'M-' || lpad(g::text, 8, '0')", "organisation_id": "b.org_id",
                "school_id": "b.school_id", "requester_id": ":teacher", "requester_role": "'staff'",
                "requester_name": "'Anna Berglund'",
                "category": "(ARRAY['login','usage','bug','other'])[1 + g % 4]",
                "subject": "'Fråga nummer ' || g || ' om inloggning och klasser'", "tier": tier,
                "status": status, "vendor_id": "b.vendor_id",
                "vendor_escalated_at": f"CASE WHEN g % 20 >= 17 THEN {created} END",
                "created_at": created, "updated_at": created, "message_count": "5", "attachment_count": "0",
                # The last public message (the fifth) is the requester's; none is shared with the vendor.
                "last_public_role": "'requester'",
                "sla_due_at": f"CASE WHEN {active} THEN {created} + (g % 200 + 1) * interval '1 hour' END",
                "sla_due_kind": f"CASE WHEN {active} THEN ({tier}) || '_resolution' END",
            }, frm, params)
            _insert_select(conn, TicketEvent.__table__, {
                "ticket_id": ":start + g", "actor_id": ":teacher", "actor_name": "'Anna Berglund'",
                "kind": "'created'", "to_value": "'local'", "tier_after": tier, "status_after": status,
                "created_at": created}, frm, params)
            _insert_select(conn, TicketMessage.__table__, {
                "ticket_id": ":start + g", "author_id": ":teacher", "author_name": "'Anna Berglund'",
                "author_role": "CASE WHEN m % 2 = 0 THEN 'requester' ELSE 'local' END",
                "internal": "(m = 3)", "shared_with_vendor": "FALSE",
                "body": "'Jag har provat att logga ut och in igen men schemat för klass ' || g % 97 || "
                        "' visas fortfarande inte. Vad kan jag göra?'",
                "created_at": f"{created} + m * interval '1 minute'"},
                frm + " CROSS JOIN generate_series(0, 4) AS m", params)
            # Search: the subject and public messages, with the ticket source's access tokens.
            _insert_select(conn, SearchEntry.__table__, {
                "kind": "'ticket'", "object_id": ":start + g", "language": "'sv'",
                "title": "'M-' || lpad(g::text, 8, '0') || ' Fråga nummer ' || g || ' om inloggning och klasser'",
                "body": "'Jag har provat att logga ut och in igen men schemat för klass ' || g % 97 || ' visas inte.'",
                "tags": "'|' || (ARRAY['login','usage','bug','other'])[1 + g % 4] || '|'", "audience": "''",
                "url": "'/tickets/' || (:start + g)",
                "tsv": "setweight(to_tsvector('swedish', 'Fråga nummer ' || g || ' om inloggning och klasser'), 'A')"
                       " || setweight(to_tsvector('swedish', 'Jag har provat att logga ut och in igen men "
                       "schemat för klass ' || g % 97 || ' visas inte.'), 'D')"}, frm, params)
            conn.execute(text(
                f"INSERT INTO {SearchAccess.__table__.name} (entry_id, token) "
                "SELECT e.id, t.token FROM search_entry e JOIN ticket k ON k.id = e.object_id "
                "CROSS JOIN LATERAL (VALUES ('ticket:school:' || k.school_id), ('ticket:org:' || k.organisation_id), "
                "('ticket:requester:' || k.requester_id)) AS t(token) "
                "WHERE e.kind = 'ticket' AND e.object_id BETWEEN :start + :lo AND :start + :hi"), params)
            # The entries' title-and-tags tsvector and reader tokens, as the search writer keeps them.
            conn.execute(text(
                "UPDATE search_entry e SET head = ts_filter(e.tsv, '{a,b}'), tokens = "
                "(SELECT array_agg(a.token ORDER BY a.token) FROM search_access a WHERE a.entry_id = e.id) "
                "WHERE e.kind = 'ticket' AND e.object_id BETWEEN :start + :lo AND :start + :hi"), params)
            db.session.commit()
            conn = db.session.connection()
            print(f"  {min(N, lo + STEP):>9,} tickets", flush=True)
        _finish()
        exk = db.session.scalar(select(Organisation.id).where(Organisation.code == "EXK"))
        return db.session.scalar(select(Ticket.id).where(Ticket.organisation_id == exk, Ticket.tier == "central",
                                                         Ticket.id >= start).limit(1))


def _finish() -> None:
    """Written around the ticket service: the queue's counters and the overview's rollup are
    counted once from what was written, as after any bulk load (the last authors were written
    with the tickets), then VACUUM (ANALYZE)."""
    from helpdesk.directory.models import Organisation
    from helpdesk.extensions import db
    from helpdesk.insight import rollup
    from helpdesk.tickets import counters

    exk = db.session.scalar(select(Organisation.id).where(Organisation.code == "EXK"))
    t0 = time.perf_counter()
    counters.rebuild(last_roles=False)
    db.session.commit()
    print(f"  queue counters counted in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    rollup.rebuild(exk)
    db.session.commit()
    print(f"  the overview's rollup counted in {time.perf_counter() - t0:.0f} s", flush=True)
    _vacuum()


def _vacuum() -> None:
    """VACUUM (ANALYZE), as autovacuum does some time after a bulk load: the statistics, and
    the visibility map without which no index-only scan is cheap (the queue's counts and
    the overview read their indexes alone)."""
    from helpdesk.extensions import db

    db.session.commit()
    t0 = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE)")
    print(f"  vacuumed and analysed in {time.perf_counter() - t0:.0f} s", flush=True)


def _explain(app, client, url: str, slowest: int = 3) -> None:
    """Run the page once recording each statement's time, then print the plans of the slowest."""
    from sqlalchemy import event

    from helpdesk.extensions import db

    with app.app_context():
        engine = db.engine
    seen: list[tuple[float, str, object]] = []

    def before(conn, _cursor, statement, parameters, _context, _many):
        conn.info["bench_t0"] = time.perf_counter()

    def after(conn, _cursor, statement, parameters, _context, _many):
        seen.append(((time.perf_counter() - conn.info.pop("bench_t0")) * 1000, statement, parameters))
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    with engine.connect() as conn:
        for ms, statement, parameters in sorted(seen, key=lambda s: -s[0])[:slowest]:
            print(f"  --- {ms:.1f} ms: {' '.join(statement.split())[:600]}\n      params {parameters}")
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).scalars()
            print("\n".join("      " + line for line in plan), flush=True)
        conn.rollback()


def _reuse(app) -> int:
    """A kept database: count its counters and rollup if the run that made it stopped before
    (they do not add up to the tickets), create the indexes the models have and it lacks
    and drop those they no longer have,
    ANALYZE what they index, and find the ticket to open as `_generate` does."""
    from sqlalchemy import inspect

    from helpdesk.directory.models import Organisation
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Ticket, TicketCount

    with app.test_request_context():
        counted = db.session.scalar(select(func.coalesce(func.sum(TicketCount.n), 0)))
        if counted != db.session.scalar(select(func.count()).select_from(Ticket)):
            _finish()
        elif not db.session.scalar(text("SELECT relallvisible FROM pg_class WHERE relname = 'ticket'")):
            _vacuum()  # kept by a run from before the benchmark vacuumed
        have = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            if not have.has_table(table.name):
                table.create(db.engine)
                continue
            present = {ix["name"] for ix in have.get_indexes(table.name)}
            for gone in sorted(present - {ix.name for ix in table.indexes}):
                if gone.startswith("ix_"):  # an index the models no longer have
                    with db.engine.begin() as conn:
                        conn.exec_driver_sql(f'DROP INDEX "{gone}"')
                    print(f"  dropped {gone}", flush=True)
            for index in table.indexes:
                if index.name not in present:
                    t0 = time.perf_counter()
                    index.create(db.engine)
                    with db.engine.begin() as conn:
                        conn.exec_driver_sql(f"ANALYZE {table.name}")
                    print(f"  created {index.name} in {time.perf_counter() - t0:.0f} s", flush=True)
        exk = db.session.scalar(select(Organisation.id).where(Organisation.code == "EXK"))
        return db.session.scalar(select(Ticket.id).where(Ticket.organisation_id == exk, Ticket.tier == "central",
                                                         Ticket.number.like("M-%")).order_by(Ticket.id).limit(1))


def main() -> None:
    from helpdesk import create_app

    pg = os.environ.get("LOAD_PG_URL") or os.environ.get("TEST_DATABASE_URL")
    if not pg:
        print("-- skipped: set LOAD_PG_URL, e.g. postgresql://postgres@127.0.0.1:5432/test")
        return
    base = make_url(pg).set(drivername="postgresql+psycopg")
    name = f"{base.database or 'helpdesk'}_million"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        reuse = REUSE and exists
        if REUSE and not exists:
            print(f"  no kept database {name}: generating one (and keeping it)")
        if not reuse:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            app = create_app({
                "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                "MAIL_SERVER": "", "MAIL_DROP_DIR": str(tmp / "mail"), "SEARCH_BACKEND": "postgres",
                "SEARCH_INDEX_DIR": str(tmp / "idx"), "UPLOAD_DIR": str(tmp / "up"), "SECRET_KEY": "bench",
            }, instance_path=str(tmp / "instance"))
            if reuse:
                print(f"load {os.getloadavg()[0]:.2f}; measuring the kept database {name}", flush=True)
                ticket_id = _reuse(app)
            else:
                print(f"load {os.getloadavg()[0]:.2f}; generating {N:,} tickets, {5 * N:,} messages", flush=True)
                t0 = time.perf_counter()
                ticket_id = _generate(app)
                print(f"generated in {time.perf_counter() - t0:.0f} s (load {os.getloadavg()[0]:.2f})", flush=True)
            client = app.test_client()
            assert client.post("/login", data={"email": "central@exempelkommun.se", "password": "demo"}).status_code == 302
            # The queue page is kept while nothing it shows changes (queue_cache.py): "kept" is
            # a second look, "rendered" the first look after a change.
            pages = [
                ("central queue page (25), kept", "/tickets/queue?tier=central", False),
                ("central queue page (25), rendered", "/tickets/queue?tier=central", True),
                ("API list (25)", "/api/v1/tickets", False),
                ("ticket page, 5 messages", f"/tickets/{ticket_id}", False),
                ("search 'schemat klass'", "/api/v1/search?q=schemat+klass", False),
            ]
            today = date.today()
            pages.append(("insight overview, 12 months",
                          f"/insight/?from={today - timedelta(days=365)}&to={today}", False))
            print(f"{'what':40} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>8} {'queries':>8}")
            for label, page, fresh in pages:
                if ONLY and not any(w in label.lower() for w in ONLY):
                    continue
                median, p95, cpu, queries = _measure(app, client, page, fresh=fresh)
                print(f"{label:40} {median:10.1f} {p95:8.1f} {cpu:8.1f} {queries:8d}", flush=True)
                if EXPLAIN:
                    _explain(app, client, page)
            print(f"(load {os.getloadavg()[0]:.2f} at the end)")
            from helpdesk.extensions import db

            with app.app_context():
                db.engine.dispose()
    finally:
        if not (KEEP or REUSE):
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
