"""The boards' pages, through the test client."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from helpdesk.boards.models import Meeting, Post, Report, Thread
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from tests.boards import matrix
from tests.boards.conftest import support_board, thread_titled
from tests.support.clock import form_value, ics_value, moment_ahead

WORKSHOP = moment_ahead(14, 14, 0)
CHANGED = moment_ahead(21, 9, 0)

CENTRAL = "central@exempelkommun.se"
NORR = "lokal.norr@exempelkommun.se"
SODER = "lokal.soder@exempelkommun.se"


def ids(demo_app):
    with demo_app.app_context():
        return {
            "board": support_board().id,
            "open": thread_titled(matrix.OPEN).id,
            "team": thread_titled(matrix.TEAM).id,
            "solved": thread_titled(matrix.SOLVED).id,
            "team_reply": matrix.post(matrix.TEAM, 1),
            "open_post": matrix.post(matrix.OPEN, 0),
            "meeting": matrix.meeting(),
        }


def scalar(demo_app, stmt):
    with demo_app.app_context():
        return db.session.scalar(stmt)


def test_demo_ids_the_matrix_relies_on(demo_app):
    assert ids(demo_app)["team_reply"] == matrix.TEAM_REPLY_ID


def test_board_list_and_board_page(demo_app, as_user):
    c = as_user(SODER)
    page = c.get("/boards/").get_data(as_text=True)
    assert "Supportgruppen" in page and "Leverantörsforum" not in page
    i = ids(demo_app)
    page = c.get(f"/boards/{i['board']}").get_data(as_text=True)
    titles = re.findall(r'class="thread-row__title"[^>]*>([^<]+)<', page)
    assert titles[0].startswith("Vårdnadshavare utan") and len(titles) == 3  # latest activity first
    assert "Löst" in page and "Obesvarad<" in page
    solved = c.get(f"/boards/{i['board']}?filter=solved").get_data(as_text=True)
    assert re.findall(r'class="thread-row__title"[^>]*>([^<]+)<', solved) == [
        "Hur lägger jag till en specialpedagog som inte kommer med synken?"]
    mine = c.get(f"/boards/{i['board']}?filter=mine").get_data(as_text=True)
    assert len(re.findall(r'class="thread-row__title"', mine)) == 1


def test_guardian_and_staff_are_kept_out(demo_app, as_user):
    i = ids(demo_app)
    # A board out of reach answers like a missing one; the boards page itself is refused.
    assert as_user("vardnadshavare.norr@exempelkommun.se").get(f"/boards/{i['board']}").status_code == 404
    assert as_user("vardnadshavare.norr@exempelkommun.se").get("/boards/").status_code == 403
    teacher = as_user("larare.norr@exempelkommun.se")
    before = scalar(demo_app, select(func.count(Thread.id)))
    r = teacher.post(f"/boards/{i['board']}/new", data={"title": "Hej", "body": "Text"})
    assert r.status_code == 404
    assert scalar(demo_app, select(func.count(Thread.id))) == before


def test_ask_reply_accept_journey(demo_app, as_user):
    i = ids(demo_app)
    norr, soder, central = as_user(NORR), as_user(SODER), as_user(CENTRAL)
    r = norr.post(f"/boards/{i['board']}/new", data={"title": "Mentorer i 7B", "body": "Hur kopplar ni mentorer?"})
    assert r.status_code == 302
    thread_id = int(r.headers["Location"].rsplit("/", 1)[1])
    r = soder.post(f"/boards/threads/{thread_id}/reply", data={"body": "Under **Elever**, välj Mentor."})
    assert r.status_code == 302
    reply_id = scalar(demo_app, select(func.max(Post.id)).where(Post.thread_id == thread_id))
    # Another school's contact cannot accept in lokal.norr's thread.
    assert soder.post(f"/boards/threads/{thread_id}/accept", data={"post_id": str(reply_id)}).status_code == 403
    assert central.post(f"/boards/threads/{thread_id}/accept", data={"post_id": str(reply_id)}).status_code == 302
    page = norr.get(f"/boards/threads/{thread_id}").get_data(as_text=True)
    accepted = page.split('id="accepted-title"')[1].split("</section>")[0]
    assert "<strong>Elever</strong>" in accepted
    assert 'class="badge badge--ok">Löst' in page
    # lokal.norr follows the thread they started, so the reply was mailed.
    assert scalar(demo_app, select(func.count(OutboxMail.id)).where(OutboxMail.to_address == NORR)) == 1


def test_bad_posts_are_refused_with_the_message_on_the_field(demo_app, as_user):
    i = ids(demo_app)
    c = as_user(NORR)
    posts = scalar(demo_app, select(func.count(Post.id)))
    for body in ("", "x" * 100_000):
        r = c.post(f"/boards/threads/{i['open']}/reply", data={"body": body})
        assert r.status_code == 400
        page = r.get_data(as_text=True)
        assert 'aria-describedby="body-hint body-error"' in page
        assert "Skriv något först." in page or "Texten är för lång (högst 20000 tecken)." in page
    r = c.post(f"/boards/{i['board']}/new", data={"title": "", "body": "x"})
    assert r.status_code == 400 and 'id="title-error"' in r.get_data(as_text=True)
    assert scalar(demo_app, select(func.count(Post.id))) == posts


def test_script_tags_are_harmless(demo_app, as_user):
    i = ids(demo_app)
    c = as_user(NORR)
    c.post(f"/boards/threads/{i['open']}/reply", data={"body": "<script>alert('x')</script>Hej <b onclick=x>du</b>"})
    page = c.get(f"/boards/threads/{i['open']}").get_data(as_text=True)
    assert "<script>alert" not in page and "onclick" not in page and "Hej" in page


def test_locked_thread_refuses_replies(demo_app, as_user):
    i = ids(demo_app)
    central = as_user(CENTRAL)
    assert central.post(f"/boards/threads/{i['open']}/moderate", data={"action": "lock"}).status_code == 302
    r = as_user(NORR).post(f"/boards/threads/{i['open']}/reply", data={"body": "Hej"})
    assert r.status_code == 409
    assert "Tråden är låst" in r.get_data(as_text=True)
    assert scalar(demo_app, select(Thread.post_count).where(Thread.id == i["open"])) == 1


def test_edit_shows_edited_mark_and_history(demo_app, as_user):
    i = ids(demo_app)
    c = as_user(SODER)
    assert c.get(f"/boards/posts/{i['open_post']}/edit").status_code == 200
    assert as_user(NORR).get(f"/boards/posts/{i['open_post']}/edit").status_code == 403
    r = c.post(f"/boards/posts/{i['open_post']}/edit", data={"body": "Ny fråga om samordningsnummer"})
    assert r.status_code == 302
    page = c.get(f"/boards/threads/{i['open']}").get_data(as_text=True)
    assert 'class="edited">redigerat' in page
    history = c.get(f"/boards/posts/{i['open_post']}/history").get_data(as_text=True)
    assert "Ny fråga om samordningsnummer" in history and "BankID" in history


def test_quote_prefills_the_reply(demo_app, as_user):
    i = ids(demo_app)
    page = as_user(NORR).get(f"/boards/threads/{i['open']}?quote={i['open_post']}").get_data(as_text=True)
    assert "Omar Haddad skrev:\n&gt; En vårdnadshavare" in page
    assert f'name="quoted_post_id" type="hidden" value="{i["open_post"]}"' in page


def test_hide_and_report(demo_app, as_user):
    i = ids(demo_app)
    norr, central = as_user(NORR), as_user(CENTRAL)
    assert norr.post(f"/boards/posts/{i['open_post']}/report", data={"reason": ""}).status_code == 400
    assert norr.post(f"/boards/posts/{i['open_post']}/report", data={"reason": "Personnummer"}).status_code == 302
    reports = central.get("/boards/reports").get_data(as_text=True)
    assert "Personnummer" in reports
    report_id = scalar(demo_app, select(func.max(Report.id)))
    r = central.post(f"/boards/reports/{report_id}/resolve", data={"action": "hide", "hide_reason": "Innehöll personuppgifter"})
    assert r.status_code == 302
    page = norr.get(f"/boards/threads/{i['open']}").get_data(as_text=True)
    assert "Inlägget har dolts av en moderator: Innehöll personuppgifter" in page
    assert "BankID" not in page  # the text is not shown to non-moderators
    assert "BankID" in central.get(f"/boards/threads/{i['open']}").get_data(as_text=True)


def test_promote_to_faq_makes_a_draft_that_is_published_and_found(demo_app, as_user):
    """The issue's path: a solved thread becomes a draft article, which central publishes."""
    from helpdesk.kb.models import Article, ArticleStatus
    from helpdesk.search import services as search

    i = ids(demo_app)
    central = as_user(CENTRAL)
    assert as_user(NORR).post(f"/boards/threads/{i['solved']}/promote").status_code == 403
    r = central.post(f"/boards/threads/{i['solved']}/promote")
    assert r.status_code == 302
    with demo_app.app_context():
        article = db.session.scalar(select(Article).where(Article.title.like("Hur lägger jag till en specialpedagog%")))
        assert article.status is ArticleStatus.DRAFT and article.language == "sv"
        assert f"/boards/threads/{i['solved']}" in article.body and "nattliga synken" in article.body
        slug, article_id = article.slug, article.id
    assert central.post(f"/kb/manage/{article_id}/status", data={"status": "published"}).status_code == 302
    with demo_app.test_request_context():
        search.ensure_index()
        search.process_outbox()
        from tests.search.conftest import user

        hits = search.search(user("lokal.soder@exempelkommun.se"), "specialpedagog synken", kinds=("article",)).results.hits
        assert any(h.url.endswith(slug) for h in hits)


def test_unread_count_on_board_list(demo_app, as_user):
    i = ids(demo_app)
    norr = as_user(NORR)
    norr.get(f"/boards/threads/{i['team']}")  # read up to now
    as_user(SODER).post(f"/boards/threads/{i['team']}/reply", data={"body": "Vi gör likadant."})
    page = norr.get("/boards/").get_data(as_text=True)
    assert "1 oläst" in page
    norr.get(f"/boards/threads/{i['team']}")
    assert "oläst" not in norr.get("/boards/").get_data(as_text=True)


def test_plan_meeting_agenda_minutes_and_ics(demo_app, as_user):
    central = as_user(CENTRAL)
    with demo_app.app_context():
        from helpdesk.directory.models import School

        norr_id = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
    r = central.post("/boards/meetings/new", data={"title": "Workshop om synken", "kind": "workshop",
                                                   "starts_at": form_value(WORKSHOP), "duration": "90",
                                                   "schools": [str(norr_id)]})
    assert r.status_code == 302
    meeting_id = int(r.headers["Location"].rsplit("/", 1)[1])
    bad = central.post("/boards/meetings/new", data={"title": "X", "kind": "workshop", "starts_at": "",
                                                     "duration": "90", "schools": [str(norr_id)]})
    assert bad.status_code == 400 and "Ange datum och tid." in bad.get_data(as_text=True)
    page = central.get(f"/boards/meetings/{meeting_id}").get_data(as_text=True)
    assert "Vårdnadshavare utan personnummer" in page  # an agenda candidate
    i = ids(demo_app)
    central.post(f"/boards/meetings/{meeting_id}/agenda", data={"kind": "thread", "ref": str(i["open"])})
    ics = central.get(f"/boards/meetings/{meeting_id}.ics")
    assert ics.mimetype == "text/calendar"
    text = ics.get_data(as_text=True).replace("\r\n ", "")
    assert f"DTSTART;TZID=Europe/Stockholm:{ics_value(WORKSHOP)}" in text
    assert "1. Vårdnadshavare utan personnummer" in text
    assert "mailto:lokal.norr@exempelkommun.se" in text and "lokal.soder" not in text
    # Not invited (a meeting for Norrskolan only): it answers like a missing meeting.
    assert as_user(SODER).get(f"/boards/meetings/{meeting_id}.ics").status_code == 404
    r = central.post(f"/boards/meetings/{meeting_id}/minutes", data={"minutes": "Vi gick igenom synken."})
    assert r.status_code == 302
    minutes_thread = scalar(demo_app, select(Meeting.minutes_thread_id).where(Meeting.id == meeting_id))
    assert r.headers["Location"].endswith(f"/boards/threads/{minutes_thread}")
    assert "Vi gick igenom synken." in as_user(NORR).get(f"/boards/threads/{minutes_thread}").get_data(as_text=True)


def test_new_board_for_chosen_schools(demo_app, as_user):
    central = as_user(CENTRAL)
    with demo_app.app_context():
        from helpdesk.directory.models import School

        soder_id = db.session.scalar(select(School.id).where(School.name == "Söderskolan"))
    r = central.post("/boards/new", data={"name": "Söders pedagoger", "kind": "schools", "schools": [str(soder_id)]})
    assert r.status_code == 302
    assert "Söders pedagoger" in as_user("larare.soder@exempelkommun.se").get("/boards/").get_data(as_text=True)
    assert "Söders pedagoger" not in as_user("larare.norr@exempelkommun.se").get("/boards/").get_data(as_text=True)
    r = central.post("/boards/new", data={"name": "Tomt", "kind": "schools"})
    assert r.status_code == 400 and "Välj en eller flera skolor" in r.get_data(as_text=True)


def test_vendor_board_shows_organisation_names_not_handles(demo_app, as_user):
    with demo_app.app_context():
        thread_id = thread_titled(matrix.VENDOR_THREAD).id
    page = as_user("leverantor@leverantor.example").get(f"/boards/threads/{thread_id}").get_data(as_text=True)
    assert "(Exempelkommun)" in page and "(Grannby)" in page
    assert "@central" not in page


def test_attachments_are_checked_and_served_only_to_readers(demo_app, as_user):
    import io

    i = ids(demo_app)
    norr = as_user(NORR)
    posts = scalar(demo_app, select(func.count(Post.id)))
    bad = norr.post(f"/boards/threads/{i['open']}/reply", content_type="multipart/form-data",
                    data={"body": "Se bifogat", "attachments": [(io.BytesIO(b"MZ\x90\x00"), "program.exe")]})
    assert bad.status_code == 400 and "program.exe: den typen av fil tas inte emot" in bad.get_data(as_text=True)
    fake = norr.post(f"/boards/threads/{i['open']}/reply", content_type="multipart/form-data",
                     data={"body": "Se bifogat", "attachments": [(io.BytesIO(b"<html>"), "bild.png")]})
    assert fake.status_code == 400
    assert scalar(demo_app, select(func.count(Post.id))) == posts
    ok = norr.post(f"/boards/threads/{i['open']}/reply", content_type="multipart/form-data",
                   data={"body": "Se bifogat", "attachments": [(io.BytesIO(b"%PDF-1.4 test"), "guide.pdf")]})
    assert ok.status_code == 302
    page = norr.get(f"/boards/threads/{i['open']}").get_data(as_text=True)
    from helpdesk.boards.models import PostAttachment

    attachment_id = scalar(demo_app, select(func.max(PostAttachment.id)))
    assert f"/boards/attachments/{attachment_id}" in page and "guide.pdf" in page
    got = as_user(SODER).get(f"/boards/attachments/{attachment_id}")
    assert got.status_code == 200 and got.data == b"%PDF-1.4 test"
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert as_user("larare.norr@exempelkommun.se").get(f"/boards/attachments/{attachment_id}").status_code == 404


def test_home_panel_shows_unread_posts_in_followed_threads(demo_app, as_user):
    i = ids(demo_app)
    norr = as_user(NORR)
    norr.get(f"/boards/threads/{i['team']}")
    as_user(SODER).post(f"/boards/threads/{i['team']}/reply", data={"body": "Vi gör likadant."})
    assert "1 oläst inlägg i trådar du följer" in norr.get("/").get_data(as_text=True)
    assert "Supportforum" not in as_user("vardnadshavare.norr@exempelkommun.se").get("/").get_data(as_text=True)


def test_out_of_range_ids_are_not_found_not_errors(demo_app, as_user):
    i = ids(demo_app)
    c = as_user(CENTRAL)
    huge = 2**40
    for url in (f"/boards/{huge}", f"/boards/threads/{huge}", f"/boards/posts/{huge}/history",
                f"/boards/meetings/{huge}", f"/boards/attachments/{huge}", f"/api/v1/threads/{huge}"):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/boards/threads/{i['team']}/accept", data={"post_id": str(huge)}).status_code == 400
    assert c.post(f"/api/v1/threads/{i['team']}/accept", json={"post_id": huge}).status_code == 400
    assert c.post(f"/boards/threads/{i['team']}/moderate", data={"action": "move", "board": str(huge)}).status_code == 400
    assert c.post(f"/boards/reports/{huge}/resolve", data={"action": "dismiss"}).status_code == 404


def test_change_a_meeting(demo_app, as_user):
    i = ids(demo_app)
    central = as_user(CENTRAL)
    form = central.get(f"/boards/meetings/{i['meeting']}/edit").get_data(as_text=True)
    assert 'value="Avstämningsmöte för supportgruppen"' in form and "T14:00" in form
    r = central.post(f"/boards/meetings/{i['meeting']}/edit", data={
        "title": "Avstämning i december", "kind": "check_in", "starts_at": form_value(CHANGED), "duration": "45",
        "schools": []})
    assert r.status_code == 400 and "Bjud in en eller flera skolor" in r.get_data(as_text=True)
    with demo_app.app_context():
        from helpdesk.directory.models import School

        norr_id = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
    r = central.post(f"/boards/meetings/{i['meeting']}/edit", data={
        "title": "Avstämning i december", "kind": "check_in", "starts_at": form_value(CHANGED), "duration": "45",
        "schools": [str(norr_id)]})
    assert r.status_code == 302
    text = central.get(f"/boards/meetings/{i['meeting']}.ics").get_data(as_text=True).replace("\r\n ", "")
    assert "SUMMARY:Avstämning i december" in text and "SEQUENCE:1" in text
    assert f"DTEND;TZID=Europe/Stockholm:{ics_value(CHANGED.replace(minute=45))}" in text
    assert as_user(NORR).get(f"/boards/meetings/{i['meeting']}/edit").status_code == 403


def test_promoting_twice_links_the_existing_draft(demo_app, as_user):
    """The second promotion makes no second draft; the thread links the one there is."""
    from helpdesk.kb.models import Article

    i = ids(demo_app)
    central = as_user(CENTRAL)
    first = central.post(f"/boards/threads/{i['solved']}/promote")
    assert first.status_code == 302 and first.headers["Location"].endswith("#faq-draft")
    page = central.get(f"/boards/threads/{i['solved']}").get_data(as_text=True)
    with demo_app.app_context():
        drafts = db.session.scalars(select(Article).where(
            Article.origin_kind == "thread", Article.origin_id == i["solved"])).all()
        assert len(drafts) == 1
        draft_id = drafts[0].id
    # The confirmation links the draft and the button now opens it instead of making another.
    assert f'href="/kb/manage/{draft_id}/edit"' in page and 'id="faq-draft"' in page
    assert f'action="/boards/threads/{i["solved"]}/promote"' not in page
    assert central.post(f"/boards/threads/{i['solved']}/promote").status_code == 302
    assert "redan ett utkast" in central.get(f"/boards/threads/{i['solved']}").get_data(as_text=True)
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(Article.id)).where(
            Article.origin_kind == "thread", Article.origin_id == i["solved"])) == 1


def test_meeting_form_keeps_each_school_beside_its_box_and_takes_the_date_its_hint_shows(demo_app, as_user):
    central = as_user(CENTRAL)
    page = central.get("/boards/meetings/new").get_data(as_text=True)
    # Each checkbox sits inside its own label, so the two cannot wrap onto separate lines.
    boxes = re.findall(r'<li><label for="(schools-\d+)"><input[^>]*id="\1"[^>]*type="checkbox"', page)
    assert len(boxes) >= 2, page
    # The hint's example is a date the field accepts when typed (no date picker).
    assert "2026-12-03 14:00" in page and "mm/dd" not in page
    with demo_app.app_context():
        from helpdesk.directory.models import School

        norr = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
    r = central.post("/boards/meetings/new", data={
        "title": "Skrivet datum", "kind": "check_in", "starts_at": "2031-12-03 14:00", "duration": "60",
        "location": "Sal 1", "schools": [str(norr)]})
    assert r.status_code == 302, r.get_data(as_text=True)
    with demo_app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Skrivet datum"))
        assert meeting is not None and meeting.starts_at.year == 2031
