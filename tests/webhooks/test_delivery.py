"""The delivery job against a real receiver on loopback: signed posts, retries with a growing
wait, and a hook disabled (and central told) after repeated failures."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from helpdesk.core.tick import run_tick
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.notify.models import OutboxMail
from helpdesk.webhooks import delivery as job
from helpdesk.webhooks.models import Webhook, WebhookDelivery
from tests.webhooks.conftest import CENTRAL, TEACHER, make_hook, user


def _file():
    from helpdesk.tickets import services as tickets

    ticket = tickets.file_ticket(user(TEACHER), subject="Appen visar fel klass", body="Jag ser 7B.",
                                 category="usage")
    db.session.commit()
    return ticket


def _make_due():
    """As if the wait had passed: every pending delivery is due now."""
    for d in db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.status == "pending")):
        d.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_a_filed_ticket_reaches_the_receiver_signed(demo_app, receiver):
    with demo_app.test_request_context():
        make_hook(receiver, events=["ticket.created"])
        ticket = _file()
        report = dict(run_tick(keep_going=True))
        assert report["webhooks: delivery"] == "delivered 1, failed 0"
        [got] = receiver.received
        assert got.signature_valid
        assert got.event["type"] == "ticket.created" and got.event["data"]["ticket_id"] == ticket.id
        assert got.headers["webhook-id"] == got.event["id"]
        assert got.headers["content-type"] == "application/json"
        d = db.session.scalar(select(WebhookDelivery))
        assert (d.status, d.attempts, d.last_status_code) == ("delivered", 1, 200) and d.delivered_at
        assert job.deliver_due() == "delivered 0, failed 0"  # never sent twice
        assert len(receiver.received) == 1


def test_a_wrong_secret_does_not_verify(demo_app, receiver):
    """The receiver's check really checks: with another secret the same message fails."""
    with demo_app.test_request_context():
        make_hook(receiver, events=["ticket.created"])
        receiver.secret = "whsec_" + "QUJD" * 8
        _file()
        job.deliver_due()
        assert receiver.received and not receiver.received[0].signature_valid


def test_the_payload_names_nobody(demo_app, receiver):
    with demo_app.test_request_context():
        make_hook(receiver)
        teacher = user(TEACHER)
        _file()
        job.deliver_due()
        body = receiver.received[0].body.decode()
        for secret in (teacher.email, teacher.display_name, "Appen visar fel klass", "Jag ser 7B"):
            assert secret not in body
        assert teacher.display_name.split()[0] not in body


def test_a_failing_receiver_is_retried_with_a_growing_wait(demo_app, receiver):
    with demo_app.test_request_context():
        make_hook(receiver, events=["ticket.created"])
        _file()
        receiver.status = 500
        waits = []
        for attempt in range(1, job.MAX_ATTEMPTS):
            before = utcnow()
            assert job.deliver_due() == "delivered 0, failed 0"
            d = db.session.scalar(select(WebhookDelivery))
            assert (d.status, d.attempts, d.last_status_code) == ("pending", attempt, 500)
            waits.append(d.next_attempt_at - before)
            assert job.deliver_due() == "delivered 0, failed 0"  # not due yet: not posted
            assert len(receiver.received) == attempt
            _make_due()
        for wait, planned in zip(waits, job.BACKOFF):
            assert planned <= wait < planned + timedelta(seconds=30)
        assert waits == sorted(waits)
        receiver.status = 204
        assert job.deliver_due() == "delivered 1, failed 0"  # the last try gets through
        # The same event id on every attempt, so the receiver can drop repeats.
        assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
        assert all(r.signature_valid for r in receiver.received)


def test_repeated_failures_disable_the_hook_and_tell_central(demo_app, receiver):
    demo_app.config["WEBHOOKS_DISABLE_AFTER"] = 2
    with demo_app.test_request_context():
        hook = make_hook(receiver, events=["ticket.created"])
        receiver.status = 500
        for n in (1, 2):
            _file()
            for _ in range(job.MAX_ATTEMPTS):
                job.deliver_due()
                _make_due()
            db.session.refresh(hook)
            assert hook.failure_count == n
        assert not hook.active and hook.disabled_reason == "failures" and hook.disabled_at
        mails = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "webhook_disabled")).all()
        to = [m.to_address for m in mails]
        # Every central admin of the organisation, once; nobody of another organisation.
        assert CENTRAL in to and len(to) == len(set(to)) and all(a.endswith("@exempelkommun.se") for a in to)
        assert receiver.url in mails[0].body and f"/webhooks/{hook.id}" in mails[0].body
        assert "Kontrollera det mottagande systemet" in mails[0].body  # in the admin's language
        # Disabled: new events are not queued and nothing is posted.
        posted = len(receiver.received)
        _file()
        job.deliver_due()
        assert len(receiver.received) == posted
        assert db.session.scalar(select(Webhook).where(Webhook.id == hook.id)).failure_count == 2


def test_a_success_starts_the_failure_count_again(demo_app, receiver):
    with demo_app.test_request_context():
        hook = make_hook(receiver, events=["ticket.created"])
        receiver.status = 500
        _file()
        for _ in range(job.MAX_ATTEMPTS):
            job.deliver_due()
            _make_due()
        db.session.refresh(hook)
        assert hook.failure_count == 1
        receiver.status = 200
        _file()
        job.deliver_due()
        db.session.refresh(hook)
        assert hook.failure_count == 0 and hook.active


def test_an_address_that_turned_internal_is_not_posted(demo_app, receiver):
    with demo_app.test_request_context():
        hook = make_hook(receiver, events=["ticket.created"])
        hook.url = "https://10.0.0.8/hook"  # e.g. its host name now points inside
        db.session.commit()
        _file()
        job.deliver_due()
        d = db.session.scalar(select(WebhookDelivery))
        assert d.status == "pending" and d.attempts == 1 and d.last_status_code is None and d.last_error
        assert receiver.received == []
