"""Moderation: hiding, reporting and moving, by central only."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.boards import moderation, services
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from tests.boards.conftest import support_board, thread_titled, user
from tests.support.clock import moment_ahead

# The demo's check-in meeting is a week ahead; these tests plan theirs after it.
WORKSHOP = moment_ahead(14, 14, 0)
RESCHEDULED = moment_ahead(15, 9, 0)

CENTRAL = "central@exempelkommun.se"
NORR = "lokal.norr@exempelkommun.se"
SODER = "lokal.soder@exempelkommun.se"
VASTER = "lokal.vaster@exempelkommun.se"
TEACHER = "larare.norr@exempelkommun.se"
GUARDIAN = "vardnadshavare.norr@exempelkommun.se"
VENDOR = "leverantor@leverantor.example"
GRANNBY = "central@grannby.se"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def names(boards) -> set[str]:
    return {f"{b.name}/{b.organisation.name if b.organisation else 'vendor'}" for b in boards}


# ------------------------------------------------------------------ visibility

def test_hide_report_move_by_central_only(ctx):
    thread = thread_titled("Vårdnadshavare utan")
    post = services.first_post(thread)
    with pytest.raises(PermissionDenied):
        moderation.hide_post(user(NORR), post, "Nej")
    with pytest.raises(ValidationFailed):
        moderation.hide_post(user(CENTRAL), post, " ")
    moderation.hide_post(user(CENTRAL), post, "Innehöll personuppgifter")
    assert post.hidden and post.body  # kept, not deleted
    # The hidden post's history is for the moderators, not for the others who see the thread.
    assert services.post_history(user(CENTRAL), post.id)[0] is post
    with pytest.raises(NotFound):
        services.post_history(user(NORR), post.id)
    report = moderation.report_post(user(NORR), post, "Elevnamn")
    assert report in moderation.open_reports(user(CENTRAL))
    assert moderation.open_reports(user(GRANNBY)) == []
    moderation.resolve_report(user(CENTRAL), report.id)
    assert report.resolved_at is not None
    with pytest.raises(Conflict):
        moderation.resolve_report(user(CENTRAL), report.id)
    staff = services.create_board(user(CENTRAL), organisation_id=user(CENTRAL).organisation_id, name="Alla")
    moderation.move_thread(user(CENTRAL), thread, staff.id)
    assert thread.board_id == staff.id
    with pytest.raises(ValidationFailed):
        moderation.move_thread(user(CENTRAL), thread, support_board("Grannby").id)
