from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from tests.support.webhook_receiver import WebhookReceiver

CENTRAL = "central@exempelkommun.se"
GRANNBY_CENTRAL = "central@grannby.se"
TEACHER = "larare.norr@exempelkommun.se"
ALL_EVENTS = ["ticket.created", "ticket.escalated", "ticket.resolved", "ticket.rated",
              "article.published", "approval.requested", "approval.decided"]


@pytest.fixture
def app_config():
    # The receiver listens on 127.0.0.1 over plain http.
    return {"WEBHOOKS_ALLOW_HTTP_LOOPBACK": True}


@pytest.fixture
def receiver():
    with WebhookReceiver() as r:
        yield r


def user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def make_hook(receiver, email=CENTRAL, events=ALL_EVENTS):
    """A committed hook of the account's organisation pointing at the receiver, which learns
    its secret (as the municipality's system would, copied from the page)."""
    from helpdesk.webhooks import services

    hook = services.create_hook(user(email), receiver.url, events)
    db.session.commit()
    receiver.secret = hook.secret
    return hook
