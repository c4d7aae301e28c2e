"""Upload and download: limits on size and type (the type read from the file's first bytes, not its name or
the browser's word), the SHA-256, the file kept under ``<data dir>/attachments`` and each step audited."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from bidwatch.web.attachments import kinds
from bidwatch.web.attachments.models import Attachment
from bidwatch.web.audit.services import record

UPLOAD_ACTION = "attachment_upload"
DOWNLOAD_ACTION = "attachment_download"

#: the largest attachment (``BIDWATCH_ATTACHMENT_MAX_MB``, default 20)
MAX_BYTES = int(float(os.environ.get("BIDWATCH_ATTACHMENT_MAX_MB", "20")) * 1024 * 1024)

#: extension -> the signatures its first bytes must start with (docx/xlsx are zip files)
TYPES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "doc": (b"\xd0\xcf\x11\xe0",), "xls": (b"\xd0\xcf\x11\xe0",),
    "txt": (), "csv": (),
}


def root() -> Path:
    path = Path(settings.DATA_DIR) / "attachments"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _check_type(name: str, head: bytes) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in TYPES:
        raise ValueError(_("file type not allowed (%(types)s)") % {"types": ", ".join(sorted(TYPES))})
    sigs = TYPES[ext]
    if sigs and not any(head.startswith(s) for s in sigs):
        raise ValueError(_("the file's content is not what its name says"))
    if not sigs:  # text: UTF-8 (or GB18030) without NUL bytes
        if b"\x00" in head:
            raise ValueError(_("not a text file"))
    return ext


def _clean_name(name: str) -> str:
    name = os.path.basename(name.replace("\\", "/")).strip().replace("\x00", "")
    return name[-200:] or "file"


@transaction.atomic
def upload(user: Any, obj: Any, file: Any, description: str = "", *, request: Any = None) -> Attachment:
    object_type = kinds.kind_of(obj)
    kind = kinds.get(object_type)
    if kind is None or kinds.find(user, object_type, obj.pk) is None or not kind.may_add(user, obj):
        raise PermissionDenied("attachment")
    if file.size > MAX_BYTES:
        raise ValueError(_("larger than %(mb)s MB") % {"mb": MAX_BYTES // (1024 * 1024)})
    if file.size == 0:
        raise ValueError(_("the file is empty"))
    name = _clean_name(file.name)
    digest = hashlib.sha256()
    stored_as = secrets.token_hex(20)
    target = root() / stored_as
    head = b""
    written = 0
    with open(target, "xb") as out:
        os.chmod(target, 0o600)
        for chunk in file.chunks():
            if not head:
                head = chunk[:16]
            written += len(chunk)
            if written > MAX_BYTES:
                break
            digest.update(chunk)
            out.write(chunk)
    try:
        if written > MAX_BYTES:
            raise ValueError(_("too large"))
        ext = _check_type(name, head)
    except ValueError:
        target.unlink(missing_ok=True)
        raise
    a = Attachment.objects.create(object_type=object_type, object_id=str(obj.pk), name=name, size=written, kind=ext,
                                  sha256=digest.hexdigest(), stored_as=stored_as, description=description.strip(),
                                  uploaded_by=user)
    record(user, UPLOAD_ACTION, a, request=request, of=f"{object_type}:{obj.pk}", name=name, size=written,
           sha256=a.sha256)
    return a


def for_object(obj: Any) -> list[Attachment]:
    return list(Attachment.objects.filter(object_type=kinds.kind_of(obj), object_id=str(obj.pk)))


def open_for(user: Any, a: Attachment, *, request: Any = None) -> Path:
    """The file's path, for a user who may see its object; the download is written to the audit log."""
    if kinds.find(user, a.object_type, a.object_id) is None:
        raise PermissionDenied("attachment")
    path = root() / a.stored_as
    record(user, DOWNLOAD_ACTION, a, request=request, of=f"{a.object_type}:{a.object_id}", name=a.name,
           sha256=a.sha256)
    return path
