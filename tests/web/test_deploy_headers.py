"""Case data is never cached (issue 18 item 7), HTTPS settings behind TLS, and ``check --deploy``
clean with the documented production settings (docs/web.md, Security)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

SRC = Path(__file__).resolve().parents[2] / "src"

#: The production settings docs/web.md documents (besides the database and the data dir).
PRODUCTION = {
    "BIDWATCH_HTTPS": "1",
    "BIDWATCH_ALLOWED_HOSTS": "bidwatch.zzb.example.gov.cn",
    "BIDWATCH_CSRF_TRUSTED_ORIGINS": "https://bidwatch.zzb.example.gov.cn",
    "BIDWATCH_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "BIDWATCH_CLIENT_IP_HEADER": "X-Forwarded-For",
    "BIDWATCH_TRUSTED_PROXIES": "10.0.0.2",
}


def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "private" in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_pages_and_downloads_with_case_data_are_not_stored(client_for: Any, imported: Any) -> None:
    office = client_for("office")
    urls = [
        reverse("tenders:dashboard"), reverse("tenders:detail", args=["T1"]), reverse("tenders:company", args=["C1"]),
        reverse("alerts:list"), reverse("alerts:clues"), reverse("complaints:list"), reverse("campaign:list"),
        reverse("campaign:export"), reverse("reports:campaign") + "?format=xlsx", reverse("credit:list"),
    ]
    for url in urls:
        response = office.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))
    # a refusal too
    assert _no_store(client_for("housing").get(reverse("audit:log")))


def test_https_is_off_on_the_workstation() -> None:
    assert not settings.SECURE_SSL_REDIRECT and settings.SECURE_HSTS_SECONDS == 0


def _check_deploy(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BIDWATCH_", "DATABASE_URL", "DJANGO_"))}
    clean.update({"PYTHONPATH": str(SRC), "BIDWATCH_DATA_DIR": str(tmp_path / "data"), **env})
    code = "import sys; from bidwatch.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, "web", "manage", "check", "--deploy", "--fail-level", "WARNING"],
                          env=clean, capture_output=True, text=True, timeout=300, check=False)


def test_check_deploy_is_clean_with_the_production_settings(tmp_path: Path) -> None:
    done = _check_deploy(PRODUCTION, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    # and it does catch a deployment behind TLS without them
    done = _check_deploy({"BIDWATCH_ALLOWED_HOSTS": "bidwatch.zzb.example.gov.cn"}, tmp_path)
    assert done.returncode != 0 and "W004" in done.stderr + done.stdout


def test_production_settings_send_hsts_and_redirect(tmp_path: Path) -> None:
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='bidwatch.web.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BIDWATCH_", "DJANGO_"))}
    clean.update({"PYTHONPATH": str(SRC), "BIDWATCH_DATA_DIR": str(tmp_path / "data"), **PRODUCTION})
    out = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "31536000", "True", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')"]


@pytest.mark.django_db
def test_secret_key_rotation_keeps_sessions_with_the_fallback(users: Any, settings: Any) -> None:
    from django.test import Client

    from tests.web.factories import PASSWORD

    active, idle = Client(), Client()
    for c in (active, idle):
        assert c.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD}).status_code == 302
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old]
    assert active.get(reverse("tenders:dashboard")).status_code == 200  # still logged in, now under the new key
    settings.SECRET_KEY_FALLBACKS = []  # the old key retired
    assert active.get(reverse("tenders:dashboard")).status_code == 200
    assert idle.get(reverse("tenders:dashboard")).status_code == 302  # not seen during the rotation: log in again
