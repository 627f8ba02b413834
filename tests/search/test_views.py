"""The search page and the search API, including bad input."""
import re

import pytest

BAD = ["", " ", "x" * 10_000, '"', "*", "(", "AND", "~", 'lösen* AND (ord~ "x', "%00%01%1f",
       "%FF%FE", "%C3", "<script>alert(1)</script>", "title:x OR body:y"]


@pytest.fixture
def client(indexed_app):
    return indexed_app.test_client()


def test_public_search_with_a_typo_finds_login_help(client):
    page = client.get("/search/?q=vårdnadshavre+logga+in").get_data(as_text=True)
    assert "/kb/a/inloggning-vardnadshavare" in page
    assert "<mark>" in page
    assert "vårdnadshavare" in page  # did you mean


def test_search_page_without_query_shows_the_form(client):
    page = client.get("/search/").get_data(as_text=True)
    assert 'name="q"' in page and 'id="results-heading"' not in page


def test_filters_and_pagination_links(indexed_app):
    from tests.conftest import login

    client = indexed_app.test_client()
    login(client, "central@exempelkommun.se")
    page = client.get("/search/?q=elev&lang=all&type=article").get_data(as_text=True)
    # The next page is asked for by POST too, carrying the query and the filters.
    assert '<input type="hidden" name="page" value="2">' in page
    assert '<input type="hidden" name="type" value="article">' in page
    assert 'value="article" selected' in page
    second = client.post("/search/", data={"q": "elev", "lang": "all", "type": "article", "page": "2"}).text
    assert "Sida 2" in second or "Page 2" in second


@pytest.mark.parametrize("raw", BAD)
def test_bad_input_on_the_page_and_the_api(client, raw):
    page = client.get(f"/search/?q={raw}")
    assert page.status_code == 200
    api = client.get(f"/api/v1/search?q={raw}")
    assert api.status_code == 200
    body = api.get_json()
    assert isinstance(body["results"], list)
    assert "<script>" not in page.get_data(as_text=True).split('id="results-heading"')[-1]


def test_api_shape_and_visibility(client, indexed_app):
    body = client.get("/api/v1/search?q=glömt+lösenord&lang=sv").get_json()
    first = body["results"][0]
    assert set(first) == {"type", "id", "title", "url", "snippet", "score"}
    assert first["type"] == "article" and first["url"] == "/kb/a/losenord-glomt"
    assert "suggestion" in body
    closed = client.get("/api/v1/search?q=ta+bort+elev+autosynk&lang=sv").get_json()
    assert all("autosynk-aldrig-manuellt" not in r["url"] for r in closed["results"])


def test_api_rejects_unknown_type_clearly(client):
    response = client.get("/api/v1/search?q=x&type=person")
    assert response.status_code == 400 and response.get_json()["field"] == "type"


def test_api_with_token_sees_admin_articles(indexed_app):
    client = indexed_app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": "lokal.norr@exempelkommun.se",
                                                    "password": "demo"}).get_json()["token"]
    body = client.get("/api/v1/search?q=kan+jag+ta+bort+en+elev&lang=sv",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert "/kb/a/autosynk-aldrig-manuellt" in [r["url"] for r in body["results"][:3]]


def test_searches_are_logged_masked(indexed_app):
    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.kb.models import SearchLog

    indexed_app.test_client().get("/search/?q=elev+20140312-1234")
    with indexed_app.app_context():
        logged = db.session.scalars(select(SearchLog.query)).all()
    assert logged and all("1234" not in q for q in logged)


def test_a_failing_backend_gives_a_message_not_a_500(indexed_app, monkeypatch):
    from helpdesk.search import services

    with indexed_app.app_context():
        backend = services.get_backend()

    def broken(query):
        raise OSError("index file vanished")

    monkeypatch.setattr(backend, "search", broken)
    client = indexed_app.test_client()
    page = client.get("/search/?q=lösenord")
    assert page.status_code == 200 and 'role="status"' in page.get_data(as_text=True)
    body = client.get("/api/v1/search?q=lösenord").get_json()
    assert body["results"] == [] and body["state"] == "error" and body["message"]


def test_results_name_their_type_and_audience_in_the_readers_language(indexed_app):
    from tests.conftest import login

    client = indexed_app.test_client()
    login(client, "lokal.norr@exempelkommun.se")
    page = client.get("/search/?q=kan+jag+ta+bort+en+elev").get_data(as_text=True)
    assert "Hjälpartikel · Administratörer" in page


def test_search_forms_send_post_so_the_words_stay_out_of_urls(indexed_app):
    client = indexed_app.test_client()
    for path in ("/search/", "/kb/", "/"):
        page = client.get(path).text
        forms = re.findall(r'<form method="(\w+)" action="/search/"', page)
        assert forms and set(forms) == {"post"}, path
    page = client.post("/search/", data={"q": "glömt lösenord", "lang": "sv"}).text
    assert "/kb/a/losenord-glomt" in page


def test_api_answers_a_post_with_a_json_body(client):
    body = client.post("/api/v1/search", json={"q": "glömt lösenord", "lang": "sv", "type": "article",
                                               "per_page": 5}).get_json()
    assert body["results"][0]["url"] == "/kb/a/losenord-glomt" and len(body["results"]) <= 5
    bad = client.post("/api/v1/search", json={"q": 5})
    assert bad.status_code == 400 and bad.get_json()["field"] == "q"


def test_searches_written_every_way_are_logged_masked(indexed_app):
    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.kb.models import SearchLog

    client = indexed_app.test_client()
    for q in ("elev-20140312-1234", "ID-20140312\u20131234", "x201403121234y", "140312\u20131234"):
        client.post("/search/", data={"q": q})
    client.post("/api/v1/search", json={"q": "elev-20140312-1234"})
    with indexed_app.app_context():
        logged = db.session.scalars(select(SearchLog.query)).all()
    assert len(logged) >= 4 and all("1234" not in q for q in logged)


def test_a_logged_in_search_reads_the_account_once_and_still_logs(indexed_app):
    """The search log is committed after the page is rendered: committing first expired the
    reader's account and roles, and the page's menu read them again (two more queries)."""
    from sqlalchemy import event, select

    from helpdesk.extensions import db
    from helpdesk.kb.models import SearchLog
    from tests.conftest import login

    client = indexed_app.test_client()
    login(client, "central@exempelkommun.se")
    client.post("/search/", data={"q": "lösenord"})  # warm: the session's last_seen written
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)
    with indexed_app.app_context():
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            page = client.post("/search/", data={"q": "lösenord"})
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        logged = db.session.scalars(select(SearchLog.query)).all()
    assert page.status_code == 200
    accounts = [s for s in statements if "user_account" in s]
    assert len(accounts) == 1, accounts  # the login session's one query with its joins
    assert logged.count("lösenord") == 2
