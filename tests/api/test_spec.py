"""The operation decorator checks the caller's reach before the request's shape: a malformed
request about an object outside the caller's reach answers exactly like one about an object
that does not exist (404), and only the caller who may see it learns what was wrong (400)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.tickets.demo import LOCAL_SUBJECT
from helpdesk.tickets.models import Ticket
from tests.boards import matrix
from tests.boards.conftest import support_board, thread_titled

MISSING = 999_999
# Each body is wrong for its operation: a type the document refuses, or a field left out.
MALFORMED = [
    ("/api/v1/tickets/{ticket}/status", {"status": 5}),
    ("/api/v1/tickets/{ticket}/messages", {"body": ["not", "text"]}),
    ("/api/v1/tickets/{ticket}/escalate", {"note": 7}),
    ("/api/v1/tickets/{ticket}/assign", {"assignee_id": [1]}),
    ("/api/v1/boards/{board}/threads", {"title": 5}),
    ("/api/v1/threads/{thread}/posts", {"body": 5}),
    ("/api/v1/threads/{thread}/accept", {}),
]


def _ids(app):
    with app.app_context():
        def ticket(subject):
            return db.session.scalar(select(Ticket.id).where(Ticket.subject == subject))
        return {"mine": {"ticket": ticket(LOCAL_SUBJECT), "board": support_board().id,
                         "thread": thread_titled(matrix.OPEN).id},
                "missing": {"ticket": MISSING, "board": MISSING, "thread": MISSING}}


@pytest.mark.parametrize("path, body", MALFORMED, ids=[p for p, _ in MALFORMED])
def test_reach_is_checked_before_the_body(demo_app, as_user, path, body):
    ids = _ids(demo_app)
    inside = as_user("lokal.norr@exempelkommun.se")
    outside = as_user("central@grannby.se")  # another organisation: none of these are theirs
    missing = outside.post(path.format(**ids["missing"]), json=body)
    theirs = outside.post(path.format(**ids["mine"]), json=body)
    assert missing.status_code == theirs.status_code == 404
    assert theirs.get_json() == missing.get_json()
    mine = inside.post(path.format(**ids["mine"]), json=body)
    assert mine.status_code == 400, mine.get_json()
