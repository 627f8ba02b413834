"""The judged queries: the right article in the top 3 for at least 95% of them on Whoosh and
90% on PostgreSQL (whose stemming and typo handling are coarser)."""
from bench.judged import judged_queries, measure
from helpdesk.search import services
from tests.search.conftest import user


def test_judged_set_is_large_enough():
    queries = judged_queries()
    assert len(queries) >= 150
    assert {q["language"] for q in queries} == {"sv", "en"}


def test_top3_for_ninety_five_percent(indexed_app):
    with indexed_app.test_request_context():
        reader = user("central@exempelkommun.se")  # reads every audience

        def run(query, lang):
            found = services.search(reader, query, lang=lang, per_page=10)
            return [h.url.rsplit("/", 1)[-1] for h in found.results.hits]

        result = measure(run)
    wanted = 0.95 if services.backend_name(indexed_app) == "whoosh" else 0.90
    assert result["top3"] >= wanted, result["misses"]
    assert result["mrr10"] >= 0.80


def test_done_when_examples(indexed_app):
    with indexed_app.test_request_context():
        # A guardian who cannot log in, a Swedish typo, no login: the login help.
        found = services.search(None, "vårdnadshavre inloggning", lang="sv")
        slugs = [h.url.rsplit("/", 1)[-1] for h in found.results.hits[:3]]
        assert "inloggning-vardnadshavare" in slugs
        # A local admin asking whether a student may be removed.
        local = user("lokal.norr@exempelkommun.se")
        found = services.search(local, "kan jag ta bort en elev", lang="sv")
        assert "autosynk-aldrig-manuellt" in [h.url.rsplit("/", 1)[-1] for h in found.results.hits[:3]]
        # A teacher writing a ticket about a forgotten password gets the article suggested.
        teacher = user("larare.norr@exempelkommun.se")
        suggested = services.suggest_articles(teacher, "Jag har glömt mitt lösenord och kommer inte in", lang="sv")
        assert suggested[0]["slug"] == "losenord-glomt"
        assert set(suggested[0]) >= {"title", "url", "snippet", "slug"}


def test_compounds_and_neuter_forms(indexed_app):
    with indexed_app.test_request_context():
        reader = user("central@exempelkommun.se")
        for query, slug in [("lösenord", "losenord-glomt"), ("inloggning", "inloggningsuppgifter"),
                            ("kontot", "losenord-glomt"), ("vårdnadshavarkoppling", "autosynk-aldrig-manuellt")]:
            hits = services.search(reader, query, lang="sv", per_page=10).results.hits
            assert slug in [h.url.rsplit("/", 1)[-1] for h in hits], query
