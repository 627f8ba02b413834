"""The versioned JSON API under /api/v1. Capabilities add their routes to `api` from
their own `api.py`; this module holds the shared pieces: auth, JSON parsing, errors."""
from __future__ import annotations

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app) -> None:
    from helpdesk.api import core  # noqa: F401  (registers the core routes on `api`)

    app.register_blueprint(api)
