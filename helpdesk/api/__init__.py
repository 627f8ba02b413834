"""The versioned JSON API under /api/v1. Capabilities add their routes to `api` from
their own `api.py`; this module holds the shared pieces: auth, JSON parsing, errors, the
OpenAPI document (openapi.py, from the models in spec.py) and token scopes (tokens.py)."""
from __future__ import annotations

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app) -> None:
    from helpdesk.api import core, openapi, tokens  # noqa: F401  (core and openapi register routes on `api`)

    tokens.init_app(app)
    app.register_blueprint(api)
    app.add_url_rule("/api/docs", "api_docs", openapi.docs)
