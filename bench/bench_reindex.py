"""Full search reindex at scale: 10,000 articles + 100,000 ticket-like documents, on Whoosh
(SQLite) and on PostgreSQL full-text search (when TEST_DATABASE_URL is set; a temporary
database is made beside it). Prints the wall time of `reindex` (batches, each its own
transaction, into a build beside the live index, then swapped in) and the machine's load.

    python -m bench reindex
    BENCH_ARTICLES=2000 BENCH_TICKETS=20000 python -m bench reindex   # a quicker run
    BENCH_PROFILE=1 python -m bench reindex    # where the time goes (cProfile, top 20)
    BENCH_REINDEX=postgres python -m bench reindex   # one backend only (or whoosh)

After the reindex it measures how soon a new article is found by search while the job
runner runs (`flask jobs`' rounds and its own-paced indexer thread), on the big index.
"""
from __future__ import annotations

import cProfile
import os
import pstats
import random
import tempfile
import threading
import time
from pathlib import Path

from bench.bench_search import (
    N_ARTICLES,
    N_TICKETS,
    _app,
    _build_demo,
    _central,
    _fill_articles,
    _server_cpu,
    _vocabulary,
    tickets_in_search,
)
from sqlalchemy.engine import make_url

from bench.scratch import scratch_database


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _reindex(app, label: str, sv, en) -> None:
    from helpdesk.extensions import db
    from helpdesk.search import services

    # The index exists before the generated tickets stand in for the ticket source: inside,
    # Whoosh's ensure_index found it missing and built all 100,000 tickets once unmeasured
    # (35 minutes at load 10) before the measured reindex began.
    with app.test_request_context():
        services.ensure_index()
        db.session.commit()
    with tickets_in_search(sv, en, N_TICKETS):
        with app.test_request_context():
            _fill_articles(random.Random(12000), sv, en, N_ARTICLES - 50)
            profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
            before = _load()
            server0 = _server_cpu()
            started, cpu0 = time.perf_counter(), time.process_time()
            if profile:
                profile.enable()
            n = services.reindex(restart=True)
            if profile:
                profile.disable()
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu0
            # On a shared machine the wall time is mostly waiting for a core: the CPU time
            # this process (and on PostgreSQL the session's server process) used is steadier.
            server1 = _server_cpu()
            server = f", server {server1 - server0:.1f} s CPU" if server0 is not None and server1 is not None else ""
            print(f"full reindex, {label}: {n:,} documents in {wall:.1f} s ({cpu:.1f} s CPU here{server}; "
                  f"{'OK' if wall < 180 else 'OVER'} the 3 min target; {before} before, {_load()} after)")
            if profile:
                pstats.Stats(profile).sort_stats("cumulative").print_stats(20)
                pstats.Stats(profile).sort_stats("tottime").print_stats(15)
            _freshness(app, label)
            db.session.remove()
            db.engine.dispose()


def _freshness(app, label: str) -> None:
    """Seconds from an article's commit until search finds it, with the job runner running
    (issue 15: within 5 s), asked every 50 ms."""
    from helpdesk.core import tick
    from helpdesk.extensions import db
    from helpdesk.kb import services as kb
    from helpdesk.search import services

    stop = threading.Event()

    def runner():
        with app.app_context():
            tick.run_jobs(5, stop=stop, echo=lambda line: None)

    thread = threading.Thread(target=runner, name="bench job runner", daemon=True)
    thread.start()
    seen = []
    try:
        central = _central()
        # Words no other document has, nor one typo away from each other.
        for word in ("qzxvwkefor", "plmoknijbu", "ujmyhntgbr"):
            kb.create_article(central, title=f"{word} rutin", body=f"{word} i skolan.", language="sv",
                              audience="staff", publish=True)
            db.session.commit()
            committed = time.perf_counter()
            while time.perf_counter() - committed < 60:
                db.session.rollback()
                if services.search(central, word, lang="sv").results.total:
                    break
                time.sleep(0.05)
            seen.append(time.perf_counter() - committed)
    finally:
        stop.set()
        thread.join()
    print(f"new article found by search, {label}, job runner running: "
          + ", ".join(f"{s:.1f} s" for s in seen)
          + f" after its commit ({'OK' if max(seen) < 5 else 'OVER'} the 5 s target; {_load()})")


def main() -> None:
    sv, en = _vocabulary()
    # BENCH_REINDEX=postgres (or whoosh) runs one backend only.
    only = os.environ.get("BENCH_REINDEX", "")
    if only != "postgres":
        with tempfile.TemporaryDirectory() as tmpdir:
            tmp = Path(tmpdir)
            app = _app(tmp)
            _build_demo(app)
            _reindex(app, "Whoosh on SQLite", sv, en)
    if only == "whoosh":
        return
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        print("full reindex, PostgreSQL: skipped (set TEST_DATABASE_URL)")
        return
    # Named after the database given (bench_<who>_reindex), so a shared server's databases
    # say whose they are.
    scratch = f"{make_url(url).database or 'bench'}_reindex"
    with scratch_database(url, scratch) as db_url, tempfile.TemporaryDirectory() as tmpdir:
        app = _app(Path(tmpdir), db_url, "postgres")
        _build_demo(app)
        _reindex(app, "PostgreSQL full-text search", sv, en)


if __name__ == "__main__":
    main()
