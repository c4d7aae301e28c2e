"""bidwatch.web — the Django application the campaign's staff work in.

Nothing outside this package imports Django. The web database (SQLite by default, PostgreSQL when
``DATABASE_URL`` says so) holds users, agencies, imported tenders and scan results as rows; the
analytics themselves run in :mod:`bidwatch.scan` on DuckDB.
"""

from __future__ import annotations

import os


def setup(settings_module: str = "bidwatch.web.settings") -> None:
    """Configure Django for a process that is not started by ``manage.py`` (the CLI, benchmarks)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
