"""The loop from questions to articles: what was searched in vain and what did not help
lead the central team to write or fix the article, and a resolved ticket's summary becomes
a draft once, however often it is promoted."""
import re

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.kb.models import Article, ArticleVote

CENTRAL = "central@exempelkommun.se"


def _resolved_ticket(demo_app):
    from helpdesk.auth.models import User
    from helpdesk.tickets import services as tickets
    from helpdesk.tickets.models import TicketStatus

    with demo_app.test_request_context():
        teacher = db.session.scalar(select(User).where(User.email == "larare.norr@exempelkommun.se"))
        ticket = tickets.file_ticket(teacher, subject="Schemat visas tomt", body="Mitt schema är tomt i appen.",
                                     category="usage")
        # Resolved with a summary (the school's admin resolved it; how is the tickets' concern).
        ticket.status = TicketStatus.RESOLVED
        ticket.resolution_summary = "Logga ut och in igen i appen, så hämtas schemat på nytt."
        db.session.commit()
        return ticket.id


def _drafts_from(demo_app, ticket_id):
    with demo_app.app_context():
        return db.session.scalars(select(Article).where(Article.origin_kind == "ticket",
                                                        Article.origin_id == ticket_id)).all()


def test_a_resolved_ticket_becomes_one_draft_however_often_it_is_promoted(demo_app, as_user):
    ticket_id = _resolved_ticket(demo_app)
    central = as_user(CENTRAL)
    page = central.get(f"/tickets/{ticket_id}").text
    assert f'action="/boards/promote-ticket/{ticket_id}"' in page
    assert central.post(f"/boards/promote-ticket/{ticket_id}").status_code == 302
    again = central.post(f"/boards/promote-ticket/{ticket_id}", follow_redirects=True).text
    drafts = _drafts_from(demo_app, ticket_id)
    assert len(drafts) == 1 and "Logga ut och in igen" in drafts[0].body
    assert "redan ett utkast" in again
    # The ticket now links the draft instead of offering a second one.
    assert f'href="/kb/manage/{drafts[0].id}/edit"' in again
    assert f'action="/boards/promote-ticket/{ticket_id}"' not in again


def test_a_deleted_draft_can_be_made_again(demo_app, as_user):
    ticket_id = _resolved_ticket(demo_app)
    central = as_user(CENTRAL)
    central.post(f"/boards/promote-ticket/{ticket_id}")
    first, = _drafts_from(demo_app, ticket_id)
    assert central.post(f"/kb/manage/{first.id}/delete").status_code == 302
    central.post(f"/boards/promote-ticket/{ticket_id}")
    assert len([a for a in _drafts_from(demo_app, ticket_id) if a.status.value != "deleted"]) == 1


def test_the_promote_hook_answers_only_for_the_own_organisation(demo_app, as_user):
    from helpdesk.auth.models import User
    from helpdesk.kb import services

    ticket_id = _resolved_ticket(demo_app)
    as_user(CENTRAL).post(f"/boards/promote-ticket/{ticket_id}")
    with demo_app.test_request_context():
        central = db.session.scalar(select(User).where(User.email == CENTRAL))
        neighbour = db.session.scalar(select(User).where(User.email == "central@grannby.se"))
        assert services.article_from(central, "ticket", ticket_id)["title"] == "Schemat visas tomt"
        assert services.article_from(neighbour, "ticket", ticket_id) is None


def test_an_article_that_did_not_help_is_fixed_from_the_statistics(demo_app, as_user):
    central = as_user(CENTRAL)
    central.post("/kb/manage/new", data={"title": "Vår rutin för lov", "body": "Text", "language": "sv",
                                         "audience": "staff", "category": "support", "action": "publish"})
    with demo_app.app_context():
        own = db.session.scalar(select(Article).where(Article.title == "Vår rutin för lov"))
    teacher = as_user("larare.norr@exempelkommun.se")
    teacher.post(f"/kb/a/{own.slug}/vote", data={"helpful": "no", "comment": "Saknar datum"})
    teacher.post("/kb/a/losenord-glomt/vote", data={"helpful": "no"})
    page = central.get("/kb/manage/stats").text
    least = page[page.index('id="least-heading"'):page.index('id="notfound-heading"')]
    # Own article: edit it. Shipped (read-only): write a complement shown beneath it.
    assert f'href="/kb/manage/{own.id}/edit"' in least
    with demo_app.app_context():
        shipped_id = db.session.scalar(select(Article.id).where(Article.slug == "losenord-glomt"))
        assert db.session.scalar(select(func.count(ArticleVote.id))) == 2
    assert f'href="/kb/manage/new?complements={shipped_id}"' in least
    comments = page[page.index('id="comments-heading"'):]
    assert "Saknar datum" in comments and f'href="/kb/manage/{own.id}/edit"' in comments
    assert re.search(r'href="/search/synonyms/"', page)
