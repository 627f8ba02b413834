"""The full reindex in batches: stopped and continued, searched meanwhile, on both backends."""
from pathlib import Path

from sqlalchemy import delete, func, select, text, update

from helpdesk.extensions import db
from helpdesk.search import rebuild, services
from helpdesk.search.models import IndexOutbox, SearchRebuild
from tests.search.conftest import user

QUERIES = ["lösenord", "kan jag ta bort en elev", "mentor", "schema", "password"]


def answers(reader):
    return [sorted(h.url for h in services.search(reader, q, per_page=50).results.hits) for q in QUERIES]


def _small_batches(app, size=10):
    app.config["SEARCH_REBUILD_BATCH"] = size


def test_a_stopped_rebuild_continues_to_the_same_index_as_a_clean_one(indexed_app):
    _small_batches(indexed_app)
    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        clean_count = services.reindex(restart=True)
        clean = answers(central)
        assert clean_count == services.get_backend().count() > 30

        assert services.reindex(max_batches=2) == 20
        row = rebuild.pending()
        assert (row.batches, row.kind) == (2, "article")
        # Stopped: the live index is the old one, whole.
        assert services.get_backend().count() == clean_count
        assert services.reindex(max_batches=1) == 30  # continued, not restarted
        assert services.reindex() == clean_count
        assert rebuild.pending() is None
        assert services.get_backend().count() == clean_count
        assert answers(central) == clean


def test_a_batch_added_but_not_recorded_is_not_counted_twice(indexed_app):
    """A crash after the backend took a batch but before its progress was committed (the
    Whoosh directory and the database are two places) is met by replacing, not adding."""
    _small_batches(indexed_app)
    with indexed_app.test_request_context():
        expected = services.reindex(restart=True)
        services.reindex(max_batches=2)
        db.session.execute(update(SearchRebuild).values(last_id=SearchRebuild.last_id - 5,
                                                        documents=SearchRebuild.documents - 5,
                                                        batches=1))
        db.session.commit()
        services.reindex()
        assert services.get_backend().count() == expected


def test_search_answers_from_the_old_index_until_the_new_one_is_complete(indexed_app):
    from helpdesk.kb import services as kb

    _small_batches(indexed_app, 1000)
    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        kb.create_article(central, title="Zebrafink", body="Om zebrafinkar i klassrummet.",
                          language="sv", audience="staff", publish=True)
        db.session.commit()
        # Left out of the live index on purpose: only a rebuild can find it.
        db.session.execute(delete(IndexOutbox))
        db.session.commit()
        before = answers(central)
        services.reindex(max_batches=1)
        assert rebuild.pending() is not None
        assert services.search(central, "zebrafink").results.total == 0
        assert answers(central) == before
        services.reindex()
        assert [h.title for h in services.search(central, "zebrafink").results.hits] == ["Zebrafink"]


def test_changes_while_a_rebuild_is_stopped_reach_the_new_index(indexed_app):
    """The indexer keeps the live index current and tells the build of documents it
    already holds; documents it has not reached it reads fresh."""
    from helpdesk.kb import services as kb

    _small_batches(indexed_app, 1000)
    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        zebra = kb.create_article(central, title="Zebrafink", body="Om zebrafinkar i klassrummet.",
                                  language="sv", audience="staff", publish=True)
        db.session.commit()
        services.process_outbox()
        services.reindex(max_batches=1)  # every article is in the build
        assert rebuild.pending().kind == "article"
        kb.set_published(central, zebra, False)  # already built: must leave the build too
        kb.create_article(central, title="Kolibri", body="Om kolibrier i klassrummet.",
                          language="sv", audience="staff", publish=True)  # not built yet
        db.session.commit()
        services.process_outbox()
        assert db.session.scalar(select(func.count(IndexOutbox.id))) == 0
        assert services.search(central, "zebrafink").results.total == 0
        assert services.search(central, "kolibri").results.total == 1
        services.reindex()
        assert services.search(central, "zebrafink").results.total == 0
        assert [h.title for h in services.search(central, "kolibri").results.hits] == ["Kolibri"]


def test_restart_throws_the_stopped_build_away(indexed_app):
    _small_batches(indexed_app)
    with indexed_app.test_request_context():
        services.reindex(max_batches=1)
        first = rebuild.pending().build
        services.reindex(restart=True, max_batches=1)
        second = rebuild.pending().build
        assert second != first
        backend = services.get_backend()
        assert not backend.has_build(first) and backend.has_build(second)
        if indexed_app.config["SEARCH_BACKEND"] == "whoosh":
            root = Path(indexed_app.config["SEARCH_INDEX_DIR"])
            assert [p.name for p in root.glob("build-*")] == [second]
        else:
            shadows = db.session.scalars(text(
                "SELECT tablename FROM pg_tables WHERE tablename LIKE 'search_entry\\_\\_%'")).all()
            assert shadows == [f"search_entry__{second}"]
        indexes = _index_names()
        services.reindex()
        assert not backend.has_build(second)
        assert rebuild.pending() is None
        # The swapped-in tables carry the live ones' index and constraint names (which the
        # migrations name), and nothing of the build is left over.
        assert _index_names() == indexes


def _index_names():
    if db.engine.dialect.name != "postgresql":
        return None
    return sorted(db.session.execute(text(
        "SELECT tablename, indexname FROM pg_indexes WHERE tablename LIKE 'search\\_%'")).all())


def test_the_command_says_a_stopped_rebuild_continues(indexed_app):
    _small_batches(indexed_app)
    runner = indexed_app.test_cli_runner()
    result = runner.invoke(args=["search", "reindex", "--batches", "1"])
    assert result.exit_code == 0, result.output
    assert "10 documents built so far" in result.output
    status = runner.invoke(args=["search", "status"])
    assert "rebuild: 10 documents built so far" in status.output
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "reindexed" in result.output
    with indexed_app.app_context():
        assert db.session.scalar(select(func.count(SearchRebuild.id))) == 0
