"""The kept queue page (queue_cache.py) and the versions it is kept under (queue_versions.py):
a kept page is served while nothing changed, every kind of change is seen by the next
request, and no one is ever served a page rendered for someone else."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from helpdesk.extensions import db
from helpdesk.tickets import queue_cache
from helpdesk.tickets.demo import CENTRAL_SUBJECT
from helpdesk.tickets.models import QueueVersion, Ticket

QUEUE = "/tickets/queue?tier=central"


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    """Every request of a test in one keeping window: the window follows the clock
    (QUEUE_CACHE_SECONDS, a minute), and a test whose two requests fell either side of a
    minute's turn saw the page rendered again where it meant to see it kept."""
    moment = queue_cache.utcnow()
    monkeypatch.setattr(queue_cache, "utcnow", lambda: moment)


def _hits(app) -> int:
    return queue_cache.store(app).hits


def _versions(app) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(select(QueueVersion.organisation_id, QueueVersion.version)).all())


def _central_ticket(app):
    with app.app_context():
        return db.session.execute(select(Ticket.id, Ticket.organisation_id, Ticket.school_id)
                                  .where(Ticket.subject == CENTRAL_SUBJECT)).one()


def test_a_kept_page_is_served_until_a_ticket_changes_through_the_orm(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    first = central.get(QUEUE).text
    hits = _hits(demo_app)
    assert central.get(QUEUE).text.count(CENTRAL_SUBJECT) == first.count(CENTRAL_SUBJECT) == 1
    assert _hits(demo_app) == hits + 1  # the second request was the kept page
    ticket_id, org, _ = _central_ticket(demo_app)
    with demo_app.app_context():
        db.session.get(Ticket, ticket_id).subject = "Schemat syns inte efter bytet"
        db.session.commit()
    page = central.get(QUEUE).text
    assert "Schemat syns inte efter bytet" in page and CENTRAL_SUBJECT not in page
    assert _hits(demo_app) == hits + 1  # rendered again, not kept


def test_a_change_through_a_service_is_on_the_next_page(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    ticket_id, org, _ = _central_ticket(demo_app)
    before = central.get(QUEUE).text
    mine = re.search(r"Mina</span> <span class=\"count[^\"]*\">(\d+)<", before)
    assert mine, before
    done = central.post("/tickets/queue/bulk?tier=central", follow_redirects=True,
                        data={"ticket": str(ticket_id), "action": "assign", "assignee": "me"})
    assert "alert--success" in done.text  # the report (a page with a message: never kept)
    after = central.get(QUEUE).text
    assert int(re.search(r"Mina</span> <span class=\"count[^\"]*\">(\d+)<", after)[1]) == int(mine[1]) + 1


def test_an_update_statement_and_a_directory_change_are_seen(demo_app, as_user):
    """The tick changes tickets with UPDATE statements, the sync the directory in bulk."""
    from helpdesk.directory.models import School

    central = as_user("central@exempelkommun.se")
    ticket_id, org, school_id = _central_ticket(demo_app)
    central.get(QUEUE)
    with demo_app.app_context():
        db.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(subject="Ändrad av en sats"))
        db.session.commit()
    assert "Ändrad av en sats" in central.get(QUEUE).text
    with demo_app.app_context():
        db.session.execute(update(School).where(School.id == school_id).values(name="Omdöpta skolan"))
        db.session.commit()
    assert "Omdöpta skolan" in central.get(QUEUE).text


def test_versions_move_per_organisation_and_not_on_a_rollback(demo_app):
    from helpdesk.directory.models import Organisation

    ticket_id, org, _ = _central_ticket(demo_app)
    before = _versions(demo_app)
    with demo_app.app_context():
        db.session.get(Ticket, ticket_id).subject = "Bortkastad ändring"
        db.session.flush()
        db.session.rollback()
    assert _versions(demo_app) == before
    with demo_app.app_context():
        db.session.get(Ticket, ticket_id).subject = "Sparad ändring"
        db.session.commit()
        others = set(db.session.scalars(select(Organisation.id).where(Organisation.id != org)))
    after = _versions(demo_app)
    assert after[org] != before.get(org)
    assert {o: after.get(o) for o in others} == {o: before.get(o) for o in others}  # the others' pages stay


def test_a_local_admin_never_gets_a_kept_central_page(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    assert CENTRAL_SUBJECT in central.get(QUEUE).text  # kept now
    local = as_user("lokal.norr@exempelkommun.se")
    assert local.get(QUEUE).status_code == 404
    own = local.get("/tickets/queue").text
    assert CENTRAL_SUBJECT not in own and "<h1>Kö: Central support</h1>" not in own
    # The same address in another language is another page.
    english = as_user("central@exempelkommun.se")
    english.post("/language", data={"lang": "en"})
    assert "<h1>Queue: Central team</h1>" in english.get(QUEUE).text


def test_a_role_taken_away_is_seen_at_once(demo_app, as_user):
    from helpdesk.auth.models import Role, RoleAssignment, User

    central = as_user("central@exempelkommun.se")
    assert central.get(QUEUE).status_code == 200
    with demo_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "central@exempelkommun.se"))
        for role in [r for r in user.roles if r.role is Role.CENTRAL_ADMIN]:
            db.session.delete(role)
        db.session.add(RoleAssignment(user=user, role=Role.STAFF, organisation_id=user.organisation_id))
        db.session.commit()
    assert central.get(QUEUE).status_code in (403, 404)


def test_the_kept_page_carries_the_current_requests_csrf_token(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    central.get(QUEUE)
    hits = _hits(demo_app)
    page = central.get(QUEUE).text
    assert _hits(demo_app) == hits + 1
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
    assert len(tokens) == 1 and "\x00" not in page
    with central.session_transaction() as sess:
        raw = sess["csrf_token"]
    from itsdangerous import URLSafeTimedSerializer

    assert URLSafeTimedSerializer(demo_app.secret_key, salt="wtf-csrf-token").loads(tokens.pop()) == raw


def test_a_page_with_a_message_is_not_kept(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    bad = QUEUE + "&after=nonsense"
    for _ in range(2):  # shown each time, not kept without it (nor kept with it)
        assert central.get(bad).text.count("Den sidan av kön finns inte") == 1


def test_a_reply_that_changes_nothing_shown_keeps_the_page(demo_app, as_user):
    """A reply moves the message count and updated_at, which no queue page shows: the kept
    page stays (else every reply threw every page of the organisation away)."""
    central = as_user("central@exempelkommun.se")
    ticket_id, org, _ = _central_ticket(demo_app)
    for n in range(2):  # the first may take the question up (status, deadline): seen at once
        central.post(f"/tickets/{ticket_id}/reply", data={"body": f"Svar {n}"}, follow_redirects=True)
        central.get(QUEUE)
    before, hits = _versions(demo_app), _hits(demo_app)
    central.post(f"/tickets/{ticket_id}/reply", data={"body": "Ett svar till"}, follow_redirects=True)
    assert _versions(demo_app) == before
    central.get(QUEUE)
    assert _hits(demo_app) == hits + 1
