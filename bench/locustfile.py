"""The mixed traffic of the load test (bench/bench_load.py starts locust with this file).

Three kinds of people, weighted as a school day looks: agents working the queue (queue
pages, ticket pages, replies), teachers and guardians searching and filing, and readers of
the help pages. Every request goes through the real login and CSRF token, like a browser.
Each reply carries a marker that bench_load.py looks for in the database afterwards, so a
reply lost under load shows up as a number, not a guess.

The load is offered, not hammered: each person starts a task at most LOAD_PACE times a second
(locust's `constant_throughput`; bench_load.py sets it to the target rate over the number of
people), so the figures answer "how fast at 50 requests a second", and a server that cannot
keep up shows as an achieved rate below the offered one.
"""
from __future__ import annotations

import os
import random
import uuid

from locust import HttpUser, between, constant_throughput, task

from bench.pages import CSRF, NEXT_PAGE, TICKET_LINK, WHERE

MARKER = os.environ.get("LOAD_MARKER", "load-marker")
REPLIES_LOG = os.environ.get("LOAD_REPLIES_LOG", "/dev/null")
PACE = float(os.environ.get("LOAD_PACE", "1"))  # tasks a second per person
QUESTIONS = ["inloggning", "byta namn på klass", "vårdnadshavare", "lösenord", "mentor",
             "schema", "frånvaro", "bankid", "arbetslag", "närvaro"]


class _Person(HttpUser):
    abstract = True
    email = ""

    def on_start(self):
        page = self.client.get("/login", name="/login")
        token = CSRF.search(page.text).group(1)
        self.client.post("/login", data={"email": self.email, "password": "demo", "csrf_token": token},
                         name="/login", allow_redirects=False)
        self.csrf = CSRF.search(self.client.get("/", name="/").text)
        self.csrf = self.csrf.group(1) if self.csrf else token

    def _search(self):
        self.client.post("/search/", data={"q": random.choice(QUESTIONS), "csrf_token": self.csrf},
                         name="/search/")


class Agent(_Person):
    """Central admin of the demo municipality, working its queue."""
    weight = 3
    wait_time = constant_throughput(PACE)
    email = "central@exempelkommun.se"
    ticket_ids: list[int] = []
    next_page: str | None = None

    def on_start(self):
        super().on_start()
        found = TICKET_LINK.findall(self.client.get("/tickets/queue?tier=central", name="/tickets/queue").text)
        self.ticket_ids = [int(t) for t in found] or [1]

    @task(5)
    def queue(self):
        """The first page mostly; otherwise the next page after the last one read, by the
        page's own keyset link (`after=`), as an agent paging through would."""
        if self.next_page and random.random() < 0.4:
            url, name = self.next_page, "/tickets/queue (next page)"
        else:
            url, name = "/tickets/queue?tier=central", "/tickets/queue"
        found = NEXT_PAGE.search(self.client.get(url, name=name).text)
        self.next_page = found.group(1).replace("&amp;", "&") if found else None

    @task(6)
    def ticket(self):
        self.client.get(f"/tickets/{random.choice(self.ticket_ids)}", name="/tickets/<id>")

    @task(2)
    def reply(self):
        ticket_id = random.choice(self.ticket_ids)
        marker = f"{MARKER}-{uuid.uuid4().hex}"
        answer = self.client.post(f"/tickets/{ticket_id}/reply", name="/tickets/<id>/reply",
                                  data={"body": f"Vi tittar på det. {marker}", "csrf_token": self.csrf},
                                  allow_redirects=False)
        if answer.status_code in (302, 303):
            with open(REPLIES_LOG, "a", encoding="utf-8") as log:
                log.write(marker + "\n")

    @task(1)
    def search(self):
        self._search()


class Teacher(_Person):
    """A teacher: searches the help pages, sometimes files a question. Not Norrskolan's
    teacher, whom bench_tickets makes the requester of all 100,000 tickets."""
    weight = 2
    wait_time = constant_throughput(PACE)
    email = "larare.ekback@exempelkommun.se"

    @task(4)
    def search(self):
        self._search()

    @task(2)
    def mine(self):
        self.client.get("/tickets/mine", name="/tickets/mine")

    @task(1)
    def file(self):
        form = self.client.get("/tickets/new", name="/tickets/new").text
        where = WHERE.search(form)
        where = (where.group(1) or where.group(2)) if where else ""
        # `shown` says the suggestions were seen, so the question is sent in one step.
        self.client.post("/tickets/new", name="/tickets/new (file)", allow_redirects=False, data={
            "subject": "Kan inte se schemat för klassen", "body": "Schemat är tomt sedan i morse.",
            "category": "usage", "where": where, "action": "file", "shown": "0", "csrf_token": self.csrf})


class Reader(HttpUser):
    """Someone reading the public help pages without logging in."""
    weight = 1
    wait_time = constant_throughput(PACE)

    # Not `start`: a task of that name hides HttpUser.start(), and locust's spawner then fails
    # on the first Reader, so no reader (nor anyone spawned after it) ever made a request.
    @task(3)
    def help_pages(self):
        self.client.get("/kb/", name="/kb/")

    @task(1)
    def livez(self):
        self.client.get("/livez", name="/livez")


class Floor(HttpUser):
    """Only /livez, as fast as it answers: the floor the heaviest page is compared with.
    Chosen by name only (`locust ... Floor`), by bench_load.py's second run."""
    wait_time = between(0, 0)

    @task
    def livez(self):
        self.client.get("/livez", name="/livez")


class HeaviestPage(_Person):
    """The central queue page only, as fast as it answers (bench_load.py's third run)."""
    wait_time = between(0, 0)
    email = "central@exempelkommun.se"

    def on_start(self):
        # Log in without the start page: it only reads, so needs no token, and eight start
        # pages (the dashboard's counts) plus eight password hashes took the whole 15 s window
        # on a loaded machine, leaving no queue page measured.
        token = CSRF.search(self.client.get("/login", name="/login").text).group(1)
        self.client.post("/login", data={"email": self.email, "password": "demo", "csrf_token": token},
                         name="/login", allow_redirects=False)

    @task
    def queue(self):
        self.client.get("/tickets/queue?tier=central", name="/tickets/queue")


class HeaviestPageRendered(HeaviestPage):
    """The same page rendered every time: an argument the page ignores makes each address
    new to the kept pages (queue_cache.py), as after a change to a ticket (bench_load.py's
    fourth run)."""

    @task
    def queue(self):
        self.client.get(f"/tickets/queue?tier=central&n={uuid.uuid4().hex}", name="/tickets/queue (rendered)")
