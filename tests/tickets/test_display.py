"""How tickets read: business hours left and a requester's words (the one date format per
language is the app's `when` filter, tests/test_i18n.py)."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask_babel import force_locale

from helpdesk.tickets import display
from helpdesk.tickets.models import TicketStatus, Tier

STHLM = ZoneInfo("Europe/Stockholm")
# A Monday 10:00 and the Wednesday 08:00 after it: 7 + 9 business hours, but almost two days.
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=STHLM)
WEDNESDAY = datetime(2026, 12, 2, 8, 0, tzinfo=STHLM)


def test_time_left_counts_business_hours_not_days(app):
    with app.test_request_context():
        with force_locale("sv"):
            assert display.time_left(WEDNESDAY, MONDAY) == ("16 arbetstimmar", False)
            assert display.time_left(MONDAY, WEDNESDAY) == ("16 arbetstimmar", True)
        with force_locale("en"):
            assert display.time_left(WEDNESDAY, MONDAY) == ("16 business hours", False)


def test_a_weekend_does_not_count():
    friday = datetime(2026, 12, 4, 16, 0, tzinfo=STHLM)
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=STHLM)
    from helpdesk.tickets.sla import BusinessCalendar

    assert BusinessCalendar().seconds_between(friday, monday) == 2 * 3600


def test_requesters_read_plain_statuses_and_steps(app):
    with app.test_request_context(), force_locale("sv"):
        assert display.requester_status(TicketStatus.WAITING_FOR_TIER_ABOVE) == "Skickad vidare för mer hjälp"
        assert display.requester_value("waiting_for_tier_above") == "Skickad vidare för mer hjälp"
        assert display.requester_value("local") == "Din skola"
        ticket = SimpleNamespace(tier=Tier.CENTRAL, is_done=False)
        assert [s.state for s in display.steps(ticket)] == ["done", "current", "later"]
        done = SimpleNamespace(tier=Tier.LOCAL, is_done=True)
        assert [s.state for s in display.steps(done)] == ["done", "later", "later"]


def test_an_e_mail_address_is_never_a_public_name(app):
    from helpdesk.tickets.models import AuthorRole

    with app.test_request_context(), force_locale("en"):
        assert display.public_name("agent@vendor.example", AuthorRole.VENDOR) == "Vendor"
        assert display.public_name("Vera Lind", AuthorRole.VENDOR) == "Vera Lind"


def test_expectation_follows_the_sla_clock():
    due = datetime(2026, 12, 2, 8, 0, tzinfo=STHLM)
    running = SimpleNamespace(is_done=False, status=TicketStatus.NEW, sla_due_at=due, sla_due_kind="local_response")
    assert display.expectation(running) == display.Expectation("answer", due)
    paused = SimpleNamespace(is_done=False, status=TicketStatus.WAITING_FOR_REQUESTER, sla_due_at=None,
                             sla_due_kind=None)
    assert display.expectation(paused).kind == "paused"
    solved = SimpleNamespace(is_done=True, resolved_at=due, closed_at=None)
    assert display.expectation(solved) == display.Expectation("done", due)
