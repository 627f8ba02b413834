"""Faults survived, as scripted checks against the real server shape (gunicorn on loopback).

1. A worker killed mid-request: two gunicorn workers on SQLite take a stream of replies from
   several agents at once; one worker is killed with SIGKILL in the middle. Every reply the
   server confirmed (a redirect after the post) must be on its ticket afterwards, and the
   server must go on answering without a restart (gunicorn starts a new worker).
2. The database away for 10 s under load (PostgreSQL, when LOAD_PG_URL or TEST_DATABASE_URL
   names a server): the app reaches the database through a loopback proxy that is cut for
   10 s and restored, so the shared server is never stopped. While it is cut pages answer
   503 with Retry-After, never 500; afterwards 200 again without a restart; every reply the
   server confirmed is in the database.

Prints a tally of status codes per phase and exits non-zero if a check fails.
Run alone with `python -m bench faults` (make bench BENCH_ARGS=faults).
"""
from __future__ import annotations

import collections
import os
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

from bench.bench_load import BIN, ROOT, _free_port, _replies_present, _wait_until_up
from bench.pages import CSRF, TICKET_LINK


class _Agent:
    """One logged-in agent posting replies in a loop, recording what the server confirmed."""

    def __init__(self, host: str):
        self.http = requests.Session()
        self.host = host
        token = CSRF.search(self.http.get(f"{host}/login", timeout=10).text).group(1)
        self.http.post(f"{host}/login", data={"email": "central@exempelkommun.se", "password": "demo",
                                              "csrf_token": token}, allow_redirects=False, timeout=10)
        queue = self.http.get(f"{host}/tickets/queue?tier=central", timeout=10).text
        self.tickets = [int(t) for t in TICKET_LINK.findall(queue)]
        self.csrf = CSRF.search(queue).group(1)

    def reply(self, phase: str, tally: collections.Counter, confirmed: list[str]) -> None:
        marker = f"fault-{uuid.uuid4().hex}"
        ticket = self.tickets[len(confirmed) % len(self.tickets)]
        try:
            answer = self.http.post(f"{self.host}/tickets/{ticket}/reply", allow_redirects=False, timeout=15,
                                    data={"body": f"Svar under störning. {marker}", "csrf_token": self.csrf})
        except requests.RequestException:
            tally[(phase, "connection broken")] += 1
            return
        tally[(phase, answer.status_code)] += 1
        if answer.status_code in (302, 303):
            confirmed.append(marker)
        elif answer.status_code == 503 and "Retry-After" not in answer.headers:
            tally[(phase, "503 without Retry-After")] += 1


def _under_load(host: str, steps) -> tuple[collections.Counter, list[str]]:
    """Four agents reply in a loop while `steps` run: each (phase, action, seconds) names the
    phase the requests started from then on are counted in, does the action (or nothing), and
    lets the load run that long."""
    tally, confirmed, phase = collections.Counter(), [], ["before"]
    agents = [_Agent(host) for _ in range(4)]
    stop = threading.Event()

    def loop(agent):
        while not stop.is_set():
            agent.reply(phase[0], tally, confirmed)
    threads = [threading.Thread(target=loop, args=(a,), daemon=True) for a in agents]
    for t in threads:
        t.start()
    for name, action, seconds in steps:
        phase[0] = name
        if action:
            action()
        time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=20)
    return tally, confirmed


def _server(url: str, tmp: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-faults", "MAIL_SERVER": "",
           "MAIL_DROP_DIR": str(tmp / "mail"), "SEARCH_INDEX_DIR": str(tmp / "idx"),
           "UPLOAD_DIR": str(tmp / "up"), "LOG_LEVEL": "ERROR"}
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "error",
         "--timeout", "30", f"helpdesk:create_app(instance_path={str(tmp / 'instance')!r})"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    host = f"http://127.0.0.1:{port}"
    _wait_until_up(host)
    return server, host


def _setup_demo(url: str, tmp: Path) -> None:
    from helpdesk import create_app
    from helpdesk.demo import build_demo
    from helpdesk.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "", "SECRET_KEY": "bench",
                      "MAIL_DROP_DIR": str(tmp / "mail"), "SEARCH_INDEX_DIR": str(tmp / "idx"),
                      "UPLOAD_DIR": str(tmp / "up")}, instance_path=str(tmp / "instance"))
    with app.test_request_context():
        db.create_all()
        build_demo()
        db.session.commit()
        db.engine.dispose()


def _report(title: str, tally: collections.Counter, confirmed: list[str], present: int) -> bool:
    print(f"-- {title}")
    print("  (each request counted in the phase it started in)")
    for (phase, code), n in sorted(tally.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        print(f"  {phase:10} {str(code):24} {n:6d}")
    print(f"  replies confirmed: {len(confirmed)}; present in the database afterwards: {present}")
    bad = sum(n for (_p, code), n in tally.items() if code == 500 or code == "503 without Retry-After")
    ok = present == len(confirmed) and bad == 0 and any(p == "after" and c in (302, 303) for p, c in tally)
    print(f"  {'PASS' if ok else 'FAIL'}: no 500, no confirmed reply lost, answering again afterwards")
    return ok


def kill_worker(tmp: Path) -> bool:
    url = f"sqlite:///{tmp / 'faults.sqlite'}"
    _setup_demo(url, tmp)
    server, host = _server(url, tmp, workers=2)

    def kill_one():
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        os.kill(int(workers[0]), signal.SIGKILL)
    try:
        tally, confirmed = _under_load(host, [("before", None, 3), ("killed", kill_one, 3), ("after", None, 3)])
    finally:
        server.terminate()
        server.wait(timeout=30)
    return _report("a worker killed mid-request (SQLite, 2 workers, 4 agents replying)", tally, confirmed,
                   _replies_present(url, confirmed))


def database_away(tmp: Path, pg: str) -> bool:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.support.tcp_proxy import TcpProxy

    base = make_url(pg).set(drivername="postgresql+psycopg")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "helpdesk_faults" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "helpdesk_faults"'))
    direct = base.set(database="helpdesk_faults")
    proxy = TcpProxy(base.host or "127.0.0.1", base.port or 5432)
    proxy.start()
    try:
        _setup_demo(direct.render_as_string(hide_password=False), tmp)
        via_proxy = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        server, host = _server(via_proxy, tmp, workers=2)
        try:
            # pool_pre_ping replaces the broken connections as they are next used ("back").
            tally, confirmed = _under_load(host, [("before", None, 4), ("away", proxy.cut, 10),
                                                  ("back", proxy.start, 3), ("after", None, 4)])
        finally:
            server.terminate()
            server.wait(timeout=30)
        return _report("the database away for 10 s (PostgreSQL through a cut proxy, 2 workers, 4 agents)",
                       tally, confirmed, _replies_present(direct.render_as_string(hide_password=False), confirmed))
    finally:
        proxy.cut()
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "helpdesk_faults" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(kill_worker(Path(tmp)))
    pg = os.environ.get("LOAD_PG_URL") or os.environ.get("TEST_DATABASE_URL")
    if pg:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(database_away(Path(tmp), pg))
    else:
        print("-- the database away: skipped (set LOAD_PG_URL, e.g. postgresql://postgres@127.0.0.1:5432/test)")
    if not all(results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
