"""Attachments of reports, clues, cases and decisions: limits on size and type (by content), stored outside the
web root with their SHA-256, downloaded only by those who see the object, every download audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts import services as clues
from bidwatch.web.attachments import services
from bidwatch.web.attachments.models import Attachment
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.deadlines import today
from bidwatch.web.tipoffs import services as tipoffs
from tests.web.test_steps_decisions import proposed_decision
from tests.web.workflow_cases import ROLES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _clue(users: Any) -> Any:
    return clues.raise_clue(None, users["housing"], Agency.objects.get(code="housing"), "投标保证金同一账户转出")


def _upload(client: Any, obj: Any, name: str = "询问笔录.pdf", content: bytes = PDF) -> Any:
    return client.post(reverse("attachments:upload", args=[obj._meta.label_lower, obj.pk]),
                       {"file": SimpleUploadedFile(name, content, content_type="application/pdf"),
                        "description": "询问笔录", "next": "/"})


@pytest.mark.django_db
def test_upload_stores_outside_the_web_root_with_its_sha256_and_download_is_audited(users: Any,
                                                                                  client_for: Any) -> None:
    clue = _clue(users)
    assert _upload(client_for("housing"), clue).status_code == 302
    (a,) = Attachment.objects.filter(object_type="alerts.clue", object_id=str(clue.pk))
    assert a.sha256 == hashlib.sha256(PDF).hexdigest() and a.size == len(PDF) and a.kind == "pdf"
    stored = Path(settings.DATA_DIR) / "attachments" / a.stored_as
    assert stored.read_bytes() == PDF and "询问笔录" not in a.stored_as
    for web_root in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not stored.resolve().is_relative_to(Path(web_root).resolve())
    assert stored.stat().st_mode & 0o077 == 0
    assert AuditEntry.objects.filter(action="attachment_upload", object_id=str(a.pk), detail__sha256=a.sha256).exists()
    response = client_for("office").get(reverse("attachments:download", args=[a.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    (entry,) = AuditEntry.objects.filter(action="attachment_download", object_id=str(a.pk))
    assert entry.user == users["office"]
    page = client_for("housing").get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    assert 'data-testid="attachment"' in page and 'data-testid="attachment-upload"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_those_who_see_the_clue_download_its_files(users: Any, client_for: Any, role: str) -> None:
    clue = _clue(users)
    a = services.upload(users["housing"], clue, SimpleUploadedFile("a.pdf", PDF))
    expected = 200 if role in {"office", "discipline", "housing", "auditor"} else 403
    assert client_for(role).get(reverse("attachments:download", args=[a.pk])).status_code == expected
    assert AuditEntry.objects.filter(action="attachment_download", object_id=str(a.pk)).count() == (expected == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_may_attach_to_a_report(users: Any, client_for: Any, role: str) -> None:
    t, _code = tipoffs.register(users["office"], channel="letter", subject="某科长", facts="打招呼",
                                received_on=today() - dt.timedelta(days=1))
    response = _upload(client_for(role), t)
    added = Attachment.objects.filter(object_type="tipoffs.tipoff", object_id=str(t.pk)).exists()
    assert (response.status_code == 302 and added) == (role in {"office", "discipline"})
    if role not in {"office", "discipline"}:
        assert response.status_code == 403 and not added


@pytest.mark.django_db
def test_case_and_decision_attachments_follow_their_clue(users: Any, client_for: Any) -> None:
    d = proposed_decision(users)
    a = services.upload(users["housing"], d, SimpleUploadedFile("决定书.pdf", PDF))
    c = services.upload(users["housing"], d.clue.case, SimpleUploadedFile("立案决定书.pdf", PDF))
    for att in (a, c):
        assert client_for("housing").get(reverse("attachments:download", args=[att.pk])).status_code == 200
        assert client_for("transport").get(reverse("attachments:download", args=[att.pk])).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [
    ("a.exe", b"MZ\x90\x00"), ("fake.pdf", b"<html><script>alert(1)</script>"), ("img.png", PDF),
    ("empty.pdf", b""), ("x.txt", b"a\x00b"),
])
def test_types_are_checked_by_content(users: Any, name: str, content: bytes) -> None:
    clue = _clue(users)
    files = set(services.root().iterdir())
    with pytest.raises(ValueError):
        services.upload(users["housing"], clue, SimpleUploadedFile(name, content))
    assert not Attachment.objects.exists()
    assert set(services.root().iterdir()) == files  # nothing left behind


@pytest.mark.django_db
def test_size_limit(users: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    with pytest.raises(ValueError):
        services.upload(users["housing"], _clue(users), SimpleUploadedFile("big.pdf", PDF + b"0" * 200))


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_attachments_and_not_the_reporter_keys(users: Any, tmp_path: Path) -> None:
    from bidwatch.web.backup import backup

    a = services.upload(users["housing"], _clue(users), SimpleUploadedFile("a.pdf", PDF))
    manifest = backup(tmp_path / "bk", media_root=tmp_path / "no-media")
    assert (tmp_path / "bk" / "attachments" / a.stored_as).read_bytes() == PDF and manifest["attachments"] >= 1
    assert not list((tmp_path / "bk").rglob("reporter.keys"))
