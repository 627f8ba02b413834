"""Gunicorn settings for the grown deployment (gunicorn reads this file from the working
directory): the access log gets no search words, tokens or civic numbers (see
helpdesk/core/accesslog.py).

WEB_PRELOAD=1 builds the app once in the master and forks the workers from it: the pages
holding the code and the app (most of a fresh worker's ~90 MB) are then shared between the
workers until one writes to them, so four workers cost much less than four times one (see the
README, "Running it for real"). The catch: `systemctl reload` (HUP) re-forks workers from the
master's old code, so a deploy with new code needs a restart.
"""
import os

preload_app = os.environ.get("WEB_PRELOAD", "") == "1"


def pre_fork(server, worker):
    # With the app preloaded, everything the master holds moves out of the garbage collector's
    # reach before each fork, so a collection in a worker does not write to (and so copy)
    # every shared page by touching the objects' headers.
    if preload_app:
        import gc

        gc.freeze()


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
