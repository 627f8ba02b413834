"""The search service without HTTP: visibility, the outbox, the indexer, rebuilds."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.leases import Lease
from helpdesk.search import services
from helpdesk.search.models import IndexOutbox
from tests.search.conftest import user


def slugs(found):
    return [h.url.rsplit("/", 1)[-1] for h in found.results.hits]


def test_anonymous_never_sees_titles_of_closed_articles(indexed_app):
    with indexed_app.test_request_context():
        found = services.search(None, "autosynk elev ta bort", lang="sv", per_page=50)
        assert found.results.hits, "public articles still answer"
        assert all(h.audience == "public" for h in found.results.hits)
        assert "autosynk-aldrig-manuellt" not in slugs(found)
        admin = services.search(user("lokal.norr@exempelkommun.se"), "autosynk elev ta bort", lang="sv", per_page=50)
        assert "autosynk-aldrig-manuellt" in slugs(admin)


def test_guardian_sees_public_not_staff(indexed_app):
    with indexed_app.test_request_context():
        guardian = user("vardnadshavare.norr@exempelkommun.se")
        found = services.search(guardian, "nattlig synk", lang="sv", per_page=50)
        assert "nattlig-synk" not in slugs(found)
        teacher = services.search(user("larare.norr@exempelkommun.se"), "nattlig synk", lang="sv")
        assert slugs(teacher)[0] == "nattlig-synk"


def test_central_articles_only_for_central(indexed_app):
    with indexed_app.test_request_context():
        q = "lokal supportorganisation"
        assert "lokal-supportorganisation" not in slugs(services.search(user("lokal.norr@exempelkommun.se"), q, lang="sv"))
        assert "lokal-supportorganisation" in slugs(services.search(user("central@exempelkommun.se"), q, lang="sv"))


def test_change_goes_through_the_outbox(indexed_app):
    from helpdesk.kb import services as kb

    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        art = kb.create_article(central, title="Schemaläggning av lovskola", body="Lovskolan planeras i maj.",
                                language="sv", audience="staff", publish=True)
        db.session.commit()
        assert db.session.scalar(select(func.count(IndexOutbox.id))) == 1
        assert "lovskola" not in " ".join(h.title.lower() for h in services.search(central, "lovskola", lang="sv").results.hits)
        counts = services.process_outbox()
        assert counts["indexed"] == 1
        assert db.session.scalar(select(func.count(IndexOutbox.id))) == 0
        found = services.search(central, "lovskola", lang="sv")
        assert slugs(found) == [art.slug]
        # Another organisation's staff never see it.
        assert services.search(user("larare@grannby.se"), "lovskola", lang="sv").results.total == 0
        # Back to draft: gone from the index after the next drain.
        kb.set_published(central, art, False)
        db.session.commit()
        services.process_outbox()
        assert services.search(central, "lovskola", lang="sv").results.total == 0


def test_outbox_row_rolls_back_with_the_change(indexed_app):
    from helpdesk.kb import services as kb

    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        kb.create_article(central, title="Tillfällig", body="Text", language="sv", audience="staff")
        db.session.rollback()
        assert db.session.scalar(select(func.count(IndexOutbox.id))) == 0


def test_hidden_shipped_article_leaves_the_organisation(indexed_app):
    from helpdesk.kb import services as kb

    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        art = kb.get_by_slug("driftstorning-statussida")
        kb.set_hidden(central, art, True)
        db.session.commit()
        services.process_outbox()
        assert "driftstorning-statussida" not in slugs(services.search(central, "statussida driftstörning", lang="sv"))
        other = services.search(user("central@grannby.se"), "statussida driftstörning", lang="sv")
        assert slugs(other)[0] == "driftstorning-statussida"


def test_only_one_indexer_holds_the_lease(indexed_app):
    with indexed_app.test_request_context():
        assert services.acquire_lease()
        lock = db.session.get(Lease, services.INDEXER)
        lock.holder = "another-host:1"
        db.session.commit()
        assert services.process_outbox()["skipped"] is True
        with pytest.raises(RuntimeError):
            services.reindex()


def test_civic_numbers_are_never_indexed(indexed_app):
    from helpdesk.kb import services as kb

    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        kb.create_article(central, title="Zebraränder", body="Eleven 20140312-1234 har zebraränder på jackan.",
                          language="sv", audience="staff", publish=True)
        db.session.commit()
        services.process_outbox()
        assert services.search(central, "1234", lang="sv").results.total == 0
        found = services.search(central, "zebraränder", lang="sv")
        assert "20140312-XXXX" in found.results.hits[0].snippet
        assert "1234" not in found.results.hits[0].snippet


def test_numbers_glued_to_words_in_tickets_and_threads_are_never_indexed(indexed_app):
    from helpdesk.boards import services as boards
    from helpdesk.boards.models import Board
    from helpdesk.tickets import services as tickets

    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        teacher = user("larare.norr@exempelkommun.se")
        tickets.file_ticket(teacher, subject="Zebraränder elev-20140312-1234",
                            body="Gäller ID-20140312\u20131234 och 140312\u20131234.", category="usage")
        board = db.session.scalars(select(Board).order_by(Board.id)).first()
        boards.start_thread(central, board, title="Zebraränder x201403121234y",
                            body="Se elev-20140312-1234.")
        db.session.commit()
        services.process_outbox()
        found = services.search(central, "zebraränder", lang="sv").results
        assert found.total >= 2
        assert all("1234" not in h.title + h.snippet for h in found.hits)
        assert services.search(central, "1234", lang="sv").results.total == 0
        # The query is masked too: what is left (the date) finds nothing of the last four.
        hits = services.search(central, "20140312-1234", lang="sv").results.hits
        assert all("1234" not in h.title + h.snippet for h in hits)


def test_did_you_mean_and_highlights(indexed_app):
    with indexed_app.test_request_context():
        found = services.search(None, "vårdnadshavre", lang="sv")
        assert found.results.suggestion == "vårdnadshavare"
        assert found.results.hits and "<mark>" in found.results.hits[0].snippet


def test_filters_and_pages(indexed_app):
    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        english = services.search(central, "guardian", lang="en")
        assert english.results.hits and all(h.language == "en" for h in english.results.hits)
        public = services.search(central, "inloggning", lang="sv", audience="public")
        assert public.results.hits and all(h.audience == "public" for h in public.results.hits)
        tagged = services.search(central, "inloggning", lang="sv", tag="bankid")
        assert tagged.results.hits and all("bankid" in h.tags for h in tagged.results.hits)
        assert services.search(central, "inloggning", kinds=("ticket",)).results.total == 0
        first = services.search(central, "elev", lang="sv", per_page=2, page=1)
        second = services.search(central, "elev", lang="sv", per_page=2, page=2)
        assert first.results.total > 2 and first.pages >= 2
        assert {h.object_id for h in first.results.hits}.isdisjoint({h.object_id for h in second.results.hits})


@pytest.mark.parametrize("raw", ["", "   ", "x" * 10_000, '"', "*", "(", "AND", "~", 'lösen* AND (ord~ "x',
                                 "\x00\x01\x1f", b"\xff\xfe l\xc3\xb6senord", "OR OR NOT", "a:b title:x"])
def test_bad_input_gives_a_clean_answer(indexed_app, raw):
    with indexed_app.test_request_context():
        found = services.search(None, raw)
        assert found.results.total >= 0
        assert len(found.text) <= 500
        if not found.results.hits:
            assert found.message or found.results.total == 0


def test_missing_index_reports_rebuilding_then_is_rebuilt(demo_app, caplog):
    if demo_app.config["SEARCH_BACKEND"] != "whoosh":
        pytest.skip("the Whoosh index is a directory")
    with demo_app.test_request_context():
        found = services.search(None, "lösenord")
        assert found.results.state == "rebuilding" and found.message
        assert services.ensure_index() is True
        assert "rebuilding" in caplog.text
        assert services.search(None, "lösenord").results.total > 0


def test_corrupt_index_is_detected_and_rebuilt(indexed_app, caplog):
    if indexed_app.config["SEARCH_BACKEND"] != "whoosh":
        pytest.skip("the Whoosh index is a directory")
    with indexed_app.test_request_context():
        root = Path(indexed_app.config["SEARCH_INDEX_DIR"])
        live = root / (root / "CURRENT").read_text().strip()
        for f in live.rglob("*"):
            if f.is_file():
                f.write_bytes(b"garbage")
        fresh = type(services.get_backend())(root)
        indexed_app.extensions["helpdesk_search"]["whoosh"] = fresh
        assert fresh.check()["ok"] is False
        assert services.ensure_index() is True
        assert fresh.check()["ok"] is True
        assert services.search(None, "lösenord").results.total > 0


def test_reindex_swaps_in_a_fresh_index(indexed_app):
    with indexed_app.test_request_context():
        before = services.get_backend().count()
        assert services.reindex() == before
        assert services.search(None, "lösenord", lang="sv").results.total > 0
        if indexed_app.config["SEARCH_BACKEND"] == "whoosh":
            root = Path(indexed_app.config["SEARCH_INDEX_DIR"])
            assert len(list(root.glob("gen-*"))) <= 2


def test_rebuild_in_several_processes_finds_the_same(indexed_app):
    """A rebuild by writer processes (one segment per process) answers as the one-process
    index did, and the outbox still updates it."""
    if indexed_app.config["SEARCH_BACKEND"] != "whoosh":
        pytest.skip("processes build the Whoosh index")
    from helpdesk.kb import services as kb

    queries = ["lösenord", "kan jag ta bort en elev", "vårdnadshavre inlogning", "mentor"]
    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")

        def answers():
            return [[(h.url, h.score) for h in services.search(central, q, per_page=50).results.hits]
                    for q in queries]

        single = answers()
        backend = services.get_backend()
        backend.rebuild(services.all_documents(), procs=2)
        multi = answers()
        # The same documents, and the same first page in the same order. (Lower down, two
        # near-equal scores may swap: the statistics of one segment with deleted documents
        # and of fresh ones differ by about 1%, and the second look multiplies a score.)
        assert [{url for url, _ in page} for page in multi] == [{url for url, _ in page} for page in single]
        assert [[url for url, _ in page[:10]] for page in multi] == [[url for url, _ in page[:10]] for page in single]
        kb.create_article(central, title="Segmentprov", body="Ett lösenord i ett eget segment.",
                          language="sv", audience="staff", publish=True)
        db.session.commit()
        services.process_outbox()
        assert "Segmentprov" in [h.title for h in services.search(central, "segmentprov").results.hits]
        assert services.search(None, "vårdnadshavre").results.suggestion == "vårdnadshavare"


def test_health_check(indexed_app):
    client = indexed_app.test_client()
    body = client.get("/healthz").get_json()
    assert body["search"]["ok"] is True and body["search"]["documents"] >= 50


def test_tick_drains_the_outbox(indexed_app):
    from helpdesk.core.tick import run_tick
    from helpdesk.kb import services as kb

    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        kb.create_article(central, title="Tickprov", body="Tickprov text", language="sv", audience="staff", publish=True)
        db.session.commit()
        report = dict(run_tick())
        assert report["search index"].startswith("indexed 1")
        assert services.search(central, "tickprov", lang="sv").results.total == 1


def test_the_job_runner_makes_a_new_article_searchable_while_its_round_is_busy(indexed_app, monkeypatch):
    """Issue 15's "searchable within 5 s of the commit while the job runner runs", on both
    search backends: the indexer runs in a thread of its own every SEARCH_INDEX_INTERVAL
    (1 s), so the article is found while another job of the round still holds it up (the
    round's interval here is an hour). How many seconds it takes is bench reindex's business."""
    import threading

    from helpdesk.core import tick
    from helpdesk.kb import services as kb

    found = threading.Event()

    def busy():
        # A slow job: it waits until search finds the article (or gives up after 60 s, so
        # a broken indexer fails the test instead of hanging it).
        with indexed_app.test_request_context():
            central = user("central@exempelkommun.se")
            for _ in range(600):
                db.session.rollback()
                if services.search(central, "lovskoleplanering", lang="sv").results.total:
                    found.set()
                    break
                if found.wait(0.1):
                    break
        return "done"

    monkeypatch.setattr(tick, "_JOBS", [*tick._JOBS, (5, "slow job", busy)])
    with indexed_app.test_request_context():
        central = user("central@exempelkommun.se")
        kb.create_article(central, title="Lovskoleplanering", body="Lovskoleplanering inför sommaren.",
                          language="sv", audience="staff", publish=True)
        db.session.commit()
        assert services.search(central, "lovskoleplanering", lang="sv").results.total == 0
        done = tick.run_jobs(3600, stop=threading.Event(), rounds=1, echo=lambda line: None)
    assert done == 1
    assert found.is_set()


def test_suggest_articles_hook_is_provided(indexed_app):
    from helpdesk import hooks

    with indexed_app.test_request_context():
        found = hooks.get("suggest_articles")(None, "glömt lösenord", 3, "sv")
        assert found and found[0]["slug"] == "losenord-glomt" and len(found) <= 3
        # A guardian is never offered an article for admins.
        guardian = user("vardnadshavare.norr@exempelkommun.se")
        assert all(s["slug"] != "autosynk-aldrig-manuellt"
                   for s in hooks.get("suggest_articles")(guardian, "ta bort elev autosynk", 5, "sv"))
