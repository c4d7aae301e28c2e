"""Backups (issue 18 item 3): ``bidwatch web backup DIR`` and ``restore DIR`` on SQLite (online backup
API, what is still in the WAL included) and PostgreSQL (pg_dump / pg_restore), uploads included; a
backup restored into an empty data dir has every row and every upload."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from bidwatch.web import backup as bk
from bidwatch.web.alerts.models import Alert
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.datasets.models import DatasetImport


def _cli(*argv: str) -> int:
    from bidwatch.web.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["web", *argv])
    return int(args.func(args))


def _rows(db: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order (the stored upload paths aside: they move)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    if db["ENGINE"].endswith("sqlite3"):
        con = sqlite3.connect(str(db["NAME"]))
        try:
            for table in bk._sqlite_counts(con):
                cur = con.execute(f'SELECT * FROM "{table}"')
                names = [d[0] for d in cur.description]
                out[table] = sorted((tuple(str(v) for k, v in zip(names, r) if k != "stored_path") for r in cur),
                                    key=repr)
        finally:
            con.close()
        return out
    with bk._pg_connect(db) as con, con.cursor() as cur:
        for table in bk._pg_counts(cur):
            cur.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cur.description]
            out[table] = sorted((tuple(str(v) for k, v in zip(names, r) if k != "stored_path")
                                 for r in cur.fetchall()), key=repr)
    return out


@pytest.fixture
def target(tmp_path: Path) -> Any:
    """An empty database of the same engine as the tests' own, dropped afterwards."""
    source = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        yield {"ENGINE": source["ENGINE"], "NAME": str(tmp_path / "restored" / "bidwatch.sqlite3")}
        return
    import psycopg

    name = "bidwatch_restore_test"
    admin = {**source, "NAME": "postgres"}
    with bk._pg_connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    yield {**source, "NAME": name}
    with bk._pg_connect(admin, autocommit=True) as con:
        try:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error:
            pass


@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_row_and_upload(users: Any, imported: Any, tmp_path: Path, target: Any,
                                              capsys: Any) -> None:
    last = record(users["office"], AuditEntry.Action.CHANGE, object_type="test", object_id="last before backup")
    source = dict(connection.settings_dict)
    before = _rows(source)
    assert before["audit_auditentry"] and before["tenders_tender"] and before["alerts_alert"]

    assert _cli("backup", str(tmp_path / "backup")) == 0
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["counts"]["audit_auditentry"] == len(before["audit_auditentry"])
    assert manifest["audit_anchor"] == f"{last.pk}:{last.hash}"
    assert "audit anchor" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="export", object_type="backup").exists()  # the backup is audited
    # the backup folder is refused as a target of a second backup
    with pytest.raises(bk.BackupError):
        bk.backup(tmp_path / "backup")

    # restored by the command line into an empty data dir (and, on PostgreSQL, an empty database)
    media = tmp_path / "restored" / "uploads"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIDWATCH_", "DATABASE_URL", "DJANGO_"))}
    env.update({"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
                "BIDWATCH_DATA_DIR": str(tmp_path / "restored")})
    if connection.vendor == "postgresql":
        host, port = target.get("HOST") or "127.0.0.1", target.get("PORT") or "5432"
        env["DATABASE_URL"] = f"postgres://{target['USER']}@{host}:{port}/{target['NAME']}"
    code = "import sys; from bidwatch.cli import main; sys.exit(main(sys.argv[1:]))"
    for argv in (["web", "restore", str(tmp_path / "backup")],
                 ["web", "audit", "verify", "--anchor", manifest["audit_anchor"]]):
        done = subprocess.run([sys.executable, "-c", code, *argv], env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    after = _rows(target)
    # the restore itself is audited: one entry more, after the anchor
    restores = [r for r in after["audit_auditentry"] if "restore" in " ".join(r)]
    assert len(restores) == 1
    after["audit_auditentry"].remove(restores[0])
    assert after == before  # every row of every table
    stored = [Path(p) for p in DatasetImport.objects.values_list("stored_path", flat=True)]
    assert stored
    old_root = Path(settings.MEDIA_ROOT)
    for path in stored:
        moved = media / path.relative_to(old_root)
        assert moved.read_bytes() == path.read_bytes()
    # the imports point at the restored uploads
    if connection.vendor == "sqlite":
        con = sqlite3.connect(target["NAME"])
        paths = [r[0] for r in con.execute("SELECT stored_path FROM datasets_datasetimport")]
        con.close()
    else:
        with bk._pg_connect(target) as con, con.cursor() as cur:
            cur.execute("SELECT stored_path FROM datasets_datasetimport")
            paths = [r[0] for r in cur.fetchall()]
    assert paths and all(p.startswith(str(media)) and Path(p).exists() for p in paths)
    # restoring over a database that holds data needs --force
    with pytest.raises(bk.BackupError, match="not empty"):
        bk.restore(tmp_path / "backup", db=target, media_root=media)
    bk.restore(tmp_path / "backup", db=target, media_root=media, force=True)
    assert _rows(target) == before
    assert Alert.objects.count() == len(before["alerts_alert"])


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_includes_what_is_still_in_the_wal(users: Any, tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's WAL")
    name = connection.settings_dict["NAME"]
    entry = record(None, AuditEntry.Action.CHANGE, object_type="test", object_id="in the wal")
    assert Path(name + "-wal").exists() and Path(name + "-wal").stat().st_size > 0
    bk.backup(tmp_path / "b")
    con = sqlite3.connect(tmp_path / "b" / "bidwatch.sqlite3")
    assert con.execute("SELECT hash FROM audit_auditentry WHERE id = ?", [entry.pk]).fetchone() == (entry.hash,)
    con.close()
