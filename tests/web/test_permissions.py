"""Every page for every role: allowed, refused (403 page) or redirected to login when anonymous."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bidwatch.web.accounts.roles import ROLE_CAPS, Cap

ROLES = ["admin", "office", "discipline", "housing", "auditor"]

# page -> roles allowed (housing = department staff of the housing sector)
PAGES: dict[str, tuple[str, set[str]]] = {
    "dashboard": ("tenders:dashboard", set(ROLES)),
    "alerts": ("alerts:list", set(ROLES)),
    "tenders": ("tenders:list", set(ROLES)),
    "imports": ("datasets:list", {"admin", "office", "discipline", "auditor"}),
    "clues": ("alerts:clues", {"office", "discipline", "housing", "auditor"}),
    "audit": ("audit:log", {"admin", "discipline", "auditor"}),
    "complaints": ("complaints:list", {"office", "discipline", "housing", "auditor"}),
    "register a complaint": ("complaints:create", {"office", "housing"}),
    "campaign report": ("reports:campaign", {"office", "discipline", "housing", "auditor"}),
    "sanctions registry": ("credit:list", {"office", "discipline", "housing", "auditor"}),
    "enter a sanction": ("credit:create", {"office", "discipline"}),
    "rectification ledger": ("campaign:list", {"office", "discipline", "housing", "auditor"}),
    "list a problem": ("campaign:create", {"office", "housing"}),
    "export the rectification ledger": ("campaign:export", {"office", "discipline", "housing", "auditor"}),
    "bid-file comparison": ("bidcompare:list", {"office", "discipline", "housing", "auditor"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_access_by_role(client_for: Any, imported: Any, role: str, page: str) -> None:
    name, allowed = PAGES[page]
    response = client_for(role).get(reverse(name))
    if role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "data-testid=\"refused\"" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/alerts/", "/tenders/", "/tenders/T1", "/companies/C1", "/imports/", "/audit/", "/alerts/clues/", "/accounts/me/",
     "/complaints/", "/complaints/new/", "/complaints/1/", "/reports/", "/credit/", "/credit/new/", "/credit/1/",
     "/campaign/", "/campaign/new/", "/campaign/export/", "/campaign/1/", "/bid-files/", "/bid-files/1/"],
)
def test_anonymous_is_sent_to_login(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_login_page_is_public() -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_tender_and_company_pages_by_role(client_for: Any, imported: Any, role: str) -> None:
    c = client_for(role)
    # T1 is a housing tender, T2 a transport one: housing staff see T1 only.
    assert c.get(reverse("tenders:detail", args=["T1"])).status_code == 200
    t2 = c.get(reverse("tenders:detail", args=["T2"]))
    assert t2.status_code == (403 if role == "housing" else 200)
    assert c.get(reverse("tenders:company", args=["C3"])).status_code == 200


@pytest.mark.django_db
def test_department_without_sector_sees_nothing(client_for: Any, imported: Any) -> None:
    c = client_for("police")
    assert c.get(reverse("tenders:detail", args=["T1"])).status_code == 403
    body = c.get(reverse("alerts:list")).content.decode()
    assert "bond_same_account" not in body and "投标保证金" not in body


@pytest.mark.django_db
def test_department_alert_list_is_scoped(client_for: Any, imported: Any) -> None:
    housing = client_for("housing").get(reverse("alerts:list")).content.decode()
    office = client_for("office").get(reverse("alerts:list")).content.decode()
    assert "T1" in housing and "T3" in housing
    assert "T2" not in housing or "道路改造施工" not in housing
    assert "安置房一标段施工" in office


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES + ["transport"])
def test_triage_refusals(client_for: Any, imported: Any, role: str) -> None:
    from bidwatch.web.alerts.models import Alert

    alert = Alert.objects.get(indicator="bond_same_account")  # housing sector
    response = client_for(role).post(reverse("alerts:triage", args=[alert.pk]), {"action": "confirm"})
    if role in {"office", "housing"}:
        assert response.status_code == 302
        alert.refresh_from_db()
        assert alert.status == Alert.Status.CONFIRMED
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_upload_refused_unless_import_capability(client_for: Any, users: Any, role: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(role).post(reverse("datasets:list"), {"file": SimpleUploadedFile("x.zip", b"PK")})
    if Cap.IMPORT in ROLE_CAPS[users[role].role]:
        assert response.status_code == 302
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["discipline", "housing", "auditor"])
def test_rescan_refused(client_for: Any, imported: Any, role: str) -> None:
    response = client_for(role).post(reverse("datasets:rescan", args=[imported.dataset_id]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_admin_site_only_for_administrator(client_for: Any, users: Any) -> None:
    assert client_for("admin").get("/admin/").status_code == 200
    assert client_for("office").get("/admin/").status_code == 302  # admin login page: not staff


@pytest.mark.django_db
def test_refusals_render_the_refused_page_in_chinese(client_for: Any, users: Any) -> None:
    body = client_for("housing").get(reverse("audit:log")).content.decode()
    assert "拒绝" in body
