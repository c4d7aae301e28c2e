"""``bidwatch web backup DIR`` and ``bidwatch web restore DIR``: the database and the uploads.

A backup folder holds:

- ``bidwatch.sqlite3`` — SQLite, copied with the online backup API (``sqlite3.Connection.backup``),
  which reads through the database's own locking and WAL: a plain file copy of a live database
  misses what is still in ``-wal`` (26 audit entries in the case that motivated this);
- or ``bidwatch.dump`` — PostgreSQL, ``pg_dump --format=custom`` of an exported snapshot;
- ``uploads/`` — the stored uploads (``MEDIA_ROOT``), without which a rescan cannot run;
- ``attachments/`` — the attachments of reports, clues, cases and decisions (``<data dir>/attachments``); the
  reporter keys (``reporter.keys``) are *not* in a backup: keep them apart, or the reporters cannot be read;
- ``manifest.json`` — when, which engine, the row count of every table (counted in the same snapshot
  as the copy) and the audit log's last entry (``id:hash``, the anchor for ``audit verify``).

``restore`` writes a backup into the configured (empty) database and data dir, then counts every
table again and fails unless each count matches the manifest. The secret key is not in the backup:
keep ``BIDWATCH_SECRET_KEY`` (or ``<data dir>/secret_key``) apart; restoring without it only ends
the open sessions.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
SQLITE_FILE = "bidwatch.sqlite3"
PG_FILE = "bidwatch.dump"
UPLOADS = "uploads"
ATTACHMENTS = "attachments"  #: the attachments of reports, clues, cases and decisions (issue 16)


def _attachments_root() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / ATTACHMENTS


class BackupError(RuntimeError):
    pass


def _vendor(db: dict[str, Any]) -> str:
    return "sqlite" if db["ENGINE"].endswith("sqlite3") else "postgresql"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- SQLite -------------------------------------------------------------------------------------

def _sqlite_counts(con: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: int(con.execute(f"SELECT COUNT(*) FROM {_quote(t)}").fetchone()[0]) for t in tables}


def _sqlite_anchor(con: sqlite3.Connection) -> str:
    try:
        row = con.execute("SELECT id, hash FROM audit_auditentry ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        return ""
    return f"{row[0]}:{row[1]}" if row else ""


def _sqlite_copy(source: str, target: str) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


# --- PostgreSQL ---------------------------------------------------------------------------------

def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return env


def _pg_connect(db: dict[str, Any], **kwargs: Any) -> Any:
    import psycopg

    params = {"dbname": db["NAME"], "host": db.get("HOST") or None, "port": db.get("PORT") or None,
              "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    if db.get("OPTIONS", {}).get("sslmode"):
        params["sslmode"] = db["OPTIONS"]["sslmode"]
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **kwargs)


def _pg_counts(cur: Any) -> dict[str, int]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [r[0] for r in cur.fetchall()]
    out = {}
    for t in tables:
        cur.execute(f"SELECT COUNT(*) FROM {_quote(t)}")
        out[t] = int(cur.fetchone()[0])
    return out


def _pg_anchor(cur: Any) -> str:
    cur.execute("SELECT to_regclass('audit_auditentry') IS NOT NULL")
    if not cur.fetchone()[0]:
        return ""
    cur.execute("SELECT id, hash FROM audit_auditentry ORDER BY id DESC LIMIT 1")
    row = cur.fetchone()
    return f"{row[0]}:{row[1]}" if row else ""


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[:2000]}")


# --- backup and restore -------------------------------------------------------------------------

def _settings() -> tuple[dict[str, Any], Path]:
    from django.conf import settings
    from django.db import connection

    return dict(connection.settings_dict), Path(settings.MEDIA_ROOT)


def _or_configured(db: dict[str, Any] | None, media_root: Path | None) -> tuple[dict[str, Any], Path]:
    """``db`` and ``media_root``, the configured ones where not given."""
    if db is None or media_root is None:
        default_db, default_media = _settings()
        db, media_root = db or default_db, media_root or default_media
    return db, media_root


def backup(dest: str | Path, *, db: dict[str, Any] | None = None, media_root: Path | None = None) -> dict[str, Any]:
    """Write a backup of ``db`` (default: the configured database) and the uploads into ``dest``,
    which must be empty or absent. Returns the manifest."""
    db, media_root = _or_configured(db, media_root)
    out = Path(dest)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    vendor = _vendor(db)
    if vendor == "sqlite":
        target = out / SQLITE_FILE
        _sqlite_copy(str(db["NAME"]), str(target))
        con = sqlite3.connect(target)
        try:
            counts, anchor = _sqlite_counts(con), _sqlite_anchor(con)
        finally:
            con.close()
        database_file = SQLITE_FILE
    else:
        # Count in the very snapshot pg_dump copies: exported from a repeatable-read transaction.
        with _pg_connect(db) as con, con.cursor() as cur:
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            counts, anchor = _pg_counts(cur), _pg_anchor(cur)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={out / PG_FILE}", str(db["NAME"])], _pg_env(db))
            cur.execute("COMMIT")
        database_file = PG_FILE
    n_files = 0
    if media_root.exists():
        shutil.copytree(media_root, out / UPLOADS)
        n_files = sum(1 for p in (out / UPLOADS).rglob("*") if p.is_file())
    else:
        (out / UPLOADS).mkdir()
    # attachments: outside the web root, beside the uploads (the reporter keys are not copied: kept apart)
    n_attachments = 0
    if _attachments_root().exists():
        shutil.copytree(_attachments_root(), out / ATTACHMENTS)
        n_attachments = sum(1 for p in (out / ATTACHMENTS).iterdir() if p.is_file())
    manifest = {
        "format": 1, "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "engine": vendor,
        "database_file": database_file, "media_root": str(media_root), "uploads": n_files,
        "attachments": n_attachments,
        "counts": counts, "audit_anchor": anchor,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def _target_is_empty(db: dict[str, Any]) -> bool:
    if _vendor(db) == "sqlite":
        path = Path(str(db["NAME"]))
        if not path.exists():
            return True
        con = sqlite3.connect(path)
        try:
            return not _sqlite_counts(con)
        finally:
            con.close()
    with _pg_connect(db) as con, con.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
        return int(cur.fetchone()[0]) == 0


def restore(src: str | Path, *, db: dict[str, Any] | None = None, media_root: Path | None = None,
            force: bool = False) -> dict[str, Any]:
    """Restore the backup in ``src`` into ``db`` and ``media_root`` (default: the configured ones),
    then check every table's row count against the manifest. Refuses a database that already holds
    tables unless ``force`` (then they are replaced). Stop the server and workers first."""
    db, media_root = _or_configured(db, media_root)
    folder = Path(src)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    vendor = _vendor(db)
    if manifest["engine"] != vendor:
        raise BackupError(f"the backup is of {manifest['engine']}, the target database is {vendor}")
    if not force and not _target_is_empty(db):
        raise BackupError("the target database is not empty (use --force to replace it)")
    if vendor == "sqlite":
        target = Path(str(db["NAME"]))
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(str(folder / SQLITE_FILE), str(target))
    else:
        args = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                f"--dbname={db['NAME']}", str(folder / PG_FILE)]
        if force:
            args[1:1] = ["--clean", "--if-exists"]
        _run(args, _pg_env(db))
    # the uploads, and the stored paths of the imports moved to this data dir
    if (folder / UPLOADS).exists():
        media_root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder / UPLOADS, media_root, dirs_exist_ok=True)
    if (folder / ATTACHMENTS).exists():
        _attachments_root().mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copytree(folder / ATTACHMENTS, _attachments_root(), dirs_exist_ok=True)
    old_root, new_root = manifest.get("media_root", ""), str(media_root)
    if old_root and old_root != new_root:
        _execute(db, "UPDATE datasets_datasetimport SET stored_path = %s || substr(stored_path, %s) "
                     "WHERE substr(stored_path, 1, %s) = %s", [new_root, len(old_root) + 1, len(old_root), old_root])
    counts = _counts(db)
    wrong = {t: (n, counts.get(t)) for t, n in manifest["counts"].items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"restored row counts differ from the backup's: {wrong}")
    return manifest


def _execute(db: dict[str, Any], sql: str, params: list[Any]) -> None:
    if _vendor(db) == "sqlite":
        con = sqlite3.connect(str(db["NAME"]))
        try:
            with con:
                con.execute(sql.replace("%s", "?"), params)
        finally:
            con.close()
    else:
        with _pg_connect(db) as con, con.cursor() as cur:
            cur.execute(sql, params)


def _counts(db: dict[str, Any]) -> dict[str, int]:
    if _vendor(db) == "sqlite":
        con = sqlite3.connect(str(db["NAME"]))
        try:
            return _sqlite_counts(con)
        finally:
            con.close()
    with _pg_connect(db) as con, con.cursor() as cur:
        return _pg_counts(cur)
