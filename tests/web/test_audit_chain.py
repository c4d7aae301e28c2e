"""The tamper-evident audit log (issue 18 item 10): triggers refuse UPDATE and DELETE, a hash chain
finds an altered or deleted entry (``bidwatch web audit verify``), a deleted user's entries stay,
refusals (403) and reads of case-data pages are recorded."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from bidwatch.web.accounts.models import Agency, Role, User
from bidwatch.web.alerts import services as alert_services
from bidwatch.web.audit.chain import DROP_TRIGGERS, GENESIS, verify
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.tenders.models import Company, Tender


def _entries(n: int = 3) -> list[AuditEntry]:
    return [record(None, AuditEntry.Action.CHANGE, object_type="test", object_id=str(i), username="t", n=i,
                   ratio=1.0, names=["甲", "乙"]) for i in range(n)]


def _drop_triggers() -> None:
    """What an intruder with the database's owner rights would do first (rolled back with the test)."""
    with connection.cursor() as cursor:
        for sql in DROP_TRIGGERS[connection.vendor]:
            cursor.execute(sql)


def _cli_verify(*extra: str) -> int:
    from bidwatch.web.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["web", "audit", "verify", *extra])
    return int(args.func(args))


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete(users: Any) -> None:
    entry = _entries(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(username="someone else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.get(pk=entry.pk).username == "t"


@pytest.mark.django_db
def test_entries_are_chained_and_verified(users: Any, capsys: Any) -> None:
    first, second, third = _entries(3)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash and len(third.hash) == 64
    result = verify()
    assert result.ok, result.problems
    assert result.last_id == third.pk and result.last_hash == third.hash
    assert _cli_verify() == 0
    out = capsys.readouterr().out
    assert f"anchor (keep outside the database): {third.pk}:{third.hash}" in out
    assert _cli_verify("--anchor", f"{second.pk}:{second.hash}") == 0


def test_a_malformed_anchor_is_refused_in_both_languages(capsys: Any) -> None:
    assert _cli_verify("--anchor", "12:abc") == 2
    assert capsys.readouterr().err == ("--anchor：应为 ID:HASH（64 位十六进制） / "
                                       "--anchor: expected ID:HASH (64 hex digits)\n")


@pytest.mark.django_db
def test_an_altered_entry_is_found(users: Any, capsys: Any) -> None:
    first, second, third = _entries(3)
    _drop_triggers()
    AuditEntry.objects.filter(pk=second.pk).update(username="nobody")
    result = verify()
    assert result.problems == [f"entry {second.pk}: its content does not match its hash (altered)"]
    assert _cli_verify() == 1
    assert "tampered" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_deleted_entry_is_found(users: Any) -> None:
    first, second, third = _entries(3)
    _drop_triggers()
    AuditEntry.objects.filter(pk=second.pk).delete()
    assert [p for p in verify().problems if str(third.pk) in p and "link" in p]


@pytest.mark.django_db
def test_a_recomputed_chain_is_found_by_the_anchor(users: Any) -> None:
    """Deleting the tail leaves a consistent chain: only the anchor kept outside tells."""
    first, second, third = _entries(3)
    _drop_triggers()
    AuditEntry.objects.filter(pk=third.pk).delete()
    assert verify().ok
    assert not verify(anchor=(third.pk, third.hash)).ok
    assert _cli_verify("--anchor", f"{third.pk}:{third.hash}") == 1


@pytest.mark.django_db
def test_the_whole_log_verifies(users: Any, imported: Any) -> None:
    """The session's entries (logins, the import, ...) chain from the genesis."""
    first = AuditEntry.objects.order_by("id").first()
    assert first is not None and first.prev_hash == GENESIS
    assert verify().ok


@pytest.mark.django_db
def test_deleting_a_user_keeps_the_entries(client: Any, users: Any) -> None:
    from tests.web.factories import PASSWORD

    user = User.objects.create_user("leaver", password=PASSWORD, role=Role.AUDITOR,
                                    agency=Agency.objects.get(code="audit"))
    assert client.post(reverse("accounts:login"), {"username": "leaver", "password": PASSWORD}).status_code == 302
    client.post(reverse("accounts:logout"))
    before = list(AuditEntry.objects.filter(username="leaver").values_list("id", "user_id", "hash"))
    assert len(before) == 2 and all(uid == user.pk for _, uid, _ in before)
    user.delete()
    assert not User.objects.filter(username="leaver").exists()
    after = list(AuditEntry.objects.filter(username="leaver").values_list("id", "user_id", "hash"))
    assert after == before
    assert verify().ok
    # the log still renders, the user being gone
    assert "leaver" in _audit_page(users)


def _audit_page(users: Any) -> str:
    from django.test import Client

    c = Client()
    c.force_login(users["auditor"])
    return c.get(reverse("audit:log")).content.decode()


@pytest.mark.django_db
def test_refusals_are_recorded(client_for: Any, users: Any) -> None:
    response = client_for("housing").get(reverse("audit:log"))
    assert response.status_code == 403
    entry = AuditEntry.objects.filter(action="refused").latest("id")
    assert entry.username == "housing" and entry.object_id == reverse("audit:log")
    assert entry.detail["view"] == "audit:log" and entry.detail["method"] == "GET"


@pytest.mark.django_db
def test_a_csrf_refusal_is_recorded(users: Any) -> None:
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(users["office"])
    assert c.post(reverse("campaign:create"), {}).status_code == 403
    assert AuditEntry.objects.filter(action="refused", username="office", detail__method="POST").exists()


@pytest.mark.django_db
def test_reads_of_case_data_are_recorded(client_for: Any, users: Any, imported: Any) -> None:
    office = client_for("office")
    clue = alert_services.raise_clue(None, users["office"], Agency.objects.get(code="office"), "举报")
    company = Company.objects.filter(bids__isnull=False).first()
    pages = [
        (reverse("alerts:clue", args=[clue.pk]), "alerts.clue", str(clue.pk)),
        (reverse("tenders:company", args=[company.pk]), "tenders.company", str(company.pk)),
        (reverse("reports:campaign") + "?start=2024-01-01&end=2024-12-31", "report", "2024-01-01..2024-12-31"),
    ]
    for url, object_type, object_id in pages:
        assert office.get(url).status_code == 200, url
        assert AuditEntry.objects.filter(action="view", username="office", object_type=object_type,
                                          object_id=object_id).count() == 1, url
    # a page that is not case data is not recorded
    office.get(reverse("alerts:clues"))
    assert AuditEntry.objects.filter(action="view").count() == len(pages)
    # a tender page: "viewed evidence" when it shows alerts, else "view"; never both
    with_alerts = Tender.objects.filter(alerts__active=True).first()
    without = Tender.objects.exclude(alerts__active=True).first()
    for tender in (with_alerts, without):
        office.get(reverse("tenders:detail", args=[tender.pk]))
    assert AuditEntry.objects.filter(action="view_evidence", object_id=with_alerts.pk).count() == 1
    assert not AuditEntry.objects.filter(action="view", object_id=with_alerts.pk).exists()
    assert AuditEntry.objects.filter(action="view", object_type="tenders.tender", object_id=without.pk).count() == 1
