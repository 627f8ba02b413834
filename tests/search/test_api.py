"""/api/v1/search: the suggestions asked while a question is written are logged as searches."""
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.kb.models import SearchLog
from tests.conftest import login


def _logged(app):
    with app.app_context():
        return [(r.query, r.origin, r.results_count, r.organisation_id)
                for r in db.session.scalars(select(SearchLog).order_by(SearchLog.id))]


def test_suggestions_are_logged_masked_and_marked(indexed_app):
    client = indexed_app.test_client()
    login(client, "larare.norr@exempelkommun.se")
    # What suggest.js sends while a teacher writes, a civic number included by mistake.
    found = client.post("/api/v1/search", json={"q": "glömt lösenord 20140312-1234", "type": "article",
                                                "per_page": 5, "lang": "sv", "suggest": True})
    assert found.status_code == 200 and found.get_json()["results"]
    client.post("/api/v1/search", json={"q": "zqxwv ingenting", "type": "article", "suggest": True})
    logged = _logged(indexed_app)
    assert [o for _q, o, _n, _org in logged] == ["suggestion", "suggestion"]
    assert all("1234" not in q for q, *_ in logged)
    assert logged[0][2] > 0 and logged[1][2] == 0 and logged[0][3] is not None


def test_suggestions_that_found_nothing_are_in_searched_but_not_found(indexed_app):
    from helpdesk.kb import services as kb_services
    from tests.search.conftest import user

    client = indexed_app.test_client()
    login(client, "larare.norr@exempelkommun.se")
    client.post("/api/v1/search", json={"q": "qwzx skrivarkö", "type": "article", "suggest": True})
    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        not_found = [q for q, _n in kb_services.stats(central).not_found]
    assert "qwzx skrivarkö" in not_found


def test_plain_api_searches_are_not_logged(indexed_app):
    client = indexed_app.test_client()
    client.post("/api/v1/search", json={"q": "glömt lösenord"})
    client.get("/api/v1/search?q=glömt+lösenord")
    assert _logged(indexed_app) == []


def test_a_wrong_suggest_flag_is_a_400_and_logs_nothing(indexed_app):
    client = indexed_app.test_client()
    bad = client.post("/api/v1/search", json={"q": "lösenord", "suggest": "ja"})
    assert bad.status_code == 400
    assert _logged(indexed_app) == []


def test_the_no_js_suggestions_on_the_question_form_are_logged(indexed_app):
    client = indexed_app.test_client()
    login(client, "larare.norr@exempelkommun.se")
    page = client.post("/tickets/new", data={"subject": "Glömt lösenord", "body": "Jag har glömt mitt lösenord",
                                             "category": "login", "action": "preview"})
    assert page.status_code == 200 and "/kb/a/losenord-glomt" in page.get_data(as_text=True)
    logged = _logged(indexed_app)
    assert len(logged) == 1 and logged[0][1] == "suggestion" and "lösenord" in logged[0][0]
