"""``DATABASE_URL`` → Django ``DATABASES`` entry (the two engines bidwatch supports, no extra dependency)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit


def parse_database_url(url: str, *, sqlite_default: Path) -> dict[str, Any]:
    """Return a ``DATABASES['default']`` dict for ``url``.

    Accepted: ``sqlite:///relative.db``, ``sqlite:////abs/path.db``, ``postgres://user:pw@host:port/name``
    (``postgresql://`` too; query parameters become connection ``OPTIONS``, e.g. ``?sslmode=require``).
    An empty ``url`` selects SQLite at ``sqlite_default``.
    """
    if not url:
        return _sqlite(sqlite_default)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///x.db -> "/x.db" is relative by convention; sqlite:////abs -> "//abs".
        path = path.removeprefix("/")
        return _sqlite(Path(path) if path else sqlite_default)
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options = dict(parse_qsl(parts.query))
        conn_max_age = int(options.pop("conn_max_age", "60"))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "bidwatch",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"DATABASE_URL: unsupported scheme {scheme!r} (use sqlite:// or postgres://)")


def _sqlite(path: Path) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # The worker thread/process writes while pages read: WAL + IMMEDIATE avoids "database is locked".
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }
