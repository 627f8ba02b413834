"""The pages, through the test client."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from helpdesk import hooks
from helpdesk.extensions import db
from helpdesk.tickets.demo import (
    CENTRAL_SUBJECT,
    GRANNBY_SUBJECT,
    LOCAL_SUBJECT,
    RESOLVED_SUBJECT,
)
from helpdesk.tickets.models import FilingDeflection, Ticket, TicketStatus, Tier
from tests.support.clock import day_ahead
from tests.support.queries import count_queries, count_rendered


def tid(app, subject):
    with app.app_context():
        return db.session.scalar(select(Ticket.id).where(Ticket.subject == subject))


def test_teacher_files_a_question_and_sees_it_in_my_questions(demo_app, as_user):
    c = as_user("larare.norr@exempelkommun.se")
    page = c.get("/tickets/new")
    assert page.status_code == 200 and "Norrskolan" in page.text
    r = c.post("/tickets/new", data={"category": "usage", "subject": "Schemat syns inte",
                                     "body": "Schemat är tomt sedan i går."})
    assert r.status_code == 302
    assert "Schemat syns inte" in c.get("/tickets/mine").text
    page = c.get(r.headers["Location"])
    assert "Schemat är tomt sedan i går." in page.text
    # The requester sees no agent actions.
    assert "Eskalera" not in page.text and "Escalate" not in page.text


def test_bad_input_rerenders_the_form_with_the_error_at_the_field(as_user):
    c = as_user("larare.norr@exempelkommun.se")
    r = c.post("/tickets/new", data={"category": "usage", "subject": "", "body": "Text"})
    assert r.status_code == 400
    assert 'id="subject-error"' in r.text and 'aria-describedby="subject-error"' in r.text


def test_guardian_must_choose_the_child(as_user):
    c = as_user("vardnadshavare.norr@exempelkommun.se")
    r = c.post("/tickets/new", data={"category": "login", "subject": "Inloggning", "body": "Hjälp"})
    assert r.status_code == 400 and 'id="where-error"' in r.text


def test_suggested_articles_are_shown_and_giving_up_is_recorded(demo_app, as_user, monkeypatch):
    monkeypatch.setitem(hooks._HOOKS, "suggest_articles", lambda user, text, limit=5, lang=None: [
        {"id": 7, "title": "Byta lösenord", "url": "/kb/byta-losenord", "snippet": "Så byter du", "slug": "byta-losenord"}])
    c = as_user("larare.norr@exempelkommun.se")
    form = {"category": "login", "subject": "Lösenord", "body": "Hur byter jag lösenord?"}
    r = c.post("/tickets/new", data=form)
    assert r.status_code == 200 and "Byta lösenord" in r.text and 'value="7"' in r.text
    r = c.post("/tickets/new", data={**form, "action": "answered", "shown": "7"})
    assert r.status_code == 302
    r = c.post("/tickets/new", data={**form, "action": "file", "shown": "7"})
    assert r.status_code == 302
    with demo_app.app_context():
        rows = db.session.scalars(select(FilingDeflection)).all()
        assert [(d.gave_up, d.shown_article_ids) for d in rows] == [(True, "7"), (False, "7")]
        assert db.session.scalar(select(Ticket.shown_article_ids).where(Ticket.subject == "Lösenord")) == "7"


def test_local_admin_replies_and_escalates_with_a_required_note(demo_app, as_user):
    t = tid(demo_app, LOCAL_SUBJECT)
    c = as_user("lokal.norr@exempelkommun.se")
    page = c.get(f"/tickets/{t}")
    assert "escalate-note" in page.text and "send-back-note" not in page.text
    r = c.post(f"/tickets/{t}/escalate", data={"note": ""})
    assert r.status_code == 400 and 'id="escalate-note-error"' in r.text
    assert c.post(f"/tickets/{t}/reply", data={"body": "Prova att logga ut."}).status_code == 302
    assert c.post(f"/tickets/{t}/escalate", data={"note": "Utloggning hjälpte inte."}).status_code == 302
    with demo_app.app_context():
        assert db.session.get(Ticket, t).tier is Tier.CENTRAL


def test_central_sees_queue_with_counts_and_breached_first(demo_app, as_user):
    c = as_user("central@exempelkommun.se")
    r = c.get("/tickets/queue?tier=central")
    assert r.status_code == 200
    assert CENTRAL_SUBJECT in r.text and GRANNBY_SUBJECT not in r.text
    assert "<caption>" in r.text
    assert c.get("/tickets/queue?tier=central&status=resolved&assigned=me&school=1&category=bug").status_code == 200


def test_other_organisation_sees_none_of_exempelkommun(demo_app, as_user):
    c = as_user("central@grannby.se")
    r = c.get("/tickets/queue?tier=central")
    assert GRANNBY_SUBJECT in r.text and CENTRAL_SUBJECT not in r.text
    assert c.get(f"/tickets/{tid(demo_app, CENTRAL_SUBJECT)}").status_code == 404


def test_requester_rates_a_resolved_ticket(demo_app, as_user):
    t = tid(demo_app, RESOLVED_SUBJECT)
    c = as_user("larare.norr@exempelkommun.se")
    assert c.post(f"/tickets/{t}/rate", data={"rating": "7"}).status_code == 400
    assert c.post(f"/tickets/{t}/rate", data={"rating": "5", "rating_comment": "Toppen"}).status_code == 302
    with demo_app.app_context():
        assert db.session.get(Ticket, t).rating == 5


def test_attachments_are_checked_stored_outside_and_served_only_to_viewers(demo_app, as_user):
    t = tid(demo_app, LOCAL_SUBJECT)
    c = as_user("larare.norr@exempelkommun.se")
    bad = c.post(f"/tickets/{t}/reply", data={"body": "Fil", "attachment": (io.BytesIO(b"MZ"), "virus.exe")},
                 content_type="multipart/form-data")
    assert bad.status_code == 400 and "reply-attachment-error" in bad.text
    ok = c.post(f"/tickets/{t}/reply", data={"body": "Skärmbild", "attachment": (io.BytesIO(b"\x89PNG data"), "bild.png")},
                content_type="multipart/form-data")
    assert ok.status_code == 302
    page = c.get(f"/tickets/{t}").text
    link = re.search(r'href="(/tickets/\d+/attachments/\d+)"', page).group(1)
    got = c.get(link)
    data = got.data
    got.close()
    assert got.status_code == 200 and data == b"\x89PNG data"
    assert as_user("lokal.soder@exempelkommun.se").get(link).status_code == 404
    assert as_user("leverantor@leverantor.example").get(link).status_code == 404
    assert "/static/" not in link and demo_app.config["UPLOAD_DIR"] not in page


def test_reveal_shows_the_original_and_is_logged(demo_app, as_user):
    t = tid(demo_app, LOCAL_SUBJECT)
    c = as_user("lokal.norr@exempelkommun.se")
    page = c.get(f"/tickets/{t}").text
    assert "20140301-XXXX" in page and "20140301-1238" not in page
    r = c.post(f"/tickets/{t}/reveal", data={"message_id": "1"})
    assert "20140301-1238" in r.text
    assert "20140301-1238" not in as_user("larare.norr@exempelkommun.se").get(f"/tickets/{t}").text


def test_canned_replies_and_notification_settings(demo_app, as_user):
    c = as_user("lokal.norr@exempelkommun.se")
    assert c.post("/tickets/canned", data={"title": "", "language": "sv", "body": "x"}).status_code == 400
    assert c.post("/tickets/canned", data={"title": "Hej", "language": "en", "body": "Hello!"}).status_code == 302
    assert "Hello!" in c.get("/tickets/canned").text
    t = tid(demo_app, LOCAL_SUBJECT)
    with demo_app.app_context():
        from helpdesk.tickets.models import CannedReply

        cid = db.session.scalar(select(CannedReply.id).where(CannedReply.title == "Hej"))
    assert "Hello!</textarea>" in c.get(f"/tickets/{t}?canned={cid}").text
    assert c.post("/tickets/notifications", data={"kind": ["reply"]}).status_code == 302
    page = c.get("/tickets/notifications").text
    assert 'value="reply" checked' in page and 'value="breach" checked' not in page


def test_guest_intake_verification_and_magic_link(demo_app):
    c = demo_app.test_client()
    assert c.get("/help/cannot-log-in").status_code == 200
    with demo_app.app_context():
        from helpdesk.directory.models import School
        from helpdesk.notify.models import OutboxMail

        norr = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
    # The honeypot: pretends all went well, stores nothing.
    r = c.post("/help/cannot-log-in", data={"name": "Bot", "email": "bot@example.org", "school_id": str(norr),
                                             "body": "spam", "website": "http://spam"})
    assert r.status_code == 200
    r = c.post("/help/cannot-log-in", data={"name": "Vera", "email": "nope", "school_id": str(norr), "body": "x"})
    assert r.status_code == 400 and 'id="email-error"' in r.text
    r = c.post("/help/cannot-log-in", data={"name": "Vera", "email": "vera@example.org", "school_id": str(norr),
                                             "body": "Jag har inget BankID."})
    assert r.status_code == 200
    with demo_app.app_context():
        mails = db.session.scalars(select(OutboxMail).where(OutboxMail.to_address.in_(["vera@example.org", "bot@example.org"]))).all()
        assert [m.to_address for m in mails] == ["vera@example.org"]
        link = re.search(r"http\S+/help/verify/(\S+)", mails[0].body).group(1)
    assert c.get(f"/help/verify/{link}").status_code == 200
    r = c.post(f"/help/verify/{link}")
    assert r.status_code == 302 and "/help/follow/" in r.headers["Location"]
    assert c.post(f"/help/verify/{link}").status_code == 404  # single use
    follow = r.headers["Location"]
    page = c.get(follow)
    assert "Jag har inget BankID." in page.text
    assert c.post(follow, data={"body": "Jag väntar."}).status_code == 302
    assert "Jag väntar." in c.get(follow).text




def test_queue_query_count_does_not_grow_with_page_size(demo_app, as_user):
    from helpdesk.tickets import services

    with demo_app.test_request_context():
        from helpdesk.auth.models import User

        teacher = db.session.scalar(select(User).where(User.email == "larare.norr@exempelkommun.se"))
        for i in range(30):
            services.file_ticket(teacher, subject=f"Fråga {i}", body="Text", category="usage")
        db.session.commit()
    c = as_user("lokal.norr@exempelkommun.se")
    small = count_rendered(demo_app, lambda: c.get("/tickets/queue?tier=local&per_page=2"))
    large = count_rendered(demo_app, lambda: c.get("/tickets/queue?tier=local&per_page=40"))
    assert small == large <= 10
    t = tid(demo_app, LOCAL_SUBJECT)
    # One more than the queue: the organisation's closed days, for time left in business hours.
    assert count_queries(demo_app, lambda: c.get(f"/tickets/{t}")) <= 11


def test_waiting_status_shows_on_the_page(demo_app, as_user):
    t = tid(demo_app, LOCAL_SUBJECT)
    c = as_user("lokal.norr@exempelkommun.se")
    assert c.post(f"/tickets/{t}/status", data={"status": "waiting_for_requester"}).status_code == 302
    with demo_app.app_context():
        assert db.session.get(Ticket, t).status is TicketStatus.WAITING_FOR_REQUESTER
    assert c.post(f"/tickets/{t}/status", data={"status": "bogus"}).status_code == 400


def test_ticket_page_links_the_help_article_for_the_requester(demo_app, as_user):
    from helpdesk.tickets.demo import LOCAL_SUBJECT
    from helpdesk.tickets.models import Ticket

    with demo_app.app_context():
        ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.subject == LOCAL_SUBJECT))
    local = as_user("lokal.norr@exempelkommun.se")
    bad = local.post(f"/tickets/{ticket_id}/article", data={"article": "finns-inte"})
    body = bad.get_data(as_text=True)
    # Said at the article section, and the summary at the top links there.
    assert bad.status_code == 400 and 'id="article-form-error"' in body and 'href="#form-article"' in body
    assert local.post(f"/tickets/{ticket_id}/article", data={"article": "/kb/a/losenord-glomt"}).status_code == 302
    page = as_user("larare.norr@exempelkommun.se").get(f"/tickets/{ticket_id}").get_data(as_text=True)
    assert 'href="/kb/a/losenord-glomt"' in page and 'name="article"' not in page


def test_closed_days_page_and_the_queue_links_to_the_agents_pages(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    queue = central.get("/tickets/queue").get_data(as_text=True)
    for href in ("/tickets/canned", "/tickets/closed-days", "/tickets/notifications"):
        assert f'href="{href}"' in queue
    assert 'href="/tickets/closed-days"' not in as_user("lokal.norr@exempelkommun.se").get("/tickets/queue").get_data(as_text=True)
    bad = central.post("/tickets/closed-days", data={"day": "30 oktober", "note": "Höstlov"})
    assert bad.status_code == 400 and 'id="day-error"' in bad.get_data(as_text=True)
    day = day_ahead(200).isoformat()
    assert central.post("/tickets/closed-days", data={"day": day, "note": "Höstlov"}).status_code == 302
    page = central.get("/tickets/closed-days").get_data(as_text=True)
    assert day in page and "Höstlov" in page


def test_targets_page_shows_errors_at_the_field_and_saves(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    assert 'href="/tickets/targets"' in central.get("/tickets/queue").get_data(as_text=True)
    form = {"local_response": "4", "local_resolution": "24", "central_response": "8",
            "central_resolution": "40", "vendor_response": "16", "vendor_resolution": "120"}
    bad = central.post("/tickets/targets", data={**form, "central_resolution": "2"})
    assert bad.status_code == 400 and 'id="central_resolution-error"' in bad.get_data(as_text=True)
    assert central.post("/tickets/targets", data=form).status_code == 302
    assert 'value="24"' in central.get("/tickets/targets").get_data(as_text=True)


# ---------------------------------------------------------------- the requester's view (issue 16)

def test_requester_reads_where_the_question_is_and_when_to_expect_an_answer(demo_app, as_user):
    from helpdesk.tickets.demo import CENTRAL_SUBJECT as escalated

    c = as_user("larare.norr@exempelkommun.se")
    page = c.get(f"/tickets/{tid(demo_app, escalated)}").text
    # The desk's words stay with the desk.
    assert "Lokal (skolan)" not in page and "Väntar på nivån ovanför" not in page and "Nivå" not in page
    steps = re.search(r'<ol class="steps">(.*?)</ol>', page, re.S).group(1)
    assert steps.index("Din skola") < steps.index("Kommunens support") < steps.index("Plattformens leverantör")
    current = re.search(r'<li class="step step--current" aria-current="step">(.*?)</li>', steps, re.S).group(1)
    assert "Kommunens support" in current and "har din fråga nu" in current
    assert "Du kan räkna med ett svar senast" in page or "Vi siktar på att din fråga är löst senast" in page
    # An agent keeps the desk's words.
    agent = as_user("central@exempelkommun.se").get(f"/tickets/{tid(demo_app, escalated)}").text
    assert 'class="steps"' not in agent and "Nivå" in agent


def test_my_questions_use_the_requesters_words(demo_app, as_user):
    page = as_user("larare.norr@exempelkommun.se").get("/tickets/mine").text
    assert "Skickad vidare för mer hjälp" in page or "Vi arbetar med frågan" in page or "Mottagen" in page
    assert "Väntar på nivån ovanför" not in page


def vendor_reply(app, subject):
    """The demo's vendor agent answers the requester."""
    from helpdesk.auth.models import User
    from helpdesk.tickets import services

    with app.test_request_context():
        ticket = db.session.get(Ticket, tid(app, subject))
        vendor = db.session.scalar(select(User).where(User.email == "leverantor@leverantor.example"))
        services.add_message(ticket, vendor, "Vi har återskapat felet och arbetar på en rättning.")
        db.session.commit()


def test_requester_never_sees_the_vendor_agents_e_mail(demo_app, as_user):
    from helpdesk.tickets.demo import VENDOR_SUBJECT

    vendor_reply(demo_app, VENDOR_SUBJECT)
    page = as_user("rektor.norr@exempelkommun.se").get(f"/tickets/{tid(demo_app, VENDOR_SUBJECT)}").text
    assert "leverantor@leverantor.example" not in page
    assert "Vera Lind" in page
    steps = re.search(r'<ol class="steps">(.*?)</ol>', page, re.S).group(1)
    assert 'aria-current="step">\n      Plattformens leverantör' in steps


def test_all_errors_of_the_question_form_are_shown_at_once(as_user):
    c = as_user("larare.norr@exempelkommun.se")
    r = c.post("/tickets/new", data={"category": "", "subject": "", "body": ""})
    assert r.status_code == 400
    summary = re.search(r'<div class="alert alert--error" role="alert"[^>]*>(.*?)</div>', r.text, re.S).group(1)
    for field in ("category", "subject", "body"):
        assert f'href="#{field}"' in summary
        assert f'id="{field}-error"' in r.text


def test_all_errors_of_the_guest_form_are_shown_at_once(client):
    page = client.get("/help/cannot-log-in")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page.text)
    r = client.post("/help/cannot-log-in", data={"csrf_token": token.group(1) or token.group(2), "name": "",
                                                 "email": "inte-en-adress", "school_id": "", "body": ""})
    assert r.status_code == 400
    for field in ("name", "email", "school_id", "body"):
        assert f'href="#{field}"' in r.text and f'id="{field}-error"' in r.text


def test_a_guardian_is_not_offered_administration_and_reads_guardian_words(demo_app, as_user):
    c = as_user("vardnadshavare.norr@exempelkommun.se")
    page = c.get("/tickets/new").text
    assert 'value="administration"' not in page
    assert "Skola eller barn" not in page and "Personal väljer skolan" not in page
    if 'id="where"' in page:
        assert "Vilket barn gäller det?" in page
    r = c.post("/tickets/new", data={"category": "administration", "subject": "Synk", "body": "Fråga"})
    assert r.status_code == 400
    teacher = as_user("larare.norr@exempelkommun.se").get("/tickets/new").text
    assert 'value="administration"' in teacher


def test_after_the_live_suggestions_the_question_is_sent_without_a_second_step(demo_app, as_user, monkeypatch):
    monkeypatch.setitem(hooks._HOOKS, "suggest_articles", lambda user, text, limit=5, lang=None: [
        {"id": 7, "title": "Byta lösenord", "url": "/kb/byta-losenord", "snippet": "", "slug": "byta-losenord"}])
    c = as_user("larare.norr@exempelkommun.se")
    form = {"category": "login", "subject": "Lösenordet igen", "body": "Hur byter jag lösenord?"}
    # Without JavaScript: one step that says the question is not sent yet.
    r = c.post("/tickets/new", data=form)
    assert r.status_code == 200 and "Din fråga är inte skickad än" in r.text
    # The live suggestions already showed article 7 and filled in `shown`: sent at once.
    r = c.post("/tickets/new", data={**form, "shown": "7"})
    assert r.status_code == 302
    with demo_app.app_context():
        assert db.session.scalar(select(Ticket.shown_article_ids).where(Ticket.subject == "Lösenordet igen")) == "7"


def test_a_resolved_tickets_sla_table_shows_when_it_was_resolved(demo_app, as_user):
    page = as_user("lokal.norr@exempelkommun.se").get(f"/tickets/{tid(demo_app, RESOLVED_SUBJECT)}").text
    table = re.search(r'id="sla-heading".*?</table>', page, re.S).group(0)
    assert "Löst " in table


def test_time_left_on_the_ticket_page_is_in_business_hours(demo_app, as_user):
    page = as_user("lokal.norr@exempelkommun.se").get(f"/tickets/{tid(demo_app, LOCAL_SUBJECT)}").text
    assert "arbetstim" in page or "arbetsminut" in page
    assert "dygn" not in page


def test_a_requester_is_told_in_words_when_the_answer_is_late(demo_app, as_user):
    from datetime import timedelta

    from helpdesk.models_base import utcnow

    t = tid(demo_app, LOCAL_SUBJECT)
    c = as_user("larare.norr@exempelkommun.se")
    assert "arbetstim" in c.get(f"/tickets/{t}").text or "arbetsminut" in c.get(f"/tickets/{t}").text
    with demo_app.app_context():
        ticket = db.session.get(Ticket, t)
        ticket.sla_due_at = utcnow() - timedelta(days=3)
        db.session.commit()
    assert "Det tar längre tid än vi siktat på" in c.get(f"/tickets/{t}").text
