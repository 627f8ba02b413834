"""The insight overview at scale: 100,000 tickets and 500,000 messages in one organisation
(Exempelkommun), spread over the last twelve months, with first responses, resolutions and
ratings. Prints the overview's median for a 12-month period beside the central queue page's,
and the number of SQL queries of each (bounded: the same whatever the volume).

SQLite by default; set INSIGHT_BENCH_DATABASE_URL to an empty PostgreSQL database to
measure there (its tables are created and dropped).
"""
from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

import bench.bench_tickets as tickets_bench

# BENCH_TICKETS makes a smaller world for profiling (five messages per ticket either way).
N_TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
N_MESSAGES = 5 * N_TICKETS
# Fewer runs than the tickets bench: at this volume one overview takes seconds on a loaded
# 2-core machine. INSIGHT_BENCH_RUNS raises it.
RUNS = int(os.environ.get("INSIGHT_BENCH_RUNS", "7"))


def _build(app) -> int:
    from helpdesk.auth.models import User
    from helpdesk.demo import build_demo
    from helpdesk.directory.models import Organisation, School
    from helpdesk.extensions import db
    from helpdesk.insight import rollup
    from helpdesk.models_base import utcnow
    from helpdesk.tickets.models import Ticket

    with app.test_request_context():
        db.create_all()
        build_demo()
        db.session.commit()
        rng = random.Random(12)
        org = db.session.scalar(select(Organisation).where(Organisation.code == "EXK"))
        schools = list(db.session.scalars(select(School.id).where(School.organisation_id == org.id)))
        teacher = db.session.scalar(select(User).where(User.email == "larare.norr@exempelkommun.se"))
        now = utcnow()
        start_id = (db.session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1)) or 0) + 1
        tiers = ["local"] * 60 + ["central"] * 30 + ["vendor"] * 10
        statuses = ["closed"] * 60 + ["resolved"] * 15 + ["open"] * 12 + ["new"] * 8 + ["waiting_for_requester"] * 5
        tickets, events = [], []
        for i in range(N_TICKETS):
            created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
            status, tier = rng.choice(statuses), rng.choice(tiers)
            done = status in ("closed", "resolved")
            resolved = created + timedelta(hours=rng.randint(1, 300)) if done else None
            rated = done and rng.random() < 0.3
            tickets.append({
                "id": start_id + i, "number": f"EXK-I-{i:07d}", "organisation_id": org.id,
                "school_id": rng.choice(schools), "requester_id": teacher.id, "requester_role": "staff",
                "requester_name": "Anna Berglund", "category": rng.choice(["login", "usage", "bug", "administration"]),
                "subject": f"Fråga {i}", "tier": tier, "status": status,
                "vendor_id": org.vendor_id, "vendor_escalated_at": created if tier == "vendor" else None,
                "created_at": created, "updated_at": created, "message_count": 5, "attachment_count": 0,
                "local_response_minutes": rng.randint(5, 900),
                "central_response_minutes": rng.randint(10, 1500) if tier != "local" else None,
                "vendor_response_minutes": rng.randint(30, 3000) if tier == "vendor" else None,
                "resolved_at": resolved, "resolution_minutes": rng.randint(30, 6000) if done else None,
                "rating": rng.randint(1, 5) if rated else None, "rated_at": resolved if rated else None,
                "rating_comment": "Bra hjälp" if rated and rng.random() < 0.2 else None,
            })
            events.append({"ticket_id": start_id + i, "actor_id": teacher.id, "actor_name": "Anna Berglund",
                           "kind": "created", "to_value": "local", "tier_after": tier, "status_after": status,
                           "created_at": created})
        tickets_bench.write_world(db.session.connection(), tickets, events, teacher,
                                  "Jag har provat att logga ut och in igen men det fungerar fortfarande inte.",
                                  N_MESSAGES // N_TICKETS)
        db.session.commit()
        # Written around the ticket service, as the demo's history is: count the rollup once.
        t0 = time.perf_counter()
        rollup.rebuild(org.id)
        db.session.commit()
        print(f"rebuilt the overview's daily rollup in {time.perf_counter() - t0:.1f} s")
        db.session.connection().exec_driver_sql("ANALYZE")
        db.session.commit()
        return schools[0]


def main() -> None:
    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.insight.filters import today

    url = os.environ.get("INSIGHT_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{tmp / 'bench.sqlite'}", "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False, "MAIL_SERVER": "", "MAIL_DROP_DIR": str(tmp / "mail"),
            "SEARCH_INDEX_DIR": str(tmp / "idx"), "UPLOAD_DIR": str(tmp / "up"), "SECRET_KEY": "bench",
        }, instance_path=str(tmp / "instance"))
        try:
            t0 = time.perf_counter()
            school_id = _build(app)
            print(f"{'PostgreSQL' if url else 'SQLite'}: built {N_TICKETS:,} tickets and {N_MESSAGES:,} messages "
                  f"in one organisation in {time.perf_counter() - t0:.1f} s")
            client = app.test_client()
            assert client.post("/login", data={"email": "central@exempelkommun.se", "password": "demo"}).status_code == 302
            end = today()
            start = end - timedelta(days=364)
            # The machine is shared: the figures mean little without the load they were taken under.
            print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
            # CPU time of this process per request (median of the runs): steadier than wall time on
            # a shared machine, but it leaves out PostgreSQL's own work.
            print(f"{'what':44} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'cpu ms':>8}")
            for name, page in [
                ("insight overview, 12 months", f"/insight/?from={start}&to={end}"),
                ("insight overview, 12 months, one school", f"/insight/?from={start}&to={end}&school_id={school_id}"),
                ("insight API, 12 months", f"/api/v1/insight?from={start}&to={end}"),
                ("central queue page (25 per page)", "/tickets/queue?tier=central"),
            ]:
                tickets_bench.RUNS = RUNS
                median, p95, cpu, queries = tickets_bench._measure(app, client, page)
                print(f"{name:44} {median:10.1f} {p95:8.1f} {queries:8d} {cpu:8.1f}", flush=True)
            print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        finally:
            with app.app_context():
                if url:
                    db.drop_all()
                db.engine.dispose()


if __name__ == "__main__":
    main()
