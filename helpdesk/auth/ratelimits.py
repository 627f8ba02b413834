"""Limits on guessing passwords that a whole school behind one address can live with.

Only FAILED attempts count (a wrong password, a wrong activation code); a successful login
never does, so thirty teachers logging in at 08:00 from one NAT address are never refused:

- per client address: `LOGIN_ADDRESS_RATE_LIMIT` (100 per 5 minutes), against one address
  guessing across many accounts;
- per account: `LOGIN_ACCOUNT_RATE_LIMIT` (10 per 15 minutes). The failure that fills it locks
  the account's logins for the window; each further lock within a day lasts twice as long
  (15, 30, 60 minutes ... at most `LOGIN_LOCKOUT_MAX_MINUTES`), the growing delay. While
  locked even the right password is refused, so the lock cannot be guessed around. A
  successful login clears the account's count.

Password-reset requests count every request in their own buckets with the same limits (they
answer the same for known and unknown addresses, so counting must not depend on which).
Counts live in `RATELIMIT_STORAGE_URI` (memory, or Redis shared by every worker); account keys
hold a hash of the address, never the address itself. A refusal is a 429 that says how long
to wait, with `Retry-After`.
"""
from __future__ import annotations

import hashlib
import logging
import math
import time
from functools import wraps

from flask import current_app, g, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from helpdesk.auth.services import normalise_email
from helpdesk.extensions import _client_address

log = logging.getLogger(__name__)

LOGIN = "login"
RESET = "reset"
_STRIKES_KEEP = 24 * 3600  # repeated lockouts grow for a day, then start over


def _submitted_email() -> str:
    email = request.form.get("email")
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    return normalise_email(email if isinstance(email, str) else "")


class LoginGuard:
    """The counters of one app, in the app's rate-limit storage."""

    def __init__(self, app):
        self.storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
        self.strategy = FixedWindowRateLimiter(self.storage)
        self.prefix = app.config.get("RATELIMIT_KEY_PREFIX") or "helpdesk"
        self.address_item = parse(app.config["LOGIN_ADDRESS_RATE_LIMIT"])
        self.account_item = parse(app.config["LOGIN_ACCOUNT_RATE_LIMIT"])
        self.max_lock = int(app.config["LOGIN_LOCKOUT_MAX_MINUTES"]) * 60

    def _ids(self, kind: str, what: str, value: str) -> tuple[str, ...]:
        return (self.prefix, f"{kind}-{what}", value)

    def _key(self, kind: str, what: str, value: str) -> str:
        return "/".join(("helpdesk-login",) + self._ids(kind, what, value))

    def refusal(self, kind: str, address: str, account: str) -> int | None:
        """Seconds to wait when this attempt must be refused, else None."""
        now = time.time()
        lock = self._key(kind, "lock", account)
        if self.storage.get(lock) > 0:
            return max(1, math.ceil(self.storage.get_expiry(lock) - now))
        for item, what, value in ((self.account_item, "account", account),
                                  (self.address_item, "address", address)):
            ids = self._ids(kind, what, value)
            if not self.strategy.test(item, *ids):
                return max(1, math.ceil(self.strategy.get_window_stats(item, *ids).reset_time - now))
        return None

    def failed(self, kind: str, address: str, account: str) -> None:
        self.strategy.hit(self.address_item, *self._ids(kind, "address", address))
        ids = self._ids(kind, "account", account)
        self.strategy.hit(self.account_item, *ids)
        if self.strategy.get_window_stats(self.account_item, *ids).remaining > 0:
            return
        strikes = self.storage.incr(self._key(kind, "strikes", account), _STRIKES_KEEP)
        seconds = min(self.account_item.get_expiry() * 2 ** (max(strikes, 1) - 1), self.max_lock)
        lock = self._key(kind, "lock", account)
        self.storage.clear(lock)
        self.storage.incr(lock, max(seconds, 1))
        # The lock now holds the account; a fresh window waits behind it.
        self.strategy.clear(self.account_item, *ids)

    def succeeded(self, kind: str, account: str) -> None:
        self.strategy.clear(self.account_item, *self._ids(kind, "account", account))
        self.storage.clear(self._key(kind, "strikes", account))


def _guard() -> LoginGuard | None:
    app = current_app._get_current_object()
    if not app.config.get("RATELIMIT_ENABLED", True):
        return None
    guard = app.extensions.get("helpdesk_login_guard")
    if guard is None:
        guard = app.extensions["helpdesk_login_guard"] = LoginGuard(app)
    return guard


def _account() -> str:
    # A hash: the counters need to tell accounts apart, not to know their addresses.
    return hashlib.sha256(_submitted_email().encode()).hexdigest()[:32]


def _safely(action, *args):
    """A broken counter store must not lock everybody out or end in a 500: log and go on."""
    try:
        return action(*args)
    except Exception:  # noqa: BLE001  (any storage error: Redis down, timeout, ...)
        log.warning("login rate limit storage failed; the attempt was let through", exc_info=True)
        return None


def failed() -> None:
    """Count a failed attempt of this request (call from a view under `login_limits`)."""
    guard, kind = _guard(), g.get("login_limit_kind")
    if guard is not None and kind:
        _safely(guard.failed, kind, _client_address(), _account())


def succeeded() -> None:
    """A successful login: the account's count starts over (the address count stays)."""
    guard, kind = _guard(), g.get("login_limit_kind")
    if guard is not None and kind:
        _safely(guard.succeeded, kind, _account())


def login_limits(view=None, *, kind: str = LOGIN, count_every_request: bool = False):
    """Refuse a POST while its address or account is over the limit (429 + Retry-After).

    The view reports a failure with `failed()`; with `count_every_request` (the reset form)
    every POST counts, whatever it found."""

    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            if request.method != "POST":
                return fn(*args, **kwargs)
            g.login_limit_kind = kind
            guard = _guard()
            if guard is not None:
                wait = _safely(guard.refusal, kind, _client_address(), _account())
                if wait:
                    raise TooManyRequests(retry_after=wait)
            if count_every_request:
                failed()
            return fn(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
