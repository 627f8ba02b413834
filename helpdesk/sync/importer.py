"""The nightly SS 12000 import's runs: read and check the export, plan every organisation,
hold a destructive run for central, apply the rest; and confirming a held run.

- Everything is read and checked first, so a malformed export changes nothing.
- Every organisation is planned before anything is written (planning.py, applying.py's
  `prepare`). A run that would deactivate more than `SYNC_MAX_REMOVAL_SHARE` of an
  organisation's synced people or groups changes nothing, is marked held for review and
  tells central (the sync page and an e-mail); `confirm_held_run` applies it once the
  export is the same and the plan still is what central was shown.
- One transaction per organisation, one import at a time (a lease).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk import leases
from helpdesk.extensions import db
from helpdesk.sync.applying import OrgImport, kinds_in
from helpdesk.sync.models import SyncRun, SyncRunStatus
from helpdesk.sync.planning import Changes, distribute
from helpdesk.sync.reader import MalformedExport, fingerprint, read_export
from helpdesk.sync.report import Report

# One import at a time. The lease is renewed after each organisation; should the process
# die, the next import may start once it has run out.
IMPORT_LEASE = "sync-import"
LEASE_TIME = timedelta(minutes=15)


class SyncBusy(RuntimeError):
    """Another import is running: two at once would race on the same rows."""


class ConfirmRefused(RuntimeError):
    """A held run cannot be applied as it was shown; nothing was changed."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass
class ImportResult:
    report: Report
    run: SyncRun | None
    dry_run: bool
    plan: list[Changes] = field(default_factory=list)
    held: list[Changes] = field(default_factory=list)


def _now():
    return datetime.now(timezone.utc)


def run_import(path, *, dry_run: bool = False, full: bool = False) -> ImportResult:
    """Read, check, plan and apply an export; one committed transaction per organisation.

    With dry_run everything is worked out and rolled back, and no run is recorded.
    Raises MalformedExport (after recording a failed run) when the export is malformed.
    A run over the removal threshold is returned held (result.held), having changed nothing.
    """
    report = Report()
    if dry_run:
        return _apply(None, path, full, report, dry_run=True)
    _take_lease()
    try:
        run = SyncRun(source=str(path)[:500], status=SyncRunStatus.RUNNING, full=full)
        db.session.add(run)
        db.session.commit()
        return _apply(run, path, full, report, max_share=current_app.config["SYNC_MAX_REMOVAL_SHARE"])
    finally:
        db.session.rollback()
        leases.release(IMPORT_LEASE)


def confirm_held_run(run_id: int, confirmed_by=None) -> ImportResult:
    """Apply a run held for review, as central was shown it.

    Refused (ConfirmRefused, nothing changed) when the run is not held, its export has changed
    since, or the directory has changed so that the plan is no longer the one that was held."""
    _take_lease()
    try:
        run = db.session.get(SyncRun, run_id)
        if run is None or run.status is not SyncRunStatus.HELD:
            raise ConfirmRefused(_l("Sync run %(id)s is not waiting for confirmation.", id=run_id))
        try:
            same = fingerprint(run.source) == run.fingerprint
        except OSError:
            same = False
        if not same:
            raise ConfirmRefused(_l("The export of sync run %(id)s has changed or is gone since it was held; "
                                    "nothing was changed. Run the import again.", id=run_id))
        run.confirmed_by_id = getattr(confirmed_by, "id", None)
        run.confirmed_at = _now()
        return _apply(run, run.source, run.full, Report(), expected=run.plan)
    finally:
        db.session.rollback()
        leases.release(IMPORT_LEASE)


def _take_lease() -> None:
    if not leases.acquire(IMPORT_LEASE, LEASE_TIME):
        busy = db.session.scalar(select(SyncRun.id).where(SyncRun.status == SyncRunStatus.RUNNING)
                                 .order_by(SyncRun.id.desc()))
        raise SyncBusy(f"sync run {busy} is still running; try again when it has finished")
    _close_abandoned_runs()


def _close_abandoned_runs() -> None:
    """Runs still marked running when the lease is free were left by a process that died."""
    for stale in db.session.scalars(select(SyncRun).where(SyncRun.status == SyncRunStatus.RUNNING)):
        stale.status, stale.finished_at = SyncRunStatus.FAILED, _now()
        stale.error = "the import stopped without finishing (its process ended)"


def _removals(plan: list[dict] | None) -> list:
    return sorted((p["organisation_id"] or 0, p["persons"]["deactivated"], p["groups"]["deactivated"])
                  for p in plan or ())


def _apply(run: SyncRun | None, path, full: bool, report: Report, *, dry_run: bool = False,
           max_share: float | None = None, expected: list | None = None) -> ImportResult:
    try:
        digest = fingerprint(path) if run is not None else None
        export = read_export(path)
        kinds = kinds_in(export)
        jobs = [OrgImport(plan, export, report, run.id if run else None, full, kinds)
                for plan in distribute(export, report)]
        plan = [job.prepare() for job in jobs]
        held = [c for c in plan if max_share is not None and c.too_destructive(max_share)]
        if run is not None:
            run.plan, run.fingerprint = [c.as_dict() for c in plan], digest
            run.organisation_ids = sorted({c.organisation_id for c in plan if c.organisation_id is not None})
            if expected is not None and _removals(run.plan) != _removals(expected):
                raise ConfirmRefused(_l("The directory has changed since sync run %(id)s was held, so it would "
                                        "not do what was shown; nothing was changed. Run the import again.",
                                        id=run.id))
        if held:
            return _hold(run, report, plan, held)
        if run is not None:
            run.status = SyncRunStatus.RUNNING
            db.session.commit()
        org_ids = []
        for job in jobs:
            job.apply()
            org_ids.append(job.org.id)
            if dry_run:
                db.session.flush()
            else:
                db.session.commit()
                leases.acquire(IMPORT_LEASE, LEASE_TIME)  # still working: renew
        if dry_run:
            db.session.rollback()
    except (MalformedExport, FileNotFoundError, ConfirmRefused) as exc:
        db.session.rollback()
        if run is not None and not isinstance(exc, ConfirmRefused):
            _failed(run, str(exc), report)
        raise
    except Exception as exc:
        db.session.rollback()
        if run is not None:
            _failed(run, f"{type(exc).__name__}: {exc}", None)
        raise
    if run is not None:
        # An organisation is listed once however many plans or records led to it.
        run.organisation_ids = list(dict.fromkeys(org_ids))
        run.status, run.finished_at = SyncRunStatus.OK, _now()
        run.counts, run.warnings = report.plain_counts(), report.warnings
        db.session.commit()
    return ImportResult(report, run, dry_run, plan)


def _failed(run: SyncRun, error: str, report: Report | None) -> None:
    run = db.session.get(SyncRun, run.id)
    run.status, run.error, run.finished_at = SyncRunStatus.FAILED, error[:2000], _now()
    if report is not None:
        run.counts, run.warnings = report.plain_counts(), report.warnings
    db.session.commit()


def _hold(run: SyncRun, report: Report, plan: list[Changes], held: list[Changes]) -> ImportResult:
    """Nothing was written: keep the plan with the run and tell central."""
    from helpdesk.sync.held import tell_central

    run.status, run.finished_at = SyncRunStatus.HELD, _now()
    run.warnings = report.warnings
    tell_central(run, held)
    db.session.commit()
    return ImportResult(report, run, False, plan, held)
