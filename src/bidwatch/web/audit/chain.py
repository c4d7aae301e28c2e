"""The audit log's hash chain and its database-level append-only guard.

Each entry stores ``prev_hash`` (the previous entry's ``hash``) and ``hash``, the SHA-256 of the
previous hash and the entry's own fields in a canonical form. Altering a stored entry changes its
hash; deleting one breaks the link of the entry after it; both are found by :func:`verify`
(``bidwatch web audit verify``). Appends are serialised — PostgreSQL takes a transaction-level
advisory lock, SQLite's ``BEGIN IMMEDIATE`` (see ``dburl.py``) already holds the write lock — so
the chain follows the ids.

Triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the table, whoever connects.
A chain without a secret can be recomputed by someone who can also drop the triggers; the last
entry's id and hash printed by ``verify`` are the anchor to keep outside the database (the backup
log, a signed note): ``verify --anchor ID:HASH`` checks that this entry is still there, unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

GENESIS = "0" * 64
#: Key of PostgreSQL's advisory lock serialising appends (any constant unique to this use).
LOCK_KEY = 0x61756469  # "audi"
TABLE = "audit_auditentry"

TRIGGERS: dict[str, list[str]] = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
        f"CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$",
        f"CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
        f"CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    ],
}

DROP_TRIGGERS: dict[str, list[str]] = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"],
    "postgresql": [
        f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE}",
        f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    ],
}


def _canon(value: Any) -> Any:
    """JSON as the database gives it back: integral floats as ints (jsonb), keys sorted on dump."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    return value


def normalise_ip(value: Any) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        return str(value)


def _at(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, *, at: dt.datetime, user_id: int | None, username: str, action: str,
               object_type: str, object_id: str, detail: Any, ip: Any) -> str:
    payload = [prev_hash, _at(at), user_id, username, action, object_type, object_id,
               _canon(detail or {}), normalise_ip(ip)]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FIELDS = ("id", "prev_hash", "hash", "at", "user_id", "username", "action", "object_type", "object_id", "detail", "ip")


def lock_for_append() -> None:
    """Serialise appends until the surrounding transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


@dataclass
class Verification:
    count: int = 0
    last_id: int | None = None
    last_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, anchor: tuple[int, str] | None = None, max_problems: int = 100) -> Verification:
    """Walk the log in id order and recompute every hash and link."""
    from bidwatch.web.audit.models import AuditEntry

    result = Verification()
    prev = GENESIS
    anchor_seen = False
    rows = AuditEntry.objects.order_by("id").values_list(*FIELDS).iterator(chunk_size=2000)
    for row in rows:
        values = dict(zip(FIELDS, row, strict=True))
        result.count += 1
        if values["prev_hash"] != prev:
            result.problems.append(
                f"entry {values['id']}: its link does not match the entry before it "
                "(an entry was deleted or inserted before it, or its link altered)"
            )
        expected = entry_hash(values["prev_hash"], **{k: values[k] for k in FIELDS[3:]})
        if values["hash"] != expected:
            result.problems.append(f"entry {values['id']}: its content does not match its hash (altered)")
        if anchor and values["id"] == anchor[0]:
            anchor_seen = True
            if values["hash"] != anchor[1]:
                result.problems.append(f"entry {values['id']}: its hash differs from the anchor kept outside")
        prev = values["hash"]
        result.last_id, result.last_hash = values["id"], values["hash"]
        if len(result.problems) >= max_problems:
            break
    if anchor and not anchor_seen and len(result.problems) < max_problems:
        result.problems.append(f"entry {anchor[0]} of the anchor is missing (deleted)")
    return result
