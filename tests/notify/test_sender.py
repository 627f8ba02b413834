"""The outbox goes out over real SMTP; a mail server that is down loses nothing."""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from helpdesk.notify.sender import send_pending
from helpdesk.notify.services import queue_mail
from tests.support.smtp import free_port, smtp_server


def test_pending_mail_is_delivered_over_smtp(app):
    with smtp_server() as inbox:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port)
        with app.app_context():
            queue_mail("vh@example.org", "Ärende EXK-2026-00001", "Hej!\nSvar på din fråga.")
            db.session.commit()
            assert send_pending() == (1, 0)
            assert db.session.scalar(select(OutboxMail.sent_at)) is not None
            assert send_pending() == (0, 0)  # nothing is sent twice
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["Subject"] == "Ärende EXK-2026-00001"
    assert "Svar på din fråga." in inbox.messages[0].get_payload(decode=True).decode()


def test_a_server_that_is_down_leaves_the_mail_for_a_retry(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    with app.app_context():
        queue_mail("vh@example.org", "Hej", "text")
        db.session.commit()
        assert send_pending() == (0, 1)
        mail = db.session.scalar(select(OutboxMail))
        assert mail.sent_at is None and mail.attempts == 1 and mail.last_error
        # When the server is back and the retry time has come, it goes out.
        mail.next_attempt_at = mail.created_at
        db.session.commit()
        with smtp_server() as inbox:
            app.config.update(MAIL_PORT=inbox.port)
            assert send_pending() == (1, 0)
        assert len(inbox.messages) == 1


def test_mail_of_a_rolled_back_change_never_leaves(app):
    with app.app_context():
        queue_mail("vh@example.org", "Hej", "text")
        db.session.rollback()
        assert db.session.scalar(select(OutboxMail)) is None
