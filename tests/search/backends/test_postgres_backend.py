"""PostgreSQL full-text search: candidates in tiers over the title-and-tags tsvector and the
reader's tokens, so a common word never ranks half the corpus."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from helpdesk.extensions import db
from helpdesk.search import services
from helpdesk.search.backends.base import SearchDocument, SearchQuery


@pytest.fixture
def pg_app(indexed_app):
    if services.backend_name(indexed_app) != "postgres":
        pytest.skip("PostgreSQL full-text search only")
    return indexed_app


def _doc(i, title, body="Annat.", access=("school:1",)):
    return SearchDocument(kind="ticket", object_id=900_000 + i, language="sv", title=title, body=body,
                          url=f"/tickets/{900_000 + i}", access=set(access))


def test_every_entry_has_its_head_and_the_tokens_of_its_access_rows(pg_app):
    with pg_app.test_request_context():
        assert db.session.scalar(text("SELECT count(*) FROM search_entry")) > 50
        assert db.session.scalar(text(
            "SELECT count(*) FROM search_entry e WHERE e.head IS NULL OR e.tokens IS DISTINCT FROM "
            "COALESCE((SELECT array_agg(CAST(a.token AS text) ORDER BY a.token) FROM search_access a "
            "WHERE a.entry_id = e.id), '{}')")) == 0
        # The head holds the title's words and not the text's.
        row = db.session.execute(text(
            "SELECT e.head @@ to_tsquery('swedish', 'lösenord'), e.head @@ to_tsquery('swedish', 'zzz') "
            "FROM search_entry e WHERE e.url LIKE '%/losenord-glomt'")).one()
        assert row == (True, False)


def test_the_title_tier_answers_when_it_holds_enough_and_the_total_is_then_not_exact(pg_app):
    with pg_app.test_request_context():
        backend = services.get_backend()
        named = [_doc(i, f"Zebrafinkar nummer {i}") for i in range(15)]
        in_text = _doc(99, "Annan rubrik", body="Här nämns zebrafinkar bara i texten, många gånger: zebrafinkar.")
        hidden = _doc(98, "Zebrafinkar för en annan skola", access=("school:2",))
        backend.update([*named, in_text, hidden], [])
        query = SearchQuery(text="zebrafinkar", access={"school:1"}, kinds=("ticket",), limit=10)
        found = backend.search(query)
        keys = {(h.kind, h.object_id) for h in found.hits}
        assert len(found.hits) == 10 and not found.exact
        assert keys <= {("ticket", d.object_id) for d in named}  # the text-only one waits
        # Fewer in the titles than a page: the next tier, every word anywhere, is ranked too.
        everything = backend.search(SearchQuery(text="zebrafinkar", access={"school:1"}, kinds=("ticket",),
                                                limit=20))
        assert ("ticket", in_text.object_id) in {(h.kind, h.object_id) for h in everything.hits}
        assert everything.exact and everything.total == 16
        # The other school's ticket is never read, whatever the tier.
        assert ("ticket", hidden.object_id) not in {(h.kind, h.object_id) for h in everything.hits}


def test_any_word_is_the_last_tier_when_no_document_has_them_all(pg_app):
    with pg_app.test_request_context():
        backend = services.get_backend()
        backend.update([_doc(1, "Zebrafinkar i klassrummet"), _doc(2, "Papegojor i klassrummet")], [])
        found = backend.search(SearchQuery(text="zebrafinkar papegojor", access={"school:1"},
                                           kinds=("ticket",), limit=10))
        assert {h.object_id for h in found.hits} == {900_001, 900_002} and found.exact


def _tier_statements(fn):
    """Run fn and return how many tier statements (those that rank) it sent."""
    from sqlalchemy import event

    sent = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if "ts_rank" in statement:
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        result = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return result, len(sent)


def test_one_statement_a_tier_finds_articles_and_tickets_together(pg_app):
    with pg_app.test_request_context():
        backend = services.get_backend()
        backend.update([_doc(1, "Zebrafinkar i klassrummet"), _doc(2, "Annat", body="Om zebrafinkar.")], [])
        query = SearchQuery(text="zebrafinkar", access={"school:1"}, limit=10)
        found, statements = _tier_statements(lambda: backend.search(query))
        # Neither class fills its need, so both tiers of a one-word question are read, each
        # once for articles and tickets together (before: once a class, four statements).
        assert {h.object_id for h in found.hits} == {900_001, 900_002} and found.exact
        assert statements == 2


def test_the_last_word_is_a_prefix_in_titles_and_tags_only(pg_app):
    with pg_app.test_request_context():
        backend = services.get_backend()
        backend.update([_doc(1, "Zebrafinkarnas mat"), _doc(2, "Annat", body="Om zebrafinkarnas mat.")], [])
        found = backend.search(SearchQuery(text="zebrafi", access={"school:1"}, kinds=("ticket",), limit=10))
        # A word still being typed finds the title that starts with it; the whole text is
        # matched on whole words (a prefix over every ticket's text cost three times the rest).
        assert {h.object_id for h in found.hits} == {900_001}


def _scanned(plan: dict) -> list[int]:
    """The rows each scan of search_entry in an EXPLAIN ANALYZE plan gave (a loop's)."""
    out = []
    if plan.get("Relation Name") == "search_entry":  # also the lookups by id: one row a loop
        out.append(plan["Actual Rows"])
    for child in plan.get("Plans", []):
        out += _scanned(child)
    return out


def test_a_tier_reads_at_most_its_pool_of_matching_documents(pg_app, monkeypatch):
    from sqlalchemy import event

    from helpdesk.search.backends import postgres_backend

    monkeypatch.setitem(postgres_backend.POOL, "other", 12)
    monkeypatch.setitem(postgres_backend.RANK_BOUND, "other", 12)
    with pg_app.test_request_context():
        backend = services.get_backend()
        backend.update([_doc(i, "Zebrafinkar") for i in range(30)], [])
        sent = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if "ts_rank" in statement:
                sent.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            found = backend.search(SearchQuery(text="zebrafinkar", access={"school:1"}, kinds=("ticket",),
                                               limit=10))
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
        assert len(found.hits) == 10 and not found.exact  # thirty match; the title tier answers
        assert len(sent) == 1
        statement, parameters = sent[0]
        with db.session.connection().connection.driver_connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
            plan = cursor.fetchone()[0][0]["Plan"]
        # The thirty are there to be read; the tier read twelve of them.
        assert _scanned(plan) and max(_scanned(plan)) == 12, plan



def test_the_articles_access_filter_still_holds_and_planner_settings_are_put_back(pg_app):
    """What the planner got wrong on the big corpus (EXPLAIN ANALYZE, see _class_filters and
    _planner): it read every article through the token index. The article class's rewritten
    access filter still keeps out what the reader may not see, and the typo lookup's planner
    setting is the connection's own again afterwards."""
    with pg_app.test_request_context():
        backend = services.get_backend()
        public = backend.search(SearchQuery(text="lösenord", access={"kb:public"}, kinds=("article",), limit=50))
        nobody = backend.search(SearchQuery(text="lösenord", access={"kb:nobody"}, kinds=("article",), limit=50))
        # A misspelt word's neighbours are looked up with operators priced higher, put back.
        before = db.session.scalar(text("SHOW cpu_operator_cost"))
        typo = backend.search(SearchQuery(text="lösenrod", access={"kb:public"}, kinds=("article",), limit=5,
                                          spell=True))
        assert typo.suggestion == "lösenord"
        assert db.session.scalar(text("SHOW cpu_operator_cost")) == before
        assert public.hits and {h.audience for h in public.hits} == {"public"}
        assert nobody.hits == []
