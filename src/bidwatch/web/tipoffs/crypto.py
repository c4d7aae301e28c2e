"""Reporter confidentiality (信访工作条例 and 监察法 on protecting reporters and keeping reports confidential): the reporter's name, contact
and identity number are stored only as Fernet tokens (``cryptography``: AES-128-CBC + HMAC-SHA256), with keys
kept outside the database.

Where the keys come from, first match wins:

* ``BIDWATCH_REPORTER_KEYS``: comma-separated Fernet keys (url-safe base64, 32 bytes each), newest first;
* ``BIDWATCH_REPORTER_KEY_FILE``: a file with one key per line, newest first;
* ``<BIDWATCH_DATA_DIR>/reporter.keys``: the same, created with one fresh key and mode 0600 on first use (the
  demo and a single-machine install; a production deployment sets one of the two above and keeps the file
  off the database's backups).

Every key is tried for decryption (:class:`~cryptography.fernet.MultiFernet`); the first encrypts. Rotation
(``bidwatch web rotate-reporter-key``): put a new key first, keep the old ones, run the command — it re-encrypts
every stored token with the new key — then drop the old keys. A database dump without the keys reveals nothing.

A missing or wrong key is an operator's problem, read in the log or on the terminal (``rotate-reporter-key``),
not on a page (the request fails): its errors are "english / 中文" (``bidwatch.i18n.bilingual``), not in the
request's language.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from bidwatch.i18n import bilingual as _

ENV_KEYS = "BIDWATCH_REPORTER_KEYS"
ENV_FILE = "BIDWATCH_REPORTER_KEY_FILE"
DEFAULT_FILE = "reporter.keys"


def key_file() -> Path:
    return Path(os.environ.get(ENV_FILE) or Path(settings.DATA_DIR) / DEFAULT_FILE)


def _read_keys() -> list[str]:
    env = os.environ.get(ENV_KEYS, "").strip()
    if env:
        return [k.strip() for k in env.split(",") if k.strip()]
    path = key_file()
    if not path.exists():
        if os.environ.get(ENV_FILE):
            raise RuntimeError(_("%(variable)s=%(path)s: no such file", variable=ENV_FILE, path=path))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(Fernet.generate_key().decode() + "\n")
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def keys() -> MultiFernet:
    found = _read_keys()
    if not found:
        raise RuntimeError(_("no reporter key configured"))
    return MultiFernet([Fernet(k.encode()) for k in found])


def encrypt(value: str) -> str:
    """A token for ``value``; the empty string stays empty (nothing to hide, and anonymity shows as such)."""
    value = (value or "").strip()
    return keys().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return keys().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key was dropped before rotation finished
        raise RuntimeError(_("reporter data cannot be decrypted with the configured keys")) from exc


def rotate(token: str) -> str:
    return keys().rotate(token.encode()).decode() if token else ""
