"""The load test's mix, in-process: CPU milliseconds per endpoint and where they go.

bench_load.py says how fast the server is under the mix; this says why. It builds the same
database (BENCH_TICKETS tickets, default 20,000 here: the CPU per request barely moves
between 20,000 and 100,000) and the same search index, logs in the load test's three kinds
of people with Flask's test client (CSRF on, production settings), and runs MIX_REQUESTS
(default 1,500) requests drawn in the locustfile's proportions, one after another, each
after its predecessor's commit, as one worker would serve them. It prints per endpoint the
requests, the mean CPU ms (time.process_time) and the mean queries, the mix's mean CPU ms a
request, and (MIX_PROFILE=1) cProfile's top functions over the whole mix.

Run: python -m bench mix (BENCH_TICKETS=100000 for the load test's size).
"""
from __future__ import annotations

import cProfile
import os
import pstats
import random
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

from sqlalchemy import event

from bench.pages import CSRF, NEXT_PAGE, TICKET_LINK, WHERE

REQUESTS = int(os.environ.get("MIX_REQUESTS", "1500"))
QUESTIONS = ["inloggning", "byta namn på klass", "vårdnadshavare", "lösenord", "mentor",
             "schema", "frånvaro", "bankid", "arbetslag", "närvaro"]
# The locustfile's weights: people (Agent 3, Teacher 2, Reader 1 of 50 people, each at one task
# a second) times each person's tasks.
PEOPLE = {"agent": 25, "teacher": 17, "reader": 8}
TASKS = {"agent": {"queue": 5, "ticket": 6, "reply": 2, "search": 1},
         "teacher": {"search": 4, "mine": 2, "file": 1},
         "reader": {"kb": 3, "livez": 1}}


def _login(client, email: str) -> str:
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"email": email, "password": "demo", "csrf_token": token})
    assert answer.status_code == 302, answer.status_code
    found = CSRF.search(client.get("/").get_data(as_text=True))
    return found.group(1) if found else token


class _Mix:
    def __init__(self, app):
        self.app = app
        self.rng = random.Random(7)
        self.agent, self.teacher, self.reader = app.test_client(), app.test_client(), app.test_client()
        self.agent_csrf = _login(self.agent, "central@exempelkommun.se")
        self.teacher_csrf = _login(self.teacher, "larare.ekback@exempelkommun.se")
        page = self.agent.get("/tickets/queue?tier=central").get_data(as_text=True)
        self.ticket_ids = [int(t) for t in TICKET_LINK.findall(page)] or [1]
        self.next_page = None
        self.cpu, self.wall = defaultdict(float), defaultdict(float)
        self.queries, self.n = defaultdict(int), defaultdict(int)

    def _one(self, name: str, call):
        count = [0]

        def counter(*_a, **_k):
            count[0] += 1
        from helpdesk.extensions import db

        with self.app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        c0, w0 = time.process_time(), time.perf_counter()
        try:
            answer = call()
        finally:
            used = time.process_time() - c0
            self.wall[name] += time.perf_counter() - w0
            event.remove(engine, "before_cursor_execute", counter)
        assert answer.status_code < 400, (name, answer.status_code)
        self.cpu[name] += used
        self.queries[name] += count[0]
        self.n[name] += 1
        return answer

    def step(self):
        rng = self.rng
        who = rng.choices(list(PEOPLE), weights=list(PEOPLE.values()))[0]
        what = rng.choices(list(TASKS[who]), weights=list(TASKS[who].values()))[0]
        getattr(self, f"{who}_{what}")()

    def _search(self, client, csrf):
        self._one("POST /search/", lambda: client.post(
            "/search/", data={"q": self.rng.choice(QUESTIONS), "csrf_token": csrf}))

    def agent_queue(self):
        if self.next_page and self.rng.random() < 0.4:
            url, name = self.next_page, "GET /tickets/queue (next page)"
        else:
            url, name = "/tickets/queue?tier=central", "GET /tickets/queue"
        found = NEXT_PAGE.search(self._one(name, lambda: self.agent.get(url)).get_data(as_text=True))
        self.next_page = found.group(1).replace("&amp;", "&") if found else None

    def agent_ticket(self):
        ticket_id = self.rng.choice(self.ticket_ids)
        self._one("GET /tickets/<id>", lambda: self.agent.get(f"/tickets/{ticket_id}"))

    def agent_reply(self):
        ticket_id = self.rng.choice(self.ticket_ids)
        self._one("POST /tickets/<id>/reply", lambda: self.agent.post(
            f"/tickets/{ticket_id}/reply",
            data={"body": f"Vi tittar på det. {uuid.uuid4().hex}", "csrf_token": self.agent_csrf}))

    def agent_search(self):
        self._search(self.agent, self.agent_csrf)

    def teacher_search(self):
        self._search(self.teacher, self.teacher_csrf)

    def teacher_mine(self):
        self._one("GET /tickets/mine", lambda: self.teacher.get("/tickets/mine"))

    def teacher_file(self):
        form = self._one("GET /tickets/new", lambda: self.teacher.get("/tickets/new")).get_data(as_text=True)
        where = WHERE.search(form)
        where = (where.group(1) or where.group(2)) if where else ""
        self._one("POST /tickets/new", lambda: self.teacher.post("/tickets/new", data={
            "subject": "Kan inte se schemat för klassen", "body": "Schemat är tomt sedan i morse.",
            "category": "usage", "where": where, "action": "file", "shown": "0",
            "csrf_token": self.teacher_csrf}))

    def reader_kb(self):
        self._one("GET /kb/", lambda: self.reader.get("/kb/"))

    def reader_livez(self):
        self._one("GET /livez", lambda: self.reader.get("/livez"))


def main() -> None:
    from bench.bench_load import _build_database
    from helpdesk import create_app

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        url = os.environ.get("MIX_DATABASE_URL") or f"sqlite:///{tmp / 'mix.sqlite'}"
        _build_database(url, tmp)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "", "SECRET_KEY": "bench-mix",
                          "MAIL_DROP_DIR": str(tmp / "mail"), "SEARCH_INDEX_DIR": str(tmp / "idx"),
                          "UPLOAD_DIR": str(tmp / "up"), "RATELIMIT_ENABLED": False},
                         instance_path=str(tmp / "instance"))
        mix = _Mix(app)
        for _ in range(100):  # warm: templates compiled, statements cached, pages kept
            mix.step()
        mix.cpu.clear(), mix.wall.clear(), mix.queries.clear(), mix.n.clear()
        profile = cProfile.Profile() if os.environ.get("MIX_PROFILE") else None
        print(f"load {os.getloadavg()[0]:.2f}; {REQUESTS} steps of the mix", flush=True)
        if profile:
            profile.enable()
        for _ in range(REQUESTS):
            mix.step()
        if profile:
            profile.disable()
        total_cpu, total_n = sum(mix.cpu.values()), sum(mix.n.values())
        # Wall beside CPU: one worker serves one request at a time, so what it waits for (a
        # sync of the database's log, the disk) holds the next request as much as its CPU does.
        print(f"{'endpoint':34} {'n':>6} {'CPU ms':>8} {'wall ms':>8} {'share':>6} {'queries':>8}")
        for name in sorted(mix.cpu, key=lambda k: -mix.cpu[k]):
            print(f"{name:34} {mix.n[name]:6d} {1000 * mix.cpu[name] / mix.n[name]:8.1f} "
                  f"{1000 * mix.wall[name] / mix.n[name]:8.1f} "
                  f"{100 * mix.cpu[name] / total_cpu:5.0f}% {mix.queries[name] / mix.n[name]:8.1f}")
        print(f"mix: {1000 * total_cpu / total_n:.1f} ms CPU, {1000 * sum(mix.wall.values()) / total_n:.1f} ms "
              f"wall a request over {total_n} requests (load {os.getloadavg()[0]:.2f})")
        if profile:
            stats = pstats.Stats(profile)
            if os.environ.get("MIX_PROFILE_OUT"):
                stats.dump_stats(os.environ["MIX_PROFILE_OUT"])
            stats.sort_stats("cumulative").print_stats(int(os.environ.get("MIX_PROFILE_TOP", "60")))
            stats.sort_stats("tottime").print_stats(40)
        from helpdesk.extensions import db

        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
