"""Security basics: Argon2, throttled logins, session expiry, CSP, CSRF, secrets from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.dburl import parse_database_url
from tests.web.factories import PASSWORD


@pytest.mark.argon2
@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(users: Any) -> None:
    from bidwatch.web.accounts.models import User

    user = User.objects.get(username="office")
    user.set_password("another-long-password-1")
    user.save()
    assert user.password.startswith("argon2$")
    assert Client().login(username="office", password="another-long-password-1")


@pytest.mark.django_db
def test_login_logout_are_audited(users: Any) -> None:
    c = Client()
    response = c.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="login", username="office").exists()
    c.post(reverse("accounts:logout"))
    assert AuditEntry.objects.filter(action="logout", username="office").exists()


@pytest.mark.django_db
def test_failed_logins_are_throttled(users: Any) -> None:
    c = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = c.post(reverse("accounts:login"), {"username": "office", "password": "wrong"})
        assert response.status_code == 200
    # Now even the right password is refused for a while.
    response = c.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 200
    assert 'data-testid="login-error"' in response.content.decode()
    assert "_auth_user_id" not in c.session
    assert AuditEntry.objects.filter(action="login_failed", username="office").count() == settings.LOGIN_MAX_FAILURES + 1


@pytest.mark.django_db
def test_throttle_window_passes(users: Any) -> None:
    from datetime import timedelta

    from bidwatch.web.accounts.models import LoginThrottle

    c = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        c.post(reverse("accounts:login"), {"username": "office", "password": "wrong"})
    LoginThrottle.objects.update(window_start=LoginThrottle.objects.first().window_start - timedelta(hours=1))
    assert c.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD}).status_code == 302


def test_session_expires() -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.django_db
def test_csp_and_security_headers(client_for: Any, users: Any) -> None:
    for response in (Client().get(reverse("accounts:login")), client_for("office").get("/")):
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_csrf_is_enforced(users: Any) -> None:
    c = Client(enforce_csrf_checks=True)
    response = c.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client_for: Any, imported: Any) -> None:
    import re

    for url in ["/", "/tenders/T1", "/alerts/", "/companies/C1", reverse("accounts:login")]:
        html = client_for("office").get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", html), url
        assert " style=" not in html and "<style" not in html, url
        assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html, url


@pytest.mark.django_db
def test_vendor_assets_are_served_locally(client_for: Any, users: Any) -> None:
    c = client_for("office")
    for path in ("vendor/htmx.min.js", "vendor/chart.umd.min.js", "vendor/cytoscape.min.js", "bidwatch/app.css"):
        response = c.get(settings.STATIC_URL + path)
        assert response.status_code == 200, path


def test_secret_key_generated_outside_the_repo() -> None:
    assert settings.SECRET_KEY and len(settings.SECRET_KEY) >= 40
    key_file = Path(settings.DATA_DIR) / "secret_key"
    assert key_file.exists() and (key_file.stat().st_mode & 0o077) == 0
    repo = Path(__file__).resolve().parents[2]
    assert not Path(settings.DATA_DIR).is_relative_to(repo) or "var" in str(settings.DATA_DIR)


def test_database_url_parsing(tmp_path: Path) -> None:
    default = parse_database_url("", sqlite_default=tmp_path / "x.db")
    assert default["ENGINE"].endswith("sqlite3") and default["NAME"] == str(tmp_path / "x.db")
    pg = parse_database_url("postgres://bw:s%40cret@db.internal:5433/bidwatch?sslmode=require", sqlite_default=tmp_path)
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == ("bw", "s@cret", "db.internal", "5433", "bidwatch")
    assert pg["OPTIONS"] == {"sslmode": "require"}
    assert parse_database_url("sqlite:////abs/file.db", sqlite_default=tmp_path)["NAME"] == "/abs/file.db"
    with pytest.raises(ValueError):
        parse_database_url("mysql://x", sqlite_default=tmp_path)


@pytest.mark.django_db
def test_language_switch(client_for: Any, users: Any) -> None:
    c = client_for("office")
    assert "仪表盘" in c.get("/").content.decode() or "总览" in c.get("/").content.decode()
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Dashboard" in c.get("/").content.decode()
