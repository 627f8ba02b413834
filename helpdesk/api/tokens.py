"""The API's auth layer for personal access tokens: scopes and the per-token rate limit.

The one place a token's scope is enforced: before any /api/v1 view runs, the operation's
needed scope (recorded by `@operation`, helpdesk/api/spec.py) is compared with the token's.
The owner's roles are still checked by the services as for every caller, so a token can
never do more than either allows. A session (the browser) has no scope: its roles decide.
"""
from __future__ import annotations

import math
import time

from flask import current_app, g, request
from flask_login import current_user
from flask_babel import lazy_gettext as _l
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from helpdesk.api import api
from helpdesk.api.spec import operation_of
from helpdesk.errors import HelpdeskError

# What each scope includes: admin includes write, write includes read.
IMPLIED = {"read": {"read"}, "write": {"read", "write"}, "admin": {"read", "write", "admin"}}


class InsufficientScope(HelpdeskError):
    status_code = 403
    default_message = _l("This token's scope does not allow that. Create a token with the scope it needs.")


def grants(scopes: str | None, needed: str) -> bool:
    held = set()
    for scope in (scopes or "").split():
        held |= IMPLIED.get(scope, set())
    return needed in held


class _TokenLimit:
    def __init__(self, app):
        self.storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
        self.strategy = FixedWindowRateLimiter(self.storage)
        self.item = parse(app.config["API_TOKEN_RATE_LIMIT"])
        self.prefix = app.config.get("RATELIMIT_KEY_PREFIX") or "helpdesk"

    def wait(self, token_id: int) -> int | None:
        """Seconds to wait when this request is one too many for the token, else None."""
        ids = (self.prefix, "api-token", str(token_id))
        if self.strategy.hit(self.item, *ids):
            return None
        reset = self.strategy.get_window_stats(self.item, *ids).reset_time
        return max(1, math.ceil(reset - time.time()))


def _check_token() -> None:
    if not current_user.is_authenticated:  # loads the caller; a bearer token sets g.api_token
        return
    token = g.get("api_token")
    if token is None:
        return
    limit = current_app.extensions["helpdesk_token_limit"]
    wait = limit.wait(token.id)
    if wait is not None:
        exc = TooManyRequests()
        exc.retry_after = wait
        raise exc
    op = operation_of(current_app.view_functions.get(request.endpoint))
    # A route without a description needs the widest scope: forgetting one never opens it.
    needed = op.scope_for(request.method) if op is not None else "admin"
    if not grants(token.scopes, needed):
        raise InsufficientScope()


api.before_request(_check_token)


def init_app(app) -> None:
    app.extensions["helpdesk_token_limit"] = _TokenLimit(app)
