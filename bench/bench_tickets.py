"""Tickets at scale: 100,000 tickets and 500,000 messages in a temporary SQLite database.

Measures, through the Flask test client logged in as a central admin, the central queue
page, the API list and a ticket page with 20 messages, and prints median, 95th percentile
and the number of SQL queries of each.
"""
from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, select

# BENCH_TICKETS makes a smaller world for trying a benchmark out; figures are quoted at 100,000.
N_TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
N_MESSAGES = 5 * N_TICKETS
RUNS = 60


def write_world(conn, tickets: list[dict], events: list[dict], author, body: str, per_ticket: int,
                internal_at: int | None = None) -> None:
    """Insert the generated tickets and their first events in batches, then `per_ticket`
    messages on each, alternating the requester and the local admin (the message number
    `internal_at` an internal note)."""
    from helpdesk.tickets.models import Ticket, TicketEvent, TicketMessage

    for chunk in range(0, len(tickets), 20_000):
        conn.execute(Ticket.__table__.insert(), tickets[chunk:chunk + 20_000])
        conn.execute(TicketEvent.__table__.insert(), events[chunk:chunk + 20_000])
    batch = []
    for ticket in tickets:
        for j in range(per_ticket):
            batch.append({"ticket_id": ticket["id"], "author_id": author.id, "author_name": "Anna Berglund",
                          "author_role": "requester" if j % 2 == 0 else "local", "internal": j == internal_at,
                          "shared_with_vendor": False, "body": body,
                          "created_at": ticket["created_at"] + timedelta(minutes=j)})
        if len(batch) >= 50_000:
            conn.execute(TicketMessage.__table__.insert(), batch)
            batch = []
    if batch:
        conn.execute(TicketMessage.__table__.insert(), batch)


def _build(app):
    from helpdesk.auth.models import User
    from helpdesk.demo import build_demo
    from helpdesk.directory.models import Organisation, School
    from helpdesk.extensions import db
    from helpdesk.models_base import utcnow
    from helpdesk.tickets.demo_history import _sync_sequence
    from helpdesk.tickets.models import Ticket, TicketEvent, TicketMessage

    with app.test_request_context():
        db.create_all()
        build_demo()
        db.session.commit()
        rng = random.Random(42)
        orgs = {o.id: o for o in db.session.scalars(select(Organisation))}
        schools = [(s.id, s.organisation_id) for s in db.session.scalars(select(School))]
        teacher = db.session.scalar(select(User).where(User.email == "larare.norr@exempelkommun.se"))
        now = utcnow()
        start_id = (db.session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1)) or 0) + 1
        tiers = ["local"] * 45 + ["central"] * 40 + ["vendor"] * 15
        statuses = ["closed"] * 60 + ["resolved"] * 10 + ["open"] * 12 + ["new"] * 8 + \
                   ["waiting_for_requester"] * 5 + ["waiting_for_tier_above"] * 5
        tickets, events = [], []
        for i in range(N_TICKETS):
            school_id, org_id = rng.choice(schools)
            created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 700))
            status, tier = rng.choice(statuses), rng.choice(tiers)
            active = status not in ("closed", "resolved", "waiting_for_requester")
            due = created + timedelta(hours=rng.randint(1, 200)) if active else None
            tickets.append({
                "id": start_id + i, "number": f"{orgs[org_id].code}-B-{i:07d}", "organisation_id": org_id,
                "school_id": school_id, "requester_id": teacher.id, "requester_role": "staff",
                "requester_name": "Anna Berglund", "category": rng.choice(["login", "usage", "bug", "other"]),
                "subject": f"Fråga nummer {i} om inloggning och klasser", "tier": tier, "status": status,
                "vendor_id": orgs[org_id].vendor_id, "vendor_escalated_at": created if tier == "vendor" else None,
                "created_at": created, "updated_at": created, "message_count": 5, "attachment_count": 0,
                "sla_due_at": due, "sla_due_kind": f"{tier}_resolution" if due else None,
                # write_world's last public message is the requester's; none is shared with the vendor.
                "last_public_role": "requester", "last_vendor_role": None,
            })
            events.append({"ticket_id": start_id + i, "actor_id": teacher.id, "actor_name": "Anna Berglund",
                           "kind": "created", "to_value": "local", "tier_after": tier, "status_after": status,
                           "created_at": created})
        conn = db.session.connection()
        body = "Jag har provat att logga ut och in igen men det fungerar fortfarande inte. " * 3
        per_ticket = N_MESSAGES // N_TICKETS
        write_world(conn, tickets, events, teacher, body, per_ticket, internal_at=3)
        # One EXK central ticket with exactly 20 messages and a short history.
        exk = next(o.id for o in orgs.values() if o.code == "EXK")
        target = next(t for t in tickets if t["organisation_id"] == exk and t["tier"] == "central")
        extra = [{"ticket_id": target["id"], "author_id": teacher.id, "author_name": "Karin Ståhl",
                  "author_role": "central", "internal": k % 4 == 0, "shared_with_vendor": False,
                  "body": body, "created_at": now} for k in range(20 - per_ticket)]
        conn.execute(TicketMessage.__table__.insert(), extra)
        conn.execute(Ticket.__table__.update().where(Ticket.__table__.c.id == target["id"])
                     .values(last_public_role="central"))  # the last extra message is public
        conn.execute(TicketEvent.__table__.insert(), [
            {"ticket_id": target["id"], "actor_id": teacher.id, "actor_name": "Per Holm", "kind": "escalated",
             "from_value": "local", "to_value": "central", "note": "Provat allt.", "tier_after": "central",
             "status_after": "open", "created_at": now}])
        # The tickets went in with their ids: on PostgreSQL the sequence must move past them, or
        # the first question filed under load collides with one of them (a 500 in the load test).
        _sync_sequence(Ticket.__table__)
        # Written around the session: the queue counters and the last authors are counted again.
        from helpdesk.tickets import counters

        # The last authors were written with the tickets: reading them back from 500,000 messages
        # (fill_last_roles) ran for more than 20 minutes on PostgreSQL on a loaded machine.
        counters.rebuild(last_roles=False)
        db.session.commit()
        conn = db.session.connection()
        conn.exec_driver_sql("ANALYZE")
        db.session.commit()
        return target["id"]


def _measure(app, client, url: str, *, fresh: bool = False) -> tuple[float, float, float, int]:
    """Median and p95 wall ms, median CPU ms and the most queries over RUNS requests (after
    five unmeasured); `fresh`: nothing kept between them (queue_cache.py), every page rendered."""
    from helpdesk.extensions import db
    from helpdesk.tickets import queue_cache

    with app.app_context():
        engine = db.engine
    counts = []

    def count(*_a, **_k):
        counts[-1] += 1
    event.listen(engine, "before_cursor_execute", count)
    timings, cpu = [], []
    try:
        for i in range(RUNS + 5):
            counts.append(0)
            if fresh:
                for name in ("queue_cache", "queue_cache_directory"):
                    queue_cache.store(app, name).entries.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed = (time.perf_counter() - t0) * 1000
            used = (time.process_time() - c0) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if i >= 5:
                timings.append(elapsed)
                cpu.append(used)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    timings.sort()
    return (statistics.median(timings), timings[int(len(timings) * 0.95) - 1], statistics.median(cpu),
            max(counts[5:]))


def main() -> None:
    from helpdesk import create_app

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite'}", "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False, "MAIL_SERVER": "", "MAIL_DROP_DIR": str(tmp / "mail"),
            "SEARCH_INDEX_DIR": str(tmp / "idx"), "UPLOAD_DIR": str(tmp / "up"), "SECRET_KEY": "bench",
        }, instance_path=str(tmp / "instance"))
        t0 = time.perf_counter()
        ticket_id = _build(app)
        print(f"built {N_TICKETS:,} tickets and {N_MESSAGES:,} messages in {time.perf_counter() - t0:.1f} s")
        client = app.test_client()
        login = client.post("/login", data={"email": "central@exempelkommun.se", "password": "demo"})
        assert login.status_code == 302
        print(f"load {os.getloadavg()[0]:.1f}")
        print(f"{'what':40} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>8} {'queries':>8}")
        # A queue page is kept while nothing it shows changes (queue_cache.py): "kept" is what a
        # second look costs, "rendered" what the first look after a change costs.
        for name, url, fresh in [
            ("central queue page (25), kept", "/tickets/queue?tier=central", False),
            ("central queue page (25), rendered", "/tickets/queue?tier=central", True),
            ("central queue page (100), rendered", "/tickets/queue?tier=central&per_page=100", True),
            ("central queue, all statuses, rendered", "/tickets/queue?tier=central&status=all", True),
            ("central queue, a page far in, rendered", "/tickets/queue?tier=central&status=all&after=n.90000",
             True),
            ("start page (central admin)", "/", False),
            ("API list (25)", "/api/v1/tickets", False),
            ("API list (100)", "/api/v1/tickets?limit=100", False),
            ("ticket page, 20 messages", f"/tickets/{ticket_id}", False),
            ("API ticket, 20 messages", f"/api/v1/tickets/{ticket_id}", False),
        ]:
            median, p95, cpu, queries = _measure(app, client, url, fresh=fresh)
            print(f"{name:40} {median:10.1f} {p95:8.1f} {cpu:8.1f} {queries:8d}")
        print(f"load {os.getloadavg()[0]:.1f}")
        from helpdesk.extensions import db

        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
