"""`flask --app helpdesk tick`: the periodic work, run by cron every few minutes.

Capabilities add jobs (SLA escalation, the search indexer, ...) with `add_tick_job`; the
outbox is sent last, so mail written by the jobs leaves in the same run. Every job must be
safe when two ticks run at once (row locks, SKIP LOCKED, or an idempotent update).
"""
from __future__ import annotations

from collections.abc import Callable

import click

from helpdesk.extensions import db

_JOBS: list[tuple[int, str, Callable[[], str | None]]] = []


def add_tick_job(order: int, name: str, job: Callable[[], str | None]) -> None:
    if all(n != name for _, n, _ in _JOBS):
        _JOBS.append((order, name, job))


def run_tick() -> list[tuple[str, str]]:
    from helpdesk.notify.sender import send_pending

    report = []
    for _order, name, job in sorted(_JOBS, key=lambda j: j[0]):
        try:
            outcome = job()
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        report.append((name, outcome or "done"))
    sent, failed = send_pending(limit=1000)
    report.append(("mail", f"sent {sent}, left for retry {failed}"))
    return report


@click.command("tick")
def tick_command():
    """Run the periodic jobs once."""
    for name, outcome in run_tick():
        click.echo(f"{name}: {outcome}")
