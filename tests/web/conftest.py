"""Django test set-up for the web application.

The suite runs on SQLite by default and on PostgreSQL when ``DATABASE_URL`` names one, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/bidwatch pytest tests/web`` (pytest-django creates
and drops ``test_bidwatch``). Background tasks run inline (``BIDWATCH_TASKS_EAGER``) except in the
browser tests, which start the real worker thread.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# One data dir per process. The xdist controller loads this file too and its environment is inherited by the
# workers: a shared dir would let two workers, whose databases both number their tasks from 1, share
# (and sweep) each other's task folders ``work/task-N``.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
if os.environ.get("BIDWATCH_TEST_DATA_OWNER") != _WORKER:
    os.environ["BIDWATCH_DATA_DIR"] = tempfile.mkdtemp(prefix=f"bidwatch-web-tests-{_WORKER}-")
    os.environ["BIDWATCH_TEST_DATA_OWNER"] = _WORKER
os.environ.setdefault("BIDWATCH_TASKS_EAGER", "1")
# Imports check and scan in the worker process itself (one child process per import would slow the suite);
# test_import_isolation.py runs them in the memory-limited child.
os.environ.setdefault("BIDWATCH_IMPORT_MEMORY_MB", "0")
os.environ.setdefault("BIDWATCH_ENGINE", "tests.web.fake_engine")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bidwatch.web.settings")
if not os.environ.get("BIDWATCH_REPORTER_KEYS"):  # reporters' identities: a key generated for the run
    from cryptography.fernet import Fernet

    os.environ["BIDWATCH_REPORTER_KEYS"] = Fernet.generate_key().decode()

import django

django.setup()

# pytest-django sets Django up in each xdist worker before this file runs, with the environment the controller
# handed down: the settings then hold the controller's data dir, and the two workers shared uploads, task folders
# and the import lock (a test's upload folder swept by the other's: FileExistsError on bidcompare/1). Point the
# settings derived from the data dir at this process's own.
from django.conf import settings as _settings  # noqa: E402

_own = Path(os.environ["BIDWATCH_DATA_DIR"]).resolve() if "BIDWATCH_DATA_DIR" in os.environ else None
if _own is not None and Path(_settings.DATA_DIR).resolve() != _own:
    _key = Path(_settings.DATA_DIR) / "secret_key"  # the settings' SECRET_KEY came from there: keep it beside them
    if _key.exists() and not (_own / "secret_key").exists():
        shutil.copyfile(_key, _own / "secret_key")
        (_own / "secret_key").chmod(0o600)
    _settings.DATA_DIR = _own
    _settings.MEDIA_ROOT = _own / "uploads"
    _settings.STATIC_ROOT = _own / "static"

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.web import factories


def _flush_past_the_audit_triggers() -> None:
    """The audit log refuses DELETE and TRUNCATE (triggers, ``audit/chain.py``); the transactional tests'
    flush drops the triggers, empties the tables and puts them back, in one transaction."""
    from django.db import connection

    from bidwatch.web.audit.chain import DROP_TRIGGERS, TABLE, TRIGGERS

    ops = type(connection.ops)
    if getattr(ops.sql_flush, "_past_audit", False):
        return
    original = ops.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        sql = original(self, style, tables, **kwargs)
        vendor = self.connection.vendor
        if sql and TABLE in tables:
            return [*DROP_TRIGGERS[vendor], *sql, *TRIGGERS[vendor]]
        return sql

    sql_flush._past_audit = True  # type: ignore[attr-defined]
    ops.sql_flush = sql_flush


_flush_past_the_audit_triggers()


@pytest.fixture(autouse=True)
def _no_cache(settings: Any, request: pytest.FixtureRequest) -> None:
    # Rolled-back test transactions reuse SQLite row ids, so cached figures keyed by ids would leak
    # between tests; the caching itself has its own test (marked "cache").
    if "cache" not in request.keywords:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture(autouse=True)
def _site_language() -> Any:
    # A request through LocaleMiddleware leaves its language active in the thread (Django does not
    # deactivate after the response), so a test that asked for English would change the language of
    # the next test's service errors on the same xdist worker. Every test starts in the site language.
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_hashes(settings: Any, request: pytest.FixtureRequest) -> None:
    # Argon2 is the production hasher (tested on its own); tests log in hundreds of times.
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Users, agencies and the small dataset imported once per session (loading takes a second or two);
    each test runs in a transaction rolled back afterwards."""
    with django_db_blocker.unblock():
        factories.ensure_base(tmp_path_factory.mktemp("base"))


@pytest.fixture
def users(db: Any, tmp_path: Path) -> dict[str, Any]:
    factories.ensure_base(tmp_path)  # again only after a transactional test flushed the database
    return factories.users_by_name()


@pytest.fixture
def client_for(users: dict[str, Any]) -> Callable[[str], Client]:
    def make(username: str) -> Client:
        c = Client()
        c.force_login(users[username])
        return c

    return make


@pytest.fixture
def dataset_dir(tmp_path: Path) -> Path:
    return factories.write_dataset(tmp_path / "good")


@pytest.fixture
def imported(users: dict[str, Any]) -> Any:
    """The scan of the small dataset imported through the real upload pipeline."""
    from bidwatch.web.datasets.models import ScanRun

    return ScanRun.objects.filter(status=ScanRun.Status.DONE).order_by("id").first()


class RealScan:
    """A synthetic dataset (100 tenders, planted cases), its zip as a user would upload it, and the
    command line's scan of it (``alerts.csv`` read back): the oracle of the real-scan tests."""

    def __init__(self, root: Path) -> None:
        import pandas as pd

        from bidwatch.contract import load_dataset
        from bidwatch.scan import run_scan, write_outputs
        from bidwatch.synth import write_synthetic
        from bidwatch.web.cli import zip_folder

        full = root / "synthetic"
        write_synthetic(full, n_tenders=REAL_SCAN_TENDERS, seed=REAL_SCAN_SEED)
        # The contract files only: labels.csv and near_misses.csv are the generator's ground truth.
        self.folder = root / "upload"
        shutil.copytree(full, self.folder, ignore=shutil.ignore_patterns("labels.csv", "near_misses.csv"))
        self.zip = zip_folder(self.folder, root / "synthetic-100.zip")
        self.out = write_outputs(run_scan(load_dataset(str(self.folder))), root / "scan")
        read = {"dtype": str, "keep_default_na": False, "encoding": "utf-8-sig"}
        self.alerts = pd.read_csv(self.out / "alerts.csv", **read)
        projects = pd.read_csv(self.folder / "projects.csv", **read).set_index("project_id")["sector"]
        tenders = pd.read_csv(self.folder / "tenders.csv", **read)
        self.tender_ids = set(tenders["tender_id"])
        self.project_ids = set(projects.index)
        # Each alert's sector: its tender's project's, or its own project's.
        self.alerts["sector"] = self.alerts["project_id"].map(projects).fillna("other")


REAL_SCAN_TENDERS = 100  # the generator's minimum
REAL_SCAN_SEED = 3


@pytest.fixture(scope="session")
def real_scan(tmp_path_factory: pytest.TempPathFactory) -> RealScan:
    return RealScan(tmp_path_factory.mktemp("real-scan"))


@pytest.fixture
def real_engine(settings: Any) -> None:
    """The real ``bidwatch.scan`` behind the import instead of the stand-in."""
    settings.BIDWATCH_ENGINE = ""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "argon2: use the production password hasher")
    config.addinivalue_line("markers", "cache: keep the real (local-memory) cache")
    config.addinivalue_line("markers", "browser: drives the real application in Chromium (Playwright)")
