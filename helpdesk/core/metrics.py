"""Metrics for Prometheus at /metrics, when METRICS_ENABLED is set.

What is measured where it happens (requests per endpoint and their latency in the web
workers, job runs and their durations in the job runner) uses prometheus_client's counters and
histograms; with several processes (gunicorn workers, the job runner) set
PROMETHEUS_MULTIPROC_DIR to one shared, empty folder and /metrics adds them up. Backlogs (the
outbox, the search index's lag, sync runs) are read from the database at scrape time, so every
worker reports the same truth.

Labels are endpoint names (`tickets.view`), never paths: a path carries ids, and a search
page's query string must never reach a metric.
"""
from __future__ import annotations

import os
import time

from flask import Response, abort, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import func, select

from helpdesk.extensions import db

REQUESTS = Counter("helpdesk_requests_total", "HTTP requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram("helpdesk_request_seconds", "Time to answer a request", ["endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
JOB_RUNS = Counter("helpdesk_job_runs_total", "Periodic job runs", ["job", "outcome"])
JOB_SECONDS = Histogram("helpdesk_job_seconds", "Time a periodic job took", ["job"],
                        buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300))


def job_ran(name: str, seconds: float, failed: bool) -> None:
    JOB_RUNS.labels(job=name, outcome="failed" if failed else "ok").inc()
    JOB_SECONDS.labels(job=name).observe(seconds)


class BacklogCollector:
    """Gauges read from the database when Prometheus scrapes."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        from helpdesk.notify.models import OutboxMail
        from helpdesk.search.models import IndexOutbox
        from helpdesk.sync.models import SyncRun

        with self.app.app_context():
            unsent = db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.sent_at.is_(None)))
            waiting, oldest = db.session.execute(
                select(func.count(IndexOutbox.id), func.min(IndexOutbox.created_at))).one()
            runs = db.session.execute(select(SyncRun.status, func.count(SyncRun.id)).group_by(SyncRun.status)).all()
            db.session.remove()
        yield GaugeMetricFamily("helpdesk_outbox_unsent", "Mails waiting in the outbox", value=unsent or 0)
        yield GaugeMetricFamily("helpdesk_search_outbox", "Changes waiting for the search index", value=waiting or 0)
        lag = 0.0
        if oldest is not None:
            from helpdesk.models_base import utcnow

            lag = max(0.0, (utcnow() - oldest).total_seconds())
        yield GaugeMetricFamily("helpdesk_search_lag_seconds", "Age of the oldest change not yet searchable",
                                value=lag)
        by_status = GaugeMetricFamily("helpdesk_sync_runs", "Sync runs by status", labels=["status"])
        for status, count in runs:
            by_status.add_metric([getattr(status, "value", str(status))], count)
        yield by_status


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _count(response):
    started = g.pop("metrics_started", None)
    endpoint = request.endpoint or "unmatched"
    if started is not None:
        LATENCY.labels(endpoint=endpoint).observe(time.perf_counter() - started)
    REQUESTS.labels(endpoint=endpoint, method=request.method, status=str(response.status_code)).inc()
    return response


def init_app(app) -> None:
    if not app.config.get("METRICS_ENABLED"):
        return
    app.before_request(_start_timer)
    app.after_request(_count)
    backlog = BacklogCollector(app)

    @app.get("/metrics")
    def metrics():
        allowed = current_app.config.get("METRICS_ALLOWED_ADDRESSES")
        if allowed and request.remote_addr not in allowed:
            abort(404)  # as if there were no such page
        registry = CollectorRegistry()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            multiprocess.MultiProcessCollector(registry)
        else:
            for collector in (REQUESTS, LATENCY, JOB_RUNS, JOB_SECONDS):
                registry.register(_Only(collector))
        registry.register(backlog)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


class _Only:
    """One process's own metric, registered into the scrape's registry."""

    def __init__(self, metric):
        self.metric = metric

    def collect(self):
        return self.metric.collect()
