"""Knowledge-base pages through the client."""
import re

from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.kb.models import Article, ArticleStatus, ArticleVote


def article(app, slug):
    with app.app_context():
        return db.session.scalar(select(Article).where(Article.slug == slug))


def test_index_groups_by_category_in_the_readers_language(demo_app):
    client = demo_app.test_client()
    page = client.get("/kb/").get_data(as_text=True)
    assert "Glömt lösenordet?" in page and 'id="cat-1"' in page
    assert "Kan jag ta bort en elev?" not in page  # admin article, anonymous reader
    english = client.get("/kb/?lang=en").get_data(as_text=True)
    assert "Forgotten" in english or "forgot" in english.lower()


def test_article_page_counts_views_and_links_the_translation(demo_app):
    client = demo_app.test_client()
    response = client.get("/kb/a/losenord-glomt")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'hreflang="en"' in page and "/kb/a/forgotten-password" in page
    assert article(demo_app, "losenord-glomt").views == 1


def test_article_page_says_where_to_look_next_and_whom_to_ask(demo_app, as_user):
    anonymous = demo_app.test_client().get("/kb/a/vardnadshavare-utan-personnummer").get_data(as_text=True)
    related = anonymous.split('id="related-heading"')[1].split("</section>")[0]
    assert "/kb/a/inloggning-vardnadshavare" in related and "/kb/a/inloggningsuppgifter" not in related
    ask = anonymous.split('id="ask-heading"')[1].split("</section>")[0]
    assert "/login?next=/tickets/new" in ask and "/help/cannot-log-in" in ask
    teacher = as_user("larare.norr@exempelkommun.se").get("/kb/a/losenord-glomt").get_data(as_text=True)
    ask = teacher.split('id="ask-heading"')[1].split("</section>")[0]
    assert 'href="/tickets/new"' in ask and "Ställ en fråga" in ask and "/login" not in ask
    # The vendor answers questions but does not file them: no ask section.
    vendor = as_user("leverantor@leverantor.example").get("/kb/a/losenord-glomt").get_data(as_text=True)
    assert 'id="ask-heading"' not in vendor


def test_closed_article_is_a_plain_404(demo_app, as_user):
    client = demo_app.test_client()
    response = client.get("/kb/a/autosynk-aldrig-manuellt")
    assert response.status_code == 404
    assert "Kan jag ta bort" not in response.get_data(as_text=True)
    assert as_user("vardnadshavare.norr@exempelkommun.se").get("/kb/a/nattlig-synk").status_code == 404
    assert as_user("lokal.norr@exempelkommun.se").get("/kb/a/autosynk-aldrig-manuellt").status_code == 200


def test_vote_without_javascript(demo_app, as_user):
    client = as_user("larare.norr@exempelkommun.se")
    response = client.post("/kb/a/losenord-glomt/vote", data={"helpful": "no", "comment": "Saknar steg"})
    assert response.status_code == 302 and "voted=1" in response.headers["Location"]
    with demo_app.app_context():
        vote = db.session.scalar(select(ArticleVote))
        assert vote.helpful is False and vote.comment == "Saknar steg"
    missing = client.post("/kb/a/losenord-glomt/vote", data={"comment": "x"})
    assert missing.status_code == 400
    assert 'id="helpful-error"' in missing.get_data(as_text=True)


def test_editor_preview_save_publish(demo_app, as_user):
    client = as_user("central@exempelkommun.se")
    form = {"title": "Lovskola 2027", "body": "## Datum\n\n- vecka 26", "language": "sv",
            "audience": "staff", "category": "support", "tags": "lov, skola"}
    preview = client.post("/kb/manage/new", data={**form, "action": "preview"})
    assert preview.status_code == 200
    assert "<h2>Datum</h2>" in preview.get_data(as_text=True)
    assert article(demo_app, "lovskola-2027") is None  # a preview saves nothing
    saved = client.post("/kb/manage/new", data={**form, "action": "save"})
    assert saved.status_code == 302
    art = article(demo_app, "lovskola-2027")
    assert art.status is ArticleStatus.DRAFT and art.tags == ["lov", "skola"]
    teacher = as_user("larare.norr@exempelkommun.se")
    assert teacher.get("/kb/a/lovskola-2027").status_code == 404
    client.post(f"/kb/manage/{art.id}/status", data={"status": "published"})
    assert teacher.get("/kb/a/lovskola-2027").status_code == 200
    edited = client.post(f"/kb/manage/{art.id}/edit", data={**form, "body": "## Datum\n\n- vecka 27",
                                                           "note": "ny vecka", "action": "save"})
    assert edited.status_code == 302
    revisions = client.get(f"/kb/manage/{art.id}/revisions?a=1&b=2").get_data(as_text=True)
    assert "vecka 26" in revisions and "vecka 27" in revisions and "ny vecka" in revisions
    assert client.post(f"/kb/manage/{art.id}/revisions/1/restore").status_code == 302
    assert "vecka 26" in article(demo_app, "lovskola-2027").body


def test_editor_shows_errors_tied_to_fields(demo_app, as_user):
    client = as_user("central@exempelkommun.se")
    response = client.post("/kb/manage/new", data={"title": "", "body": "", "language": "sv",
                                                   "audience": "staff", "category": "support", "action": "save"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert re.search(r'id="title"[^>]*aria-describedby="title-error"|aria-describedby="title-error"[^>]*id="title"', page)


def test_hide_and_complement_shipped(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    art = article(demo_app, "hjalpresurser")
    assert central.post(f"/kb/manage/{art.id}/hidden", data={"hidden": "1"}).status_code == 302
    teacher = as_user("larare.norr@exempelkommun.se")
    # Hidden in both languages, for this organisation only.
    assert teacher.get("/kb/a/hjalpresurser").status_code == 404
    assert teacher.get("/kb/a/help-resources").status_code == 404
    assert as_user("larare@grannby.se").get("/kb/a/hjalpresurser").status_code == 200
    # The editor lists the two versions as one entry, hidden, with a complement link for each.
    page = central.get("/kb/manage/").get_data(as_text=True)
    row = page[page.index("/kb/a/hjalpresurser"):]
    row = row[:row.index("</tr>")]
    assert "/kb/a/help-resources" in row and "Dold" in row and row.count("complements=") == 2
    assert central.post(f"/kb/manage/{art.id}/hidden", data={"hidden": "0"}).status_code == 302
    assert teacher.get("/kb/a/help-resources").status_code == 200
    other = article(demo_app, "vem-kontaktar-jag-for-hjalp")
    page = central.get(f"/kb/manage/new?complements={other.id}").get_data(as_text=True)
    assert 'name="complements"' in page


def test_stats_page(demo_app, as_user):
    visitor = demo_app.test_client()
    visitor.get("/search/?q=zebrarand&lang=sv")
    as_user("larare.norr@exempelkommun.se").get("/search/?q=lovskolerutin&lang=sv")
    page = as_user("central@exempelkommun.se").get("/kb/manage/stats").get_data(as_text=True)
    assert "lovskolerutin" in page and "zebrarand" not in page  # a public search made once
    visitor.get("/search/?q=zebrarand&lang=sv")
    page = as_user("central@exempelkommun.se").get("/kb/manage/stats").get_data(as_text=True)
    public = page[page.index('id="notfound-public-heading"'):]
    assert "zebrarand" in public
    assert "lovskolerutin" not in as_user("central@grannby.se").get("/kb/manage/stats").get_data(as_text=True)


def test_a_search_not_found_starts_an_article(demo_app, as_user):
    as_user("larare.norr@exempelkommun.se").get("/search/?q=lovskola+anmälan+19850101-1234&lang=sv")
    central = as_user("central@exempelkommun.se")
    page = central.get("/kb/manage/stats").get_data(as_text=True)
    # The searched text may hold a name: it goes to the editor in a form, never an address.
    assert "/kb/manage/new?" not in page
    form = re.search(r'<form method="post" action="/kb/manage/new"[^>]*>(.*?)</form>', page, re.S).group(1)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    assert fields["action"] == "start" and fields["title"].startswith("lovskola anmälan")
    assert "1234" not in fields["title"]  # the log masked the civic number
    with demo_app.app_context():
        before = db.session.scalar(select(db.func.count(Article.id)))
    opened = central.post("/kb/manage/new", data={"action": "start", "title": fields["title"]})
    editor = opened.get_data(as_text=True)
    assert opened.status_code == 200 and 'id="error-summary"' not in editor
    assert re.search(r'id="title"[^>]*value="lovskola anmälan', editor)
    with demo_app.app_context():
        assert db.session.scalar(select(db.func.count(Article.id))) == before  # nothing saved yet
    # The second click saves it.
    saved = central.post("/kb/manage/new", data={"title": fields["title"], "body": "Så anmäler du.",
                                                 "language": "sv", "audience": "staff", "category": "support",
                                                 "action": "save"})
    assert saved.status_code == 302


def test_stats_page_shows_questions_answered_before_filing(demo_app, as_user):
    teacher = as_user("larare.norr@exempelkommun.se")
    art = article(demo_app, "losenord-glomt")
    r = teacher.post("/tickets/new", data={"category": "login", "subject": "Glömt lösenord",
                                           "body": "Hur får jag ett nytt?", "action": "answered",
                                           "shown": str(art.id)})
    assert r.status_code == 302
    page = as_user("central@exempelkommun.se").get("/kb/manage/stats").get_data(as_text=True)
    section = page[page.index('id="deflection-heading"'):]
    assert "1 av dem (100" in section and 'href="/kb/a/losenord-glomt"' in section


def test_delete_asks_first_then_hides_the_article_from_pages_and_search(demo_app, as_user):
    from helpdesk.search import services as search
    from tests.search.conftest import build_index

    build_index(demo_app)
    central = as_user("central@exempelkommun.se")
    form = {"title": "Lovskola 2027", "body": "Lovskolan planeras vecka 26.", "language": "sv",
            "audience": "staff", "category": "support", "action": "publish"}
    assert central.post("/kb/manage/new", data=form).status_code == 302
    art = article(demo_app, "lovskola-2027")
    ask = central.get(f"/kb/manage/{art.id}/delete")
    assert ask.status_code == 200 and "Lovskola 2027" in ask.get_data(as_text=True)
    assert article(demo_app, "lovskola-2027").status is ArticleStatus.PUBLISHED  # asking deletes nothing
    done = central.post(f"/kb/manage/{art.id}/delete", follow_redirects=True)
    assert done.status_code == 200 and "Lovskola 2027" in done.get_data(as_text=True)  # under Deleted articles
    assert as_user("larare.norr@exempelkommun.se").get("/kb/a/lovskola-2027").status_code == 404
    with demo_app.test_request_context():
        search.process_outbox()
        teacher = db.session.scalar(select(User).where(User.email == "larare.norr@exempelkommun.se"))
        assert search.search(teacher, "lovskolan", lang="sv").results.total == 0
    back = central.post(f"/kb/manage/{art.id}/undelete")
    assert back.status_code == 302 and article(demo_app, "lovskola-2027").status is ArticleStatus.DRAFT


def test_home_panel_offers_search(demo_app):
    page = demo_app.test_client().get("/").get_data(as_text=True)
    assert 'action="/search/"' in page


def test_control_characters_in_forms_never_500(demo_app, as_user):
    client = as_user("central@exempelkommun.se")
    response = client.post("/kb/manage/new", data={"title": "A\x00B", "body": "x\x00", "language": "sv",
                                                   "audience": "staff", "category": "support", "action": "save"})
    assert response.status_code == 302
    vote = demo_app.test_client().post("/kb/a/losenord-glomt/vote", data={"helpful": "yes", "comment": "\x00"})
    assert vote.status_code == 302
    assert demo_app.test_client().get("/search/?q=%00&tag=%00&type=%00&audience=%00&lang=%00&page=%00").status_code == 200


def test_guardian_articles_for_guardians_and_the_login_help_for_everyone(demo_app, as_user):
    visitor = demo_app.test_client()
    guardian = as_user("vardnadshavare.norr@exempelkommun.se")
    # Who answers a guardian assumes a login: guardians and staff read it, a visitor does not.
    assert visitor.get("/kb/a/vardnadshavare-vem-svarar").status_code == 404
    page = guardian.get("/kb/a/vardnadshavare-vem-svarar")
    assert page.status_code == 200 and "lokalt ansvariga" in page.get_data(as_text=True)
    assert as_user("larare.norr@exempelkommun.se").get("/kb/a/who-answers-guardians").status_code == 200
    # "I can't log in" must reach someone who cannot log in.
    assert visitor.get("/kb/a/vardnadshavare-kan-inte-logga-in").status_code == 200
    # Administration articles stay closed to guardians.
    assert guardian.get("/kb/a/byta-namn-pa-klass").status_code == 404
