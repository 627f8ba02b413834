"""Gunicorn settings for the grown deployment (gunicorn reads this file from the working
directory): the access log gets no search words, tokens or civic numbers (see
helpdesk/core/accesslog.py)."""


def post_worker_init(worker):
    # In the worker, after the app is loaded, so the filter knows the app's token routes.
    from helpdesk.core.accesslog import install_on

    install_on("gunicorn.access")


def child_exit(server, worker):
    # /metrics adds up every process's files (PROMETHEUS_MULTIPROC_DIR); a dead worker's live
    # gauges must not count any more.
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
