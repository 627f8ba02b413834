"""Gunicorn settings for the grown deployment (gunicorn reads this file from the working
directory): the access log gets no search words, tokens or civic numbers (see
helpdesk/core/accesslog.py)."""


def post_worker_init(worker):
    # In the worker, after the app is loaded, so the filter knows the app's token routes.
    from helpdesk.core.accesslog import install_on

    install_on("gunicorn.access")
