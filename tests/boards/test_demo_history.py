"""The demo's past support-group threads (helpdesk/boards/demo_history.py)."""
from __future__ import annotations

from datetime import datetime, time, timezone

from sqlalchemy import func, select

from helpdesk.boards.models import Board, Post, Thread
from helpdesk.extensions import db
from helpdesk.tickets.sla import STOCKHOLM
from tests.support.clock import day_ahead


def test_support_group_has_months_of_threads_most_answered(history_app):
    today = datetime.combine(day_ahead(0), time(0), STOCKHOLM).astimezone(timezone.utc)
    with history_app.app_context():
        past = list(db.session.scalars(select(Thread).join(Board).where(
            Board.is_default.is_(True), Thread.created_at < day_ahead_start(-7))))
        assert len(past) >= 60
        first = min(t.created_at for t in past)
        assert first < day_ahead_start(-170)
        answered = [t for t in past if t.post_count > 1]
        assert len(answered) / len(past) > 0.6
        for thread in past:
            posts = list(db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.id)))
            # The counters agree with the posts, and nothing was written after today began.
            assert len(posts) == thread.post_count and posts[-1].id == thread.last_post_id
            assert posts[0].author_id == thread.author_id and posts[-1].created_at < today
            assert thread.last_activity_at == posts[-1].created_at
            assert all(p.body_html for p in posts)
            if thread.solved:
                assert thread.accepted_post_id in {p.id for p in posts[1:]}
        assert any(t.solved for t in past)
        # Answers come from someone else than the asker.
        assert db.session.scalar(select(func.count(Post.id)).join(Thread).where(
            Post.author_id != Thread.author_id)) > 40


def day_ahead_start(days: int) -> datetime:
    return datetime.combine(day_ahead(days), time(0), STOCKHOLM).astimezone(timezone.utc)
