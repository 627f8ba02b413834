"""`flask privacy retention CODE [--dry-run]`."""
from __future__ import annotations

from helpdesk.privacy import retention
from tests.privacy.conftest import CENTRAL, DAYS, GUARDIAN, close_long_ago, org, tickets_of, user


def test_without_confirmed_rules_the_command_refuses(demo_app):
    r = demo_app.test_cli_runner().invoke(args=["privacy", "retention", "EXK", "--dry-run"])
    assert r.exit_code != 0 and "no confirmed retention rules" in r.output


def test_unknown_organisation(demo_app):
    r = demo_app.test_cli_runner().invoke(args=["privacy", "retention", "NOPE"])
    assert r.exit_code != 0 and "no organisation" in r.output


def test_dry_run_then_run(demo_app):
    with demo_app.app_context():
        exk, central = org("EXK"), user(CENTRAL)
        t = close_long_ago(tickets_of(user(GUARDIAN))[0])
        number, name = t.number, t.requester_name
        retention.confirm(central, exk.id, retention.fingerprint(retention.propose(central, exk.id, DAYS).proposed))
        from helpdesk.extensions import db

        db.session.commit()
    runner = demo_app.test_cli_runner()
    r = runner.invoke(args=["privacy", "retention", "exk", "--dry-run"])
    assert r.exit_code == 0 and "closed_ticket_days (730 days): 1" in r.output and number in r.output
    assert name not in r.output
    r = runner.invoke(args=["privacy", "retention", "EXK"])
    assert r.exit_code == 0 and "closed_ticket_days: 1" in r.output
    r = runner.invoke(args=["privacy", "retention", "EXK", "--dry-run"])
    assert "closed_ticket_days (730 days): 0" in r.output
