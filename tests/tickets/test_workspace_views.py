"""The agent's ticket page as a workspace, through the test client: the side panel, the two
writing tabs, "send and set status", "take it", the article found by its title, and every
problem linked from the summary at the top to its field."""
from __future__ import annotations

import re

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.tickets.demo import LOCAL_SUBJECT
from helpdesk.tickets.models import Ticket, TicketMessage, TicketStatus

LOCAL = "lokal.norr@exempelkommun.se"
TEACHER = "larare.norr@exempelkommun.se"


def tid(app, subject=LOCAL_SUBJECT):
    with app.app_context():
        return db.session.scalar(select(Ticket.id).where(Ticket.subject == subject))


def test_the_agent_page_is_a_workspace_with_a_side_panel_and_two_writing_tabs(demo_app, as_user):
    t = tid(demo_app)
    page = as_user(LOCAL).get(f"/tickets/{t}").text
    assert 'class="workspace"' in page and '<details class="side-panel" open' in page
    # Reply and internal note: two forms and two tabs, the reply chosen first.
    assert 'id="form-reply"' in page and 'id="form-note"' in page
    assert re.search(r'id="compose-reply" value="reply" checked', page)
    assert 'name="internal" value="1"' in page
    # "Take it" is one button posting "me"; shortcuts are listed and come from a file.
    assert re.search(r'<input type="hidden" name="assignee_id" value="me">\s*<button type="submit" class="button" id="take-it">', page)
    assert "<kbd>t</kbd>" in page and '<script src="/static/js/workspace.js" defer></script>' in page
    assert "<script>" not in page


def test_the_status_select_opens_on_the_current_status(demo_app, as_user):
    t = tid(demo_app)
    with demo_app.app_context():
        current = db.session.get(Ticket, t).status.value
    page = as_user(LOCAL).get(f"/tickets/{t}").text
    select_html = page[page.index('id="status-status"'):]
    select_html = select_html[:select_html.index("</select>")]
    assert re.search(rf'<option value="{current}" selected>', select_html)
    # Sent unchanged, it says so at the field and changes nothing.
    r = as_user(LOCAL).post(f"/tickets/{t}/status", data={"status": current})
    assert r.status_code == 400 and 'id="status-status-error"' in r.text and 'href="#status-status"' in r.text


def test_take_it_is_gone_once_taken(demo_app, as_user):
    t = tid(demo_app)
    c = as_user(LOCAL)
    assert c.post(f"/tickets/{t}/assign", data={"assignee_id": "me"}).status_code == 302
    assert 'id="take-it"' not in c.get(f"/tickets/{t}").text


def test_requesters_get_no_workspace(demo_app, as_user):
    page = as_user(TEACHER).get(f"/tickets/{tid(demo_app)}").text
    assert 'class="workspace"' not in page and "workspace.js" not in page and 'id="form-note"' not in page
    assert 'id="form-reply"' in page


def test_send_and_set_status_in_one_post(demo_app, as_user):
    t = tid(demo_app)
    r = as_user(LOCAL).post(f"/tickets/{t}/reply", data={"body": "Prova nu.", "status": "waiting_for_requester"})
    assert r.status_code == 302
    with demo_app.app_context():
        ticket = db.session.get(Ticket, t)
        assert ticket.status is TicketStatus.WAITING_FOR_REQUESTER
        assert ticket.messages[-1].body == "Prova nu." and not ticket.messages[-1].internal


def test_a_refused_status_keeps_the_reply_unsent_and_links_the_field(demo_app, as_user):
    t = tid(demo_app)
    with demo_app.app_context():
        before = len(db.session.scalars(select(TicketMessage.id).where(TicketMessage.ticket_id == t)).all())
    r = as_user(LOCAL).post(f"/tickets/{t}/reply", data={"body": "Prova nu.", "status": "nonsense"})
    assert r.status_code == 400
    assert 'href="#reply-status"' in r.text and 'id="reply-status-error"' in r.text
    assert ">Prova nu.</textarea>" in r.text  # what was written is kept
    with demo_app.app_context():
        assert len(db.session.scalars(select(TicketMessage.id).where(TicketMessage.ticket_id == t)).all()) == before


def test_an_empty_internal_note_opens_on_the_note_tab_with_the_error(demo_app, as_user):
    r = as_user(LOCAL).post(f"/tickets/{tid(demo_app)}/reply", data={"body": "", "internal": "1"})
    assert r.status_code == 400
    assert 'id="compose-note" value="note" checked' in r.text
    assert 'href="#note-body"' in r.text and 'id="note-body-error"' in r.text
    assert 'aria-describedby="note-body-error"' in r.text


def test_an_escalation_without_a_note_links_from_the_summary_to_the_field(demo_app, as_user):
    r = as_user(LOCAL).post(f"/tickets/{tid(demo_app)}/escalate", data={"note": ""})
    assert r.status_code == 400
    summary = r.text[r.text.index('id="error-summary"'):]
    assert 'href="#escalate-note"' in summary[:summary.index("</div>")]
    # The side panel holding the field is kept open even on a narrow screen.
    assert "data-keep-open" in r.text


def test_the_article_is_found_by_its_title_and_linked(demo_app, as_user):
    from tests.search.conftest import build_index

    build_index(demo_app)
    t = tid(demo_app)
    c = as_user(LOCAL)
    found = c.post(f"/tickets/{t}/article-search", data={"q": "glömt lösenordet"})
    assert found.status_code == 200
    assert re.search(r'<input type="radio" name="article" value="losenord-glomt"', found.text)
    assert "glömt lösenordet" not in found.request.url  # the words are posted, never in the URL
    assert c.post(f"/tickets/{t}/article", data={"article": "losenord-glomt"}).status_code == 302
    assert 'href="/kb/a/losenord-glomt"' in c.get(f"/tickets/{t}").text


def test_an_empty_article_search_says_so_at_the_field(demo_app, as_user):
    r = as_user(LOCAL).post(f"/tickets/{tid(demo_app)}/article-search", data={"q": " "})
    assert r.status_code == 400
    assert 'href="#article-article_query"' in r.text and 'id="article-article_query-error"' in r.text


def test_the_workspace_speaks_english_too(demo_app, as_user):
    from helpdesk.i18n import LOCALE_COOKIE

    c = as_user(LOCAL)
    c.set_cookie(LOCALE_COOKIE, "en")
    page = c.get(f"/tickets/{tid(demo_app)}").text
    for words in ("Take it", "Reply to the requester", "Internal note", "Keyboard shortcuts",
                  "Search the help articles", "Status, assignee and actions"):
        assert words in page
