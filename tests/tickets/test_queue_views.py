"""The queue pages through the test client: tabs and views as links, bulk actions, the
query count."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.tickets.demo import (
    CENTRAL_SUBJECT,
    GRANNBY_SUBJECT,
    GUARDIAN_SUBJECT,
    LOCAL_SUBJECT,
    VENDOR_SUBJECT,
)
from helpdesk.tickets.models import Ticket, TicketStatus, Tier
from tests.support.queries import count_rendered


def tid(app, subject):
    with app.app_context():
        return db.session.scalar(select(Ticket.id).where(Ticket.subject == subject))


def links(page: str) -> dict[str, str]:
    """Link text (tags and spaces squeezed) -> href."""
    found = {}
    for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', page, re.S):
        found[" ".join(re.sub(r"<[^>]+>", " ", text).split())] = href.replace("&amp;", "&")
    return found


def test_central_finds_every_ticket_it_sent_to_the_vendor(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    page = central.get("/tickets/queue?tier=vendor")
    assert page.status_code == 200
    assert VENDOR_SUBJECT in page.text and CENTRAL_SUBJECT not in page.text
    assert "<h1>Kö: Hos leverantören</h1>" in page.text
    # Read-only for central: no selection, no bulk form.
    assert 'name="ticket"' not in page.text and "/tickets/queue/bulk" not in page.text
    assert links(page.text)["Hos leverantören 1"] == "/tickets/queue?tier=vendor"
    assert VENDOR_SUBJECT not in as_user("central@grannby.se").get("/tickets/queue?tier=vendor").text
    # The vendor's own queue is the same address, and it works it.
    vendor = as_user("leverantor@leverantor.example").get("/tickets/queue?tier=vendor")
    assert VENDOR_SUBJECT in vendor.text and 'name="ticket"' in vendor.text
    assert "Ny från central support" in vendor.text


def test_local_admin_follows_what_left_the_school(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    queue = local.get("/tickets/queue").text
    assert links(queue)["Eskalerade från min skola 2"] == "/tickets/queue?tier=escalated"
    page = local.get("/tickets/queue?tier=escalated").text
    assert CENTRAL_SUBJECT in page and VENDOR_SUBJECT in page and LOCAL_SUBJECT not in page
    assert "Hos central support" in page and "Hos leverantören" in page
    assert 'name="ticket"' not in page
    # The local admin may open what they follow (the ticket rules say so).
    assert local.get(f"/tickets/{tid(demo_app, VENDOR_SUBJECT)}").status_code == 200
    soder = as_user("lokal.soder@exempelkommun.se").get("/tickets/queue?tier=escalated")
    assert soder.status_code == 200 and CENTRAL_SUBJECT not in soder.text
    assert as_user("leverantor@leverantor.example").get("/tickets/queue?tier=escalated").status_code == 404
    assert as_user("central@exempelkommun.se").get("/tickets/queue?tier=escalated").status_code == 404
    assert as_user("larare.norr@exempelkommun.se").get("/tickets/queue?tier=escalated").status_code in (403, 404)


def test_in_centrals_queue_an_escalated_ticket_reads_as_new_from_the_school(demo_app, as_user):
    page = as_user("central@exempelkommun.se").get("/tickets/queue?tier=central").text
    assert CENTRAL_SUBJECT in page and "Ny från skolan" in page
    assert "Väntar på nivån ovanför" not in page
    english = as_user("central@exempelkommun.se")
    english.set_cookie("lang", "en")
    page = english.get("/tickets/queue?tier=central").text
    assert "New from the school" in page and "Waiting for tier above" not in page


def test_counts_are_links_that_filter(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    page = local.get("/tickets/queue?tier=local").text
    found = links(page)
    assert found["Pågående 2"] == "/tickets/queue?tier=local"
    assert found["Mina 0"] == "/tickets/queue?tier=local&assigned=me"
    assert found["Ingen tilldelad 2"] == "/tickets/queue?tier=local&assigned=none"
    assert found["Passerad tidsgräns 0"] == "/tickets/queue?tier=local&overdue=1"
    waiting = found["Väntar på frågeställaren: 1"]
    assert parse_qs(urlsplit(waiting).query) == {"tier": ["local"], "status": ["waiting_for_requester"]}
    filtered = local.get(waiting).text
    assert GUARDIAN_SUBJECT in filtered and LOCAL_SUBJECT not in filtered
    assert re.search(r'aria-current="true"[^>]*>Väntar på frågeställaren: 1', filtered)


def test_bulk_form_reports_per_ticket_and_keeps_the_view(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    picked = [str(tid(demo_app, s)) for s in (LOCAL_SUBJECT, GUARDIAN_SUBJECT, CENTRAL_SUBJECT, GRANNBY_SUBJECT)]
    r = local.post("/tickets/queue/bulk?tier=local&assigned=none",
                   data={"ticket": picked, "action": "assign", "assignee": "me", "note": ""})
    assert r.status_code == 302 and r.headers["Location"] == "/tickets/queue?tier=local&assigned=none"
    page = local.get(r.headers["Location"]).text
    with demo_app.app_context():
        numbers = {t.subject: t.number for t in db.session.scalars(select(Ticket))}
        assert {t.subject for t in db.session.scalars(select(Ticket).where(Ticket.assignee_name.is_not(None)))} \
            == {LOCAL_SUBJECT, GUARDIAN_SUBJECT}
    assert f"Klart för 2 frågor: {numbers[LOCAL_SUBJECT]}, {numbers[GUARDIAN_SUBJECT]}." in page
    assert f"Inte gjort för {numbers[CENTRAL_SUBJECT]}: " in page
    # Grannby's ticket is out of reach: counted as not found, never named.
    assert "1 vald fråga hittades inte." in page and numbers[GRANNBY_SUBJECT] not in page


def test_bulk_bad_input_shows_the_error_at_its_field_and_changes_nothing(demo_app, as_user):
    local = as_user("lokal.norr@exempelkommun.se")
    picked = str(tid(demo_app, LOCAL_SUBJECT))
    r = local.post("/tickets/queue/bulk?tier=local", data={"ticket": picked, "action": "escalate", "note": " "})
    assert r.status_code == 400
    assert 'id="error-summary"' in r.text and 'href="#bulk-note"' in r.text and 'id="bulk-note-error"' in r.text
    assert f'value="{picked}" id="pick-{picked}" checked' in r.text  # the choice is kept
    r = local.post("/tickets/queue/bulk?tier=local", data={"action": "assign", "assignee": "me"})
    assert r.status_code == 400 and 'id="queue-list-error"' in r.text
    other = str(tid(demo_app, GRANNBY_SUBJECT))
    r = local.post("/tickets/queue/bulk?tier=local", data={"ticket": other, "action": "assign", "assignee": "me"})
    assert r.status_code == 404 and "Ingen av de valda frågorna hittades." in r.text
    with demo_app.app_context():
        t = db.session.get(Ticket, int(picked))
        assert t.tier is Tier.LOCAL and t.status is TicketStatus.NEW and t.assignee_id is None
    assert as_user("larare.norr@exempelkommun.se").post(
        "/tickets/queue/bulk", data={"ticket": picked, "action": "assign", "assignee": "me"}).status_code in (403, 404)




def test_queue_query_count_does_not_grow_with_the_number_of_tickets(demo_app, as_user):
    from helpdesk.tickets import services

    urls = ["/tickets/queue?tier=local", "/tickets/queue?tier=escalated", "/tickets/queue?tier=local&overdue=1",
            "/tickets/queue?tier=local&assigned=me&per_page=100"]
    local = as_user("lokal.norr@exempelkommun.se")

    def rendered(url):
        return count_rendered(demo_app, lambda: local.get(url))

    before = [rendered(u) for u in urls]
    with demo_app.test_request_context():
        from helpdesk.auth.models import User

        teacher = db.session.scalar(select(User).where(User.email == "larare.norr@exempelkommun.se"))
        agent = db.session.scalar(select(User).where(User.email == "lokal.norr@exempelkommun.se"))
        for i in range(40):
            t = services.file_ticket(teacher, subject=f"Fråga {i}", body="Text", category="usage")
            if i % 2:
                services.assign(t, agent, agent.id)
            if i % 4 == 1:
                services.escalate(t, agent, "Provat det vanliga.")
        db.session.commit()
    after = [rendered(u) for u in urls]
    assert before == after and max(after) <= 12, (before, after)


def _page_ids(text: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="ticket" value="(\d+)"', text)]


def _rel(text: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}"', text)
    return found and found[1].replace("&amp;", "&")


def test_queue_pages_by_keyset_forward_and_back_in_the_queue_order(history_app):
    """Every question of the tab exactly once, in the queue's order (deadline, paused last,
    then id), following the next links; the previous links give the same pages back."""
    from tests.conftest import login

    central = history_app.test_client()
    login(central, "central@exempelkommun.se")
    with history_app.app_context():
        from helpdesk.auth.models import User

        org = db.session.scalar(select(User.organisation_id).where(User.email == "central@exempelkommun.se"))
        rows = db.session.execute(select(Ticket.id, Ticket.sla_due_at).where(
            Ticket.organisation_id == org, Ticket.tier == Tier.CENTRAL)).all()
    expected = [r.id for r in sorted(rows, key=lambda r: (r.sla_due_at is None, r.sla_due_at or 0, r.id))]
    assert len(expected) > 30 and any(r.sla_due_at is None for r in rows)
    url, pages = "/tickets/queue?tier=central&status=all&per_page=40", []
    while url:
        page = central.get(url)
        assert page.status_code == 200
        pages.append(_page_ids(page.text))
        url = _rel(page.text, "next")
        assert len(pages) < 500
    assert [i for p in pages for i in p] == expected
    assert 'rel="prev"' not in central.get("/tickets/queue?tier=central&status=all&per_page=40").text
    back, url = [], _rel(page.text, "prev")
    while url:
        page = central.get(url)
        back.insert(0, _page_ids(page.text))
        url = _rel(page.text, "prev")
    assert back == pages[:-1]


def test_a_bad_cursor_shows_the_first_page_with_a_message(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    first = central.get("/tickets/queue?tier=central&status=all")
    for bad in ("after=x.1", "before=20269999999999999999.5", "after=n.99999999999999999999", "before=abc%C3%A5"):
        page = central.get(f"/tickets/queue?tier=central&status=all&{bad}")
        assert page.status_code == 200, bad
        assert "Den sidan av kön finns inte" in page.text, bad
        assert _page_ids(page.text) == _page_ids(first.text)
