"""Support-group meetings: planning, invitations, agenda and minutes."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.boards import ics, meetings, services
from helpdesk.boards.models import (
    MeetingKind,
)
from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from tests.boards.conftest import thread_titled, user
from tests.boards.people import (
    CENTRAL,
    NORR,
    RESCHEDULED,
    SODER,
    WORKSHOP,
    count,
)
from tests.support.clock import ics_value

# ------------------------------------------------------------------ visibility

def _plan(**kw):
    from helpdesk.directory.models import School

    norr = db.session.scalar(select(School).where(School.name == "Norrskolan"))
    args = dict(organisation_id=user(CENTRAL).organisation_id, title="Workshop om synken",
                kind=MeetingKind.WORKSHOP, starts_at=WORKSHOP,
                duration_minutes=90, location="Sal 3; plan 2", school_ids=[norr.id])
    args.update(kw)
    return meetings.plan_meeting(user(CENTRAL), **args)


def test_plan_meeting_rules(ctx):
    with pytest.raises(PermissionDenied):
        meetings.plan_meeting(user(NORR), organisation_id=user(NORR).organisation_id, title="x",
                              kind=MeetingKind.WORKSHOP, starts_at=None, duration_minutes=60, school_ids=[])
    for bad, field in [(dict(starts_at=None), "starts_at"), (dict(duration_minutes=5), "duration"),
                       (dict(school_ids=[]), "schools"), (dict(title=""), "title")]:
        with pytest.raises(ValidationFailed) as exc:
            _plan(**bad)
        assert exc.value.field == field
    meeting = _plan()
    assert services.can_view_thread  # noqa: B018
    from helpdesk.access import can

    assert can(user(NORR), "boards.view_meeting", meeting)
    assert not can(user(SODER), "boards.view_meeting", meeting)
    assert [u.email for u in meetings.invitee_contacts(meeting)] == ["lokal.norr@exempelkommun.se",
                                                                     "lokal2.norr@exempelkommun.se"]


def test_agenda_from_threads_and_minutes_become_a_thread(ctx):
    meeting = _plan()
    candidates = meetings.agenda_candidates(user(CENTRAL), meeting)
    assert candidates["previous"].title == "Avstämningsmöte för supportgruppen"  # the demo's check-in
    open_q = thread_titled("Vårdnadshavare utan")
    assert open_q in candidates["threads"]
    meetings.add_agenda_item(user(CENTRAL), meeting, kind="thread", ref=open_q.id)
    assert open_q not in meetings.agenda_candidates(user(CENTRAL), meeting)["threads"]
    note = meetings.add_agenda_item(user(CENTRAL), meeting, kind="note", text="Övrigt")
    with pytest.raises(ValidationFailed):
        meetings.add_agenda_item(user(CENTRAL), meeting, kind="thread", ref="999999")
    assert [i.title for i in meeting.agenda] == [open_q.title, "Övrigt"]
    meetings.remove_agenda_item(user(CENTRAL), meeting, note.id)
    thread = meetings.save_minutes(user(CENTRAL), meeting, "Vi gick igenom frågan.")
    assert thread.board.is_default and thread.title.startswith("Protokoll")
    assert meeting.minutes_thread_id == thread.id
    again = meetings.save_minutes(user(CENTRAL), meeting, "Vi gick igenom frågan. Tillägg.")
    assert again.id == thread.id and services.first_post(thread).body.endswith("Tillägg.")
    assert len(services.revisions(services.first_post(thread))) == 1


def test_escalated_tickets_and_top_categories_feed_the_agenda(ctx):
    meeting = _plan()
    candidates = meetings.agenda_candidates(user(CENTRAL), meeting)
    assert isinstance(candidates["tickets"], list) and isinstance(candidates["categories"], list)
    assert candidates["categories"], "the demo tickets give categories"
    for code, name, n in candidates["categories"][:1]:
        item = meetings.add_agenda_item(user(CENTRAL), meeting, kind="category", ref=code)
        assert item.title == name and name != code and n >= 1
    with pytest.raises(ValidationFailed):
        meetings.add_agenda_item(user(CENTRAL), meeting, kind="category", ref="no-such-category")
    for ticket_id, _title in candidates["tickets"][:1]:
        item = meetings.add_agenda_item(user(CENTRAL), meeting, kind="ticket", ref=ticket_id)
        assert item.ticket_id == ticket_id


def test_the_monthly_insight_report_can_be_attached_to_the_agenda(ctx):
    meeting = _plan()
    month = meetings.report_month(meeting)
    local_start = meeting.starts_at.astimezone(services.STOCKHOLM)
    assert month < f"{local_start.year}-{local_start.month:02d}"
    assert meetings.agenda_candidates(user(CENTRAL), meeting)["report_month"] == month
    item = meetings.add_agenda_item(user(CENTRAL), meeting, kind="report", ref=month)
    assert item.title == f"Monthly report {month}" or item.title == f"Månadsrapport {month}"
    assert meetings.report_url(user(CENTRAL), item.category) == f"/insight/report?month={month}"
    assert meetings.agenda_candidates(user(CENTRAL), meeting)["report_month"] is None  # attached once
    for bad in ("2026-13", "månad", "", "0001-01"):
        with pytest.raises(ValidationFailed):
            meetings.add_agenda_item(user(CENTRAL), meeting, kind="report", ref=bad)


def test_planning_mails_the_invited_contacts(ctx):
    mails = count(OutboxMail)
    meeting = _plan()
    new = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()[mails:]
    assert sorted(m.to_address for m in new) == ["lokal.norr@exempelkommun.se", "lokal2.norr@exempelkommun.se"]
    assert new[0].subject.startswith(f"Inbjudan: Workshop om synken, {WORKSHOP:%Y-%m-%d %H:%M}")
    assert f"/boards/meetings/{meeting.id}.ics" in new[0].body


def test_reschedule_bumps_the_calendar_sequence_and_tells_the_invited(ctx):
    meeting = _plan()
    mails = count(OutboxMail)
    from helpdesk.directory.models import School

    soder = db.session.scalar(select(School.id).where(School.name == "Söderskolan"))
    meetings.reschedule_meeting(user(CENTRAL), meeting, title="Workshop om synken", kind=MeetingKind.WORKSHOP,
                                starts_at=RESCHEDULED,
                                duration_minutes=60, school_ids=[soder])
    assert meeting.sequence == 1 and meeting.school_ids == {soder}
    new = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()[mails:]
    assert [m.to_address for m in new] == [SODER] and new[0].subject.startswith("Ändrat:")
    text = ics.meeting_calendar(meeting, description="", url="", attendees=[])
    assert "SEQUENCE:1" in text and f"DTSTART;TZID=Europe/Stockholm:{ics_value(RESCHEDULED)}" in text
    with pytest.raises(PermissionDenied):
        meetings.reschedule_meeting(user(NORR), meeting, title="x", kind=MeetingKind.WORKSHOP,
                                    starts_at=meeting.starts_at, duration_minutes=60, school_ids=[soder])


def test_ics_follows_rfc_5545(ctx):
    meeting = _plan(title="Workshop: synk, grupper och " + "långa namn " * 8)
    text = ics.meeting_calendar(meeting, description="Agenda:\n1. Synken", url="http://x/1",
                                attendees=[("Per Holm", "lokal.norr@exempelkommun.se")])
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert f"DTSTART;TZID=Europe/Stockholm:{ics_value(WORKSHOP)}" in unfolded
    assert f"DTEND;TZID=Europe/Stockholm:{ics_value(WORKSHOP.replace(hour=15, minute=30))}" in unfolded
    assert "LOCATION:Sal 3\\; plan 2" in unfolded and "DESCRIPTION:Agenda:\\n1. Synken" in unfolded
    assert "TZID:Europe/Stockholm" in unfolded and f"UID:{meeting.uid}" in unfolded
    assert "synk\\, grupper" in unfolded


# ------------------------------------------------------------------ tickets (only with the tickets capability)
