"""A board's first page and a 200-post thread take a bounded number of queries, however
many threads, posts and authors there are."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from helpdesk.boards.models import Post, Thread
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from tests.boards.conftest import support_board, user
from tests.support.factories import Role, make_person, make_user

BOARD_PAGE_MAX = 11
THREAD_PAGE_MAX = 16


def _grow(demo_app, threads: int, posts_in_big: int) -> tuple[int, int]:
    """Add threads (by many authors) and one thread with `posts_in_big` posts."""
    with demo_app.app_context():
        board = support_board()
        central = user("central@exempelkommun.se")
        org = central.organisation
        from helpdesk.directory.models import School

        school = db.session.scalar(select(School).where(School.organisation_id == org.id))
        authors = [make_user(person=make_person(org), org=org, roles=[(Role.LOCAL_ADMIN, school), (Role.STAFF, org)])
                   for _ in range(12)]
        now = utcnow()
        for n in range(threads):
            t = Thread(board_id=board.id, title=f"Tråd {n}", author_id=authors[n % 12].id, post_count=1,
                       last_activity_at=now - timedelta(minutes=n), solved=n % 3 == 0, pinned=n == 7)
            db.session.add(t)
        big = Thread(board_id=board.id, title="Lång tråd", author_id=authors[0].id, post_count=posts_in_big,
                     last_activity_at=now)
        db.session.add(big)
        db.session.flush()
        db.session.add_all(Post(thread_id=big.id, author_id=authors[k % 12].id, body=f"Inlägg {k}",
                                body_html=f"<p>Inlägg {k}</p>", hidden=k == 5, hidden_reason="x" if k == 5 else None)
                           for k in range(posts_in_big))
        db.session.flush()
        big.accepted_post_id = db.session.scalar(select(Post.id).where(Post.thread_id == big.id).order_by(Post.id.desc()))
        big.solved = True
        board_id, big_id = board.id, big.id
        db.session.commit()
    return board_id, big_id


def _count(demo_app, client, url) -> tuple[int, int]:
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    with demo_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements), len(response.data)


@pytest.mark.parametrize("threads, posts", [(30, 20), (120, 200)])
def test_board_and_thread_pages_use_a_bounded_number_of_queries(demo_app, as_user, threads, posts):
    board_id, big_id = _grow(demo_app, threads, posts)
    c = as_user("central@exempelkommun.se")
    c.get(f"/boards/{board_id}")  # the first visit may make boards; count the next
    board_queries, _ = _count(demo_app, c, f"/boards/{board_id}")
    thread_queries, size = _count(demo_app, c, f"/boards/threads/{big_id}")
    assert board_queries <= BOARD_PAGE_MAX, board_queries
    assert thread_queries <= THREAD_PAGE_MAX, thread_queries
    assert size > posts * 100  # every post was rendered
