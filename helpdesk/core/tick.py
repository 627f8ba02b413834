"""The periodic work: `flask --app helpdesk tick` runs it once (for cron), `flask --app
helpdesk jobs` runs it again and again as a job runner beside the web server (`make run`
starts one).

Capabilities add jobs (SLA escalation, the search indexer, ...) with `add_tick_job`; the
outbox is sent last, so mail written by the jobs leaves in the same run. Every job must be
safe when two ticks run at once (row locks, SKIP LOCKED, or an idempotent update).
"""
from __future__ import annotations

from collections.abc import Callable

import logging
import re
import signal
import threading
import time

import click
from flask.cli import with_appcontext

from helpdesk.extensions import db

log = logging.getLogger(__name__)

_JOBS: list[tuple[int, str, Callable[[], str | None]]] = []
# Jobs the job runner runs in a thread of their own, every so many seconds (the setting
# named here), rather than in its rounds: the search indexer, so that a new article is
# searchable within seconds whatever the other jobs take.
_OWN_PACE: dict[str, str] = {}


def add_tick_job(order: int, name: str, job: Callable[[], str | None], *,
                 interval_setting: str | None = None) -> None:
    if all(n != name for _, n, _ in _JOBS):
        _JOBS.append((order, name, job))
    if interval_setting:
        _OWN_PACE[name] = interval_setting


def run_tick(*, keep_going: bool = False, skip: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Run every job once, then send the outbox. A failing job is rolled back; with
    `keep_going` (the job runner) the others still run and the report says which failed,
    so one broken job does not stop the mail or the indexer."""
    from helpdesk.notify.sender import send_pending

    from helpdesk.core.metrics import job_ran

    report = []
    for _order, name, job in sorted(_JOBS, key=lambda j: j[0]):
        if name in skip:
            continue
        started = time.monotonic()
        try:
            outcome = job()
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            job_ran(name, time.monotonic() - started, failed=True)
            if not keep_going:
                raise
            log.exception("periodic job %s failed", name)
            outcome = f"failed: {type(exc).__name__}"
        else:
            job_ran(name, time.monotonic() - started, failed=False)
        report.append((name, outcome or "done"))
    sent, failed = send_pending(limit=1000)
    report.append(("mail", f"sent {sent}, left for retry {failed}"))
    return report


@click.command("tick")
@with_appcontext
def tick_command():
    """Run the periodic jobs once."""
    for name, outcome in run_tick():
        click.echo(f"{name}: {outcome}")


def _worth_saying(outcome: str) -> bool:
    # Every few seconds most jobs find nothing to do; the console shows only work done and
    # failures ("failed: ..." from run_tick; a count such as "failed 0" is not one).
    return "failed:" in outcome or any(int(n) for n in re.findall(r"\d+", outcome))


def run_jobs(interval: float, *, stop: threading.Event, rounds: int | None = None,
             echo: Callable[[str], None] = click.echo) -> int:
    """Tick every `interval` seconds until `stop` is set (or `rounds` ticks have run).

    Several runners (on one host or several) may run at once: every job is safe under
    concurrency (leases, row locks, idempotent updates), so a second runner only repeats
    work that finds nothing left to do. Returns the number of ticks run."""
    from flask import current_app

    app = current_app._get_current_object()
    paced = {name: job for _, name, job in _JOBS if name in _OWN_PACE}
    halt = threading.Event()  # the paced jobs stop with the rounds
    threads = [threading.Thread(target=_run_paced, name=f"job: {name}", daemon=True,
                                args=(app, name, job, float(app.config.get(_OWN_PACE[name]) or interval),
                                      halt, echo)) for name, job in paced.items()]
    for thread in threads:
        thread.start()
    try:
        return _run_rounds(app, interval, stop=stop, rounds=rounds, echo=echo, skip=frozenset(paced))
    finally:
        halt.set()
        for thread in threads:
            thread.join()


def _run_paced(app, name: str, job: Callable[[], str | None], interval: float,
               stop: threading.Event, echo: Callable[[str], None]) -> None:
    """One job on its own, every `interval` seconds until `stop` (first at once)."""
    from helpdesk.core.metrics import job_ran

    while True:
        started = time.monotonic()
        with app.app_context():
            try:
                outcome = job() or "done"
                db.session.commit()
                job_ran(name, time.monotonic() - started, failed=False)
            except Exception as exc:
                db.session.rollback()
                job_ran(name, time.monotonic() - started, failed=True)
                log.exception("periodic job %s failed", name)
                outcome = f"failed: {type(exc).__name__}"
        if _worth_saying(outcome):
            echo(f"{name}: {outcome}")
        if stop.wait(max(0.0, interval - (time.monotonic() - started))):
            return


def _run_rounds(app, interval: float, *, stop: threading.Event, rounds: int | None,
                echo: Callable[[str], None], skip: frozenset[str]) -> int:
    done = 0
    while not stop.is_set() and (rounds is None or done < rounds):
        started = time.monotonic()
        # A fresh app context (and database session) per round: nothing read in one round
        # lingers into the next, and a broken connection is replaced.
        with app.app_context():
            try:
                for name, outcome in run_tick(keep_going=True, skip=skip):
                    if _worth_saying(outcome):
                        echo(f"{name}: {outcome}")
            except Exception:  # the outbox or the database itself: try again next round
                db.session.rollback()
                log.exception("periodic work failed; trying again in %s s", interval)
        done += 1
        if rounds is not None and done >= rounds:
            break  # no wait after the last round
        stop.wait(max(0.0, interval - (time.monotonic() - started)))
    return done


@click.command("jobs")
@click.option("--interval", type=click.FloatRange(min=1), default=None,
              help="Seconds between rounds (default: the JOBS_INTERVAL setting).")
@click.option("--rounds", type=click.IntRange(min=1), default=None, help="Stop after this many rounds.")
@with_appcontext
def jobs_command(interval: float | None, rounds: int | None):
    """Run the periodic jobs again and again (the job runner) until stopped."""
    from flask import current_app

    interval = interval or float(current_app.config["JOBS_INTERVAL"])
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"Job runner: the periodic jobs run every {interval:g} s "
               f"({', '.join(name for _, name, _ in sorted(_JOBS, key=lambda j: j[0]))}, mail).")
    run_jobs(interval, stop=stop, rounds=rounds)
    click.echo("Job runner stopped.")
