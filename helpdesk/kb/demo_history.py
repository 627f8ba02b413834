"""The demo's past searches and the questions the help pages answered before they were filed.

Written in bulk for the months the ticket history covers: searches on the search page
(some that found nothing), suggestion searches while a question was written, and for those
the filing outcome as the ticket form records it (`FilingDeflection`: given up because an
article answered, or filed anyway with the articles shown). Deterministic, like the tickets'
history (helpdesk/tickets/demo_history.py).
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import bindparam, insert, select, update

from helpdesk.extensions import db
from helpdesk.kb.models import Article, ArticleStatus, SearchLog
from helpdesk.models_base import utcnow

SEED = 20260602
# (query, results it finds): what people type, and the gaps ("not found").
FOUND = [("lösenord", 3), ("bankid", 2), ("frånvaro", 4), ("schema", 2), ("byta lösenord", 2),
         ("närvaro", 3), ("omdömen", 2), ("aviseringar", 1), ("vårdnadshavare", 3), ("logga in", 4)]
NOT_FOUND = ["skolskjuts", "matsedel", "läxhjälp", "skolfoto", "utvecklingssamtal bokning", "sjukanmälan sms"]
SEARCHES_PER_DAY = 9
SUGGESTIONS_PER_DAY = 5
# Of the questions written with suggestions, the share whose asker gave up filing.
GAVE_UP_SHARE = 0.35


def _moment(rng, day) -> datetime:
    from helpdesk.tickets.sla import STOCKHOLM

    return datetime.combine(day, time(rng.randint(7, 21), rng.randrange(60)), STOCKHOLM).astimezone(timezone.utc)


def demo_step(ctx) -> None:
    """A step of `build_demo(history=True)`, after the articles and the ticket history."""
    from helpdesk.tickets.demo_history import history_start
    from helpdesk.tickets.models import FilingDeflection, Ticket
    from helpdesk.tickets.sla import STOCKHOLM

    db.session.flush()
    rng = random.Random(SEED)
    today = utcnow().astimezone(STOCKHOLM).date()
    orgs = [ctx.orgs["exk"].id, ctx.orgs["exk"].id, ctx.orgs["exk"].id, ctx.orgs["grb"].id, None]
    articles = list(db.session.scalars(select(Article.id).where(
        Article.status == ArticleStatus.PUBLISHED, Article.language == "sv").order_by(Article.id)))
    askers = [(u.id, u.organisation_id) for email, u in sorted(ctx.users.items())
              if u.organisation_id is not None and ("larare" in email or "vardnadshavare" in email)]
    searches, deflections = [], []
    day = history_start(today)
    while day < today:
        busy = 0.2 if day.weekday() >= 5 else 1.0
        for _ in range(round(SEARCHES_PER_DAY * busy * rng.uniform(0.5, 1.5))):
            if rng.random() < 0.2:
                query, found = rng.choice(NOT_FOUND), 0
            else:
                query, found = rng.choice(FOUND)
            searches.append({"query": query, "language": "sv", "results_count": found,
                             "organisation_id": rng.choice(orgs), "origin": "search", "created_at": _moment(rng, day)})
        if articles and askers:
            for _ in range(round(SUGGESTIONS_PER_DAY * busy * rng.uniform(0.5, 1.5))):
                user_id, org_id = rng.choice(askers)
                query, found = rng.choice(FOUND)
                when = _moment(rng, day)
                shown = rng.sample(articles[:12], k=min(found, 3, len(articles)))
                searches.append({"query": query, "language": "sv", "results_count": found,
                                 "organisation_id": org_id, "origin": "suggestion", "created_at": when})
                if rng.random() < GAVE_UP_SHARE:
                    deflections.append({"user_id": user_id, "organisation_id": org_id,
                                        "category": rng.choice(["login", "usage"]),
                                        "shown_article_ids": ",".join(map(str, shown)), "gave_up": True,
                                        "ticket_id": None, "created_at": when + timedelta(minutes=2)})
        day += timedelta(days=1)
    # The rest filed anyway: some of the past questions were written with articles shown.
    start = datetime.combine(history_start(today), time(0), STOCKHOLM).astimezone(timezone.utc)
    filed = db.session.execute(select(Ticket.id, Ticket.requester_id, Ticket.organisation_id, Ticket.category,
                                      Ticket.created_at)
                               .where(Ticket.requester_id.is_not(None), Ticket.created_at >= start)
                               .order_by(Ticket.id)).all()
    shown_on = []
    for ticket_id, user_id, org_id, category, created in filed:
        if not articles or rng.random() >= 0.15:
            continue
        shown = ",".join(map(str, rng.sample(articles[:12], k=min(2, len(articles)))))
        shown_on.append({"b_id": ticket_id, "shown": shown})
        deflections.append({"user_id": user_id, "organisation_id": org_id, "category": category.value,
                            "shown_article_ids": shown, "gave_up": False, "ticket_id": ticket_id,
                            "created_at": created})
        searches.append({"query": rng.choice(FOUND)[0], "language": "sv", "results_count": 2,
                         "organisation_id": org_id, "origin": "suggestion",
                         "created_at": created - timedelta(minutes=3)})
    conn = db.session.connection()
    if searches:
        conn.execute(insert(SearchLog.__table__), searches)
    if deflections:
        conn.execute(insert(FilingDeflection.__table__), deflections)
    if shown_on:
        conn.execute(update(Ticket.__table__).where(Ticket.__table__.c.id == bindparam("b_id"))
                     .values(shown_article_ids=bindparam("shown")), shown_on)
