"""Moderation: hiding, reporting and moving, by central only."""
from __future__ import annotations

import pytest

from helpdesk.boards import moderation, services
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.boards.conftest import support_board, thread_titled, user
from tests.boards.people import (
    CENTRAL,
    GRANNBY,
    NORR,
)

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
