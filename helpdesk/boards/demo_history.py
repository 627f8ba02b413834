"""The demo's past board threads: six months of questions between the local contacts and
the central team in Exempelkommun's support group, most answered, some solved.

Written in bulk (threads, then posts, then each thread's counters) and deterministic,
like the tickets' history (helpdesk/tickets/demo_history.py).
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import bindparam, insert, update

from helpdesk.boards import services
from helpdesk.boards.models import Post, Thread
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.text import render_markdown

SEED = 20260603
THREADS = 70
# (title, question) asked in the support group; answers below.
TOPICS = [
    ("Hur gör ni med elever som byter klass mitt i terminen?", "Vi har tre elever som byter klass. Väntar ni på synken?"),
    ("Vikarier och behörighet till närvaron", "Hur länge brukar ni ge vikarier behörighet?"),
    ("Utskick till vårdnadshavare inför utvecklingssamtal", "Använder ni mallen eller skriver ni egna utskick?"),
    ("Omdömen som inte går att exportera", "Är det fler än vi som har problem med exporten av omdömen?"),
    ("Ny personal som inte kommer med synken", "Hur lägger ni till personal som inte finns i elevregistret?"),
    ("Frånvaroanmälan i appen", "Vårdnadshavare hittar inte frånvaroanmälan. Har ni tips?"),
    ("Grupper för språkval", "Skapar ni en grupp per språk eller en per klass?"),
    ("Inloggning för vårdnadshavare utan BankID", "Vad gör ni när en vårdnadshavare saknar BankID?"),
]
ANSWERS = [
    "Vi väntar på synken, den brukar ta med ändringen nästa natt.",
    "Vi ger behörighet för högst två veckor i taget och förlänger vid behov.",
    "Vi använder mallen, den finns under Utskick > Mallar.",
    "Ja, vi har samma problem. Centralt har anmält det till leverantören.",
    "Lägg till personen manuellt på skolan och meddela oss centralt.",
    "Vi har satt upp en bild på skolans webbplats som visar var den finns.",
]
THANKS = ["Tack, det hjälpte!", "Bra, då gör vi likadant.", "Tack för tipset."]


def demo_step(ctx) -> None:
    """A step of `build_demo(history=True)`."""
    from helpdesk.tickets.demo_history import history_start
    from helpdesk.tickets.sla import STOCKHOLM

    db.session.flush()
    rng = random.Random(SEED)
    board = services.ensure_support_board(ctx.orgs["exk"])
    u = ctx.users
    askers = [u[e].id for e in ("lokal.norr@exempelkommun.se", "lokal2.norr@exempelkommun.se",
                                "lokal.soder@exempelkommun.se", "lokal.vaster@exempelkommun.se")]
    answerers = askers + [u[e].id for e in ("central@exempelkommun.se", "central2@exempelkommun.se")]
    today = utcnow().astimezone(STOCKHOLM).date()
    start = datetime.combine(history_start(today), time(9), STOCKHOLM).astimezone(timezone.utc)
    cut = datetime.combine(today, time(0), STOCKHOLM).astimezone(timezone.utc)
    span = (cut - start).total_seconds()
    html = {}

    def post(thread_no, author, body, when):
        html.setdefault(body, render_markdown(body))
        return {"thread_no": thread_no, "author_id": author, "body": body, "body_html": html[body],
                "created_at": when, "hidden": False}

    threads, posts = [], []
    for n in range(THREADS):
        title, question = TOPICS[n % len(TOPICS)]
        asker = rng.choice(askers)
        created = start + timedelta(seconds=span * n / THREADS + rng.uniform(0, 3600 * 8))
        thread_posts = [post(n, asker, question, created)]
        when = created
        if rng.random() < 0.8:  # answered, the first answer within hours to a few days
            replies = [(rng.choice([a for a in answerers if a != asker]), rng.choice(ANSWERS),
                        rng.uniform(1, 30 if i == 0 else 48)) for i in range(rng.randint(1, 3))]
            if rng.random() < 0.5:
                replies.append((asker, rng.choice(THANKS), rng.uniform(1, 24)))
            for author, body, hours in replies:
                if when + timedelta(hours=hours) >= cut:  # what had not been written by today
                    break
                when += timedelta(hours=hours)
                thread_posts.append(post(n, author, body, when))
        solved = len(thread_posts) > 2 and rng.random() < 0.6
        threads.append({"board_id": board.id, "title": title, "author_id": asker, "solved": solved,
                        "pinned": False, "locked": False, "post_count": len(thread_posts),
                        "created_at": created, "last_activity_at": when, "accepted": 1 if solved else None})
        posts.extend(thread_posts)
    conn = db.session.connection()
    thread_ids = conn.execute(insert(Thread.__table__).returning(Thread.__table__.c.id, sort_by_parameter_order=True),
                              [{k: v for k, v in t.items() if k != "accepted"} for t in threads]).scalars().all()
    rows = [{k: v for k, v in p.items() if k != "thread_no"} | {"thread_id": thread_ids[p["thread_no"]]} for p in posts]
    post_ids = conn.execute(insert(Post.__table__).returning(Post.__table__.c.id, sort_by_parameter_order=True),
                            rows).scalars().all()
    by_thread: dict[int, list[int]] = {}
    for p, post_id in zip(posts, post_ids):
        by_thread.setdefault(p["thread_no"], []).append(post_id)
    conn.execute(update(Thread.__table__).where(Thread.__table__.c.id == bindparam("t_id"))
                 .values(last_post_id=bindparam("last"), accepted_post_id=bindparam("accepted")),
                 [{"t_id": thread_ids[n], "last": ids[-1], "accepted": ids[t["accepted"]] if t["accepted"] else None}
                  for n, (t, ids) in enumerate(zip(threads, (by_thread[i] for i in range(len(threads)))))])
