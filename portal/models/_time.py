from datetime import datetime, timezone


def utcnow() -> datetime:
    """Naive UTC: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
