"""Settings come from the environment so one build runs anywhere (12-factor)."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigurationError(RuntimeError):
    """Start-up cannot go on: the message says what to set."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret(instance_path: Path) -> str:
    """A key kept under instance/ so development sessions survive a restart."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load(instance_path: Path, overrides: dict | None = None) -> dict:
    env = os.environ
    overrides = dict(overrides or {})
    portal_env = overrides.get("PORTAL_ENV") or env.get("PORTAL_ENV", "production")
    testing = bool(overrides.get("TESTING")) or portal_env == "testing"
    default_db = f"sqlite:///{instance_path / 'portal.sqlite3'}"
    settings = {
        "PORTAL_ENV": portal_env,
        "TESTING": testing,
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL", default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": env.get("PORTAL_DEFAULT_LANGUAGE", "ru"),
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "PORTAL_LANGUAGES": ("ru", "en"),
        # Sessions: cookie flags, and the limits for staff (ASVS 3.3).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("PORTAL_HTTPS")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("PORTAL_HTTPS")),
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "PORTAL_STAFF_IDLE_TIMEOUT": timedelta(minutes=30),
        "PORTAL_STAFF_ABSOLUTE_TIMEOUT": timedelta(hours=12),
        "PORTAL_FRESH_LOGIN_WINDOW": timedelta(minutes=10),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "RATELIMIT_STORAGE_URI": env.get("PORTAL_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "PORTAL_LOGIN_FAILURE_LIMIT": env.get("PORTAL_LOGIN_FAILURE_LIMIT", "5 per minute"),
        "PORTAL_PROXY_FIX": _bool(env.get("PORTAL_PROXY_FIX")),
        # Outgoing mail: only when a host is given.
        "PORTAL_SMTP_HOST": env.get("PORTAL_SMTP_HOST"),
        "PORTAL_SMTP_PORT": int(env.get("PORTAL_SMTP_PORT", "587")),
        "PORTAL_SMTP_USER": env.get("PORTAL_SMTP_USER"),
        "PORTAL_SMTP_PASSWORD": env.get("PORTAL_SMTP_PASSWORD"),
        "PORTAL_SMTP_STARTTLS": _bool(env.get("PORTAL_SMTP_STARTTLS"), True),
        "PORTAL_MAIL_FROM": env.get("PORTAL_MAIL_FROM", "portal@localhost"),
        # Links in e-mails are absolute: the portal's address as people reach it (else the request's).
        "PORTAL_BASE_URL": env.get("PORTAL_BASE_URL", ""),
        # Background jobs (the outbox, long work): RQ on this Redis when given, else a thread.
        "PORTAL_REDIS_URL": env.get("PORTAL_REDIS_URL", ""),
        "PORTAL_JOBS": env.get("PORTAL_JOBS", "inline" if testing else ""),
        "PORTAL_JOBS_QUEUE": env.get("PORTAL_JOBS_QUEUE", "portal"),
        # A running job's row beats every quarter of the lease; one silent for a lease is marked failed.
        "PORTAL_JOB_LEASE_SECONDS": int(env.get("PORTAL_JOB_LEASE_SECONDS", "120")),
        "PORTAL_JOB_QUEUE_WAIT_SECONDS": int(env.get("PORTAL_JOB_QUEUE_WAIT_SECONDS", "3600")),
        "PORTAL_AUDIT_PAGE_SIZE": 50,
        # Plugins: entry points, plus objects handed in directly (tests do).
        "PORTAL_LOAD_ENTRY_POINTS": True,
        "PORTAL_EXTRA_PLUGINS": (),
    }
    settings.update(overrides)
    if settings.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = settings.pop("DATABASE_URL")
    secret = settings.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret:
        if portal_env in {"development", "testing"} or testing:
            secret = _development_secret(instance_path)
        else:
            raise ConfigurationError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
                "value (for example: python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set PORTAL_ENV=development for a local trial."
            )
    settings["SECRET_KEY"] = secret
    return settings
