"""Configuration from environment variables, with safe defaults for the embedded shape."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'helpdesk.sqlite'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def load(instance_path: Path) -> dict:
    instance_path.mkdir(parents=True, exist_ok=True)
    env = os.environ.get
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SEARCH_INDEX_DIR": env("SEARCH_INDEX_DIR") or str(instance_path / "search-index"),
        "UPLOAD_DIR": env("UPLOAD_DIR") or str(instance_path / "uploads"),
        "MAIL_SERVER": env("MAIL_SERVER", ""),
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USERNAME": env("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": env("MAIL_USE_TLS", "") in ("1", "true", "yes"),
        "MAIL_SENDER": env("MAIL_SENDER", "helpdesk@localhost"),
        # The support address; notifications carry it with a signed token in the plus part,
        # so a reply by mail finds its question (helpdesk/notify/reply_address.py). Unset: off.
        "MAIL_REPLY_ADDRESS": env("MAIL_REPLY_ADDRESS", ""),
        # The right-hand side of our Message-IDs: mail coming back with one is our own (a loop).
        "MAIL_MESSAGE_ID_DOMAIN": env("MAIL_MESSAGE_ID_DOMAIN", "helpdesk"),
        # Without an SMTP server (the embedded demo) mail is written as .eml files here.
        "MAIL_DROP_DIR": env("MAIL_DROP_DIR") or str(instance_path / "mail"),
        "PUBLIC_URL": env("PUBLIC_URL", "http://127.0.0.1:5000"),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none,
        # the headers are ignored).
        "TRUSTED_PROXIES": int(env("TRUSTED_PROXIES", "0")),
        # "json": one JSON object per log line, with the request id (else Flask's plain lines).
        "LOG_FORMAT": env("LOG_FORMAT", ""),
        "LOG_LEVEL": env("LOG_LEVEL", "INFO"),
        # /metrics for Prometheus: off unless asked for, and answered only to these addresses.
        "METRICS_ENABLED": env("METRICS_ENABLED", "") in ("1", "true", "yes"),
        "METRICS_ALLOWED_ADDRESSES": tuple(a.strip() for a in env("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1")
                                           .split(",") if a.strip()),
        # Failed attempts only (see helpdesk/auth/ratelimits.py): a school behind one address
        # logs in freely, one account cannot be guessed at.
        "LOGIN_ADDRESS_RATE_LIMIT": env("LOGIN_ADDRESS_RATE_LIMIT", "100 per 5 minutes"),
        "LOGIN_ACCOUNT_RATE_LIMIT": env("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes"),
        "LOGIN_LOCKOUT_MAX_MINUTES": int(env("LOGIN_LOCKOUT_MAX_MINUTES", "60")),
        # Requests per personal access token (helpdesk/api/tokens.py); past it, 429 + Retry-After.
        "API_TOKEN_RATE_LIMIT": env("API_TOKEN_RATE_LIMIT", "600 per minute"),
        # The rendered queue page is kept per viewer, address and language for this many
        # seconds at most (its times left and passed deadlines are as of the start of that
        # window), and only until a ticket or the directory changes (queue_cache.py); 0: off.
        "QUEUE_CACHE_SECONDS": int(env("QUEUE_CACHE_SECONDS", "60")),
        "QUEUE_CACHE_PAGES": int(env("QUEUE_CACHE_PAGES", "128")),  # kept per worker
        "IDLE_TIMEOUT": timedelta(minutes=int(env("IDLE_TIMEOUT_MINUTES", "45"))),
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "") in ("1", "true", "yes"),
        "REMEMBER_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "") in ("1", "true", "yes"),
        "PASSWORD_RESET_TTL": timedelta(hours=1),
        # A guest's follow link stops working this many days after the question closes.
        "GUEST_FOLLOW_LINK_DAYS": int(env("GUEST_FOLLOW_LINK_DAYS", "90")),
        # Seconds between the job runner's rounds (`flask jobs`): a new article is searchable
        # and queued mail leaves within about this long.
        "JOBS_INTERVAL": float(env("JOBS_INTERVAL", "5")),
        "PASSWORD_HASH_METHOD": env("PASSWORD_HASH_METHOD", "scrypt"),
        # Webhooks may call plain http only on this machine (127.0.0.1, ::1): for tests and
        # development; in production every hook is https to a public address.
        "WEBHOOKS_ALLOW_HTTP_LOOPBACK": env("WEBHOOKS_ALLOW_HTTP_LOOPBACK", "") in ("1", "true", "yes"),
        # A hook whose deliveries failed (every retry used up) this many times in a row is
        # disabled and the organisation's central team is told by mail.
        "WEBHOOKS_DISABLE_AFTER": int(env("WEBHOOKS_DISABLE_AFTER", "5")),
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ("sv", "en"),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        # A sync run that would deactivate more than this share of an organisation's synced
        # people or groups is held until central confirms it (0.10 = 10 %).
        "SYNC_MAX_REMOVAL_SHARE": float(env("SYNC_MAX_REMOVAL_SHARE", "0.10")),
        # SAML single sign-on: the portal's own key and certificate (else generated into instance/).
        "SAML_SP_KEY_FILE": env("SAML_SP_KEY_FILE", ""),
        "SAML_SP_CERT_FILE": env("SAML_SP_CERT_FILE", ""),
    }
