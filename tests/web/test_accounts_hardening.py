"""Accounts (issue 18 items 8 and 9): login throttling per (user, client address), atomic, behind a
trusted proxy, with recovery; users change their own password; every change to a user is audited and
an administrator's password reset forces a new password at the next login."""

from __future__ import annotations

import argparse
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from bidwatch.web.accounts import services
from bidwatch.web.accounts.models import Agency, LoginThrottle, Role, User
from bidwatch.web.audit.models import AuditEntry
from tests.web.factories import PASSWORD

NEW_PASSWORD = "a-new-long-password-42"


def _login(username: str, password: str, ip: str = "10.0.0.1", **headers: str) -> Client:
    c = Client(REMOTE_ADDR=ip, **headers)
    c.post(reverse("accounts:login"), {"username": username, "password": password})
    return c


def _logged_in(c: Client) -> bool:
    return "_auth_user_id" in c.session


def _fail(username: str, ip: str = "10.0.0.1", **headers: str) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert not _logged_in(_login(username, "wrong", ip, **headers))


def _cli(*argv: str) -> int:
    from bidwatch.web.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["web", *argv])
    return int(args.func(args))


# --- item 8: throttling ------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_guesser_locks_out_only_itself(users: Any) -> None:
    _fail("office", "10.0.0.1")
    assert not _logged_in(_login("office", PASSWORD, "10.0.0.1"))  # locked, even with the right password
    assert _logged_in(_login("office", PASSWORD, "10.0.0.2"))  # the same user at another desk
    assert _logged_in(_login("discipline", PASSWORD, "10.0.0.1"))  # another user behind the same address


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_header_names_the_client(users: Any, settings: Any) -> None:
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = "127.0.0.1"
    _fail("office", proxy, HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert not _logged_in(_login("office", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="10.1.1.1"))
    # another client behind the same proxy is not locked out
    assert _logged_in(_login("office", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="spoofed, 10.1.1.2"))
    entry = AuditEntry.objects.filter(action="login", username="office").latest("id")
    assert entry.ip == "10.1.1.2"
    assert AuditEntry.objects.filter(action="login_failed", username="office", ip="10.1.1.1").exists()


@pytest.mark.django_db
def test_an_untrusted_client_cannot_choose_its_address(users: Any, settings: Any) -> None:
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for i in range(settings.LOGIN_MAX_FAILURES):
        _login("office", "wrong", "10.6.6.6", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert not _logged_in(_login("office", PASSWORD, "10.6.6.6", HTTP_X_FORWARDED_FOR="192.0.2.99"))
    assert set(LoginThrottle.objects.values_list("ip", flat=True)) == {"10.6.6.6"}


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_get_no_more_checks_than_the_limit(users: Any) -> None:
    n = 24
    barrier = threading.Barrier(n)
    results: list[bool] = []
    lock = threading.Lock()

    def guess() -> None:
        try:
            barrier.wait()
            allowed = services.reserve_login_attempt("office", "10.2.2.2")
            with lock:
                results.append(allowed)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == n
    assert sum(results) == settings.LOGIN_MAX_FAILURES
    assert LoginThrottle.objects.get(username="office", ip="10.2.2.2").failures == settings.LOGIN_MAX_FAILURES


@pytest.mark.django_db
def test_a_locked_user_recovers(users: Any) -> None:
    # the window passes
    _fail("office")
    LoginThrottle.objects.update(window_start=LoginThrottle.objects.get().window_start - timedelta(minutes=16))
    assert _logged_in(_login("office", PASSWORD))
    assert not LoginThrottle.objects.exists()  # a good login clears the count
    # an administrator unlocks (command line), audited
    _fail("office")
    assert _cli("unlock", "Office") == 0
    assert _logged_in(_login("office", PASSWORD))
    assert AuditEntry.objects.filter(action="user", object_id="Office", detail__op="unlock").exists()
    # ... or in the admin site
    _fail("office")
    lock = LoginThrottle.objects.get()
    admin = Client()
    admin.force_login(users["admin"])
    response = admin.post(reverse("admin:accounts_loginthrottle_delete", args=[lock.pk]), {"post": "yes"})
    assert response.status_code == 302 and not LoginThrottle.objects.exists()
    assert AuditEntry.objects.filter(action="change", object_type="accounts.loginthrottle",
                                     detail__op="delete", username="admin").exists()
    assert _logged_in(_login("office", PASSWORD))


@pytest.mark.django_db
def test_users_change_their_own_password(client_for: Any, users: Any) -> None:
    office = client_for("office")
    assert 'data-testid="change-password"' in office.get(reverse("accounts:profile")).content.decode()
    response = office.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert office.get(reverse("tenders:dashboard")).status_code == 200  # still logged in
    assert _logged_in(_login("office", NEW_PASSWORD))
    entry = AuditEntry.objects.filter(action="user", object_id=str(users["office"].pk)).latest("id")
    assert entry.username == "office" and entry.detail["password"] == "changed"
    assert "must_change_password" not in entry.detail
    # a wrong old password changes nothing
    response = office.post(reverse("accounts:password_change"), {
        "old_password": "wrong", "new_password1": "x-another-one-99", "new_password2": "x-another-one-99"})
    assert response.status_code == 200 and _logged_in(_login("office", NEW_PASSWORD, "10.0.0.9"))


# --- item 9: changes to users -------------------------------------------------------------------

@pytest.mark.django_db
def test_an_admins_password_reset_is_audited_and_forces_a_new_password(client_for: Any, users: Any) -> None:
    office = users["office"]
    admin = client_for("admin")
    response = admin.post(reverse("admin:auth_user_password_change", args=[office.pk]),
                          {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    office.refresh_from_db()
    assert office.must_change_password
    reset = AuditEntry.objects.filter(action="user", object_id=str(office.pk)).latest("id")
    assert reset.username == "admin" and reset.detail["password"] == "reset"
    assert reset.detail["must_change_password"] is True
    assert reset.detail["changes"] == {"must_change_password": [False, True]}
    # the administrator cannot lift the requirement in the admin site
    form = admin.get(reverse("admin:accounts_user_change", args=[office.pk])).content.decode()
    assert 'name="must_change_password"' not in form
    # the auditor sees it
    page = client_for("auditor").get(reverse("audit:log"), {"action": "user"}).content.decode()
    assert "admin" in page and "password=reset" in page
    # whoever logs in with the reset password must first choose a new one
    c = _login("office", NEW_PASSWORD)
    assert _logged_in(c)
    for url in (reverse("tenders:dashboard"), reverse("alerts:list"), reverse("campaign:list")):
        response = c.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    assert 'data-testid="must-change"' in c.get(reverse("accounts:password_change")).content.decode()
    c.post(reverse("accounts:password_change"), {
        "old_password": NEW_PASSWORD, "new_password1": "mine-and-only-mine-7", "new_password2": "mine-and-only-mine-7"})
    office.refresh_from_db()
    assert not office.must_change_password
    assert c.get(reverse("tenders:dashboard")).status_code == 200
    changed = AuditEntry.objects.filter(action="user", object_id=str(office.pk)).latest("id")
    assert changed.username == "office" and changed.detail["password"] == "changed"


@pytest.mark.django_db
def test_role_unit_and_activation_changes_are_audited(client_for: Any, users: Any) -> None:
    from bidwatch.web.audit.services import current_request

    office = users["office"]
    request = type("R", (), {"user": users["admin"], "META": {"REMOTE_ADDR": "10.3.3.3"}})()
    token = current_request.set(request)  # as inside the admin site's request
    try:
        office.role = Role.DEPARTMENT
        office.agency = Agency.objects.get(code="housing")
        office.is_active = False
        office.save()
    finally:
        current_request.reset(token)
    entry = AuditEntry.objects.filter(action="user", object_id=str(office.pk)).latest("id")
    assert entry.username == "admin" and entry.ip == "10.3.3.3" and entry.detail["op"] == "change"
    assert entry.detail["changes"] == {"role": ["office", "department"], "agency": ["office", "housing"],
                                       "is_active": [True, False]}
    # from the command line (no request): audited too, by nobody in particular
    office.is_active = True
    office.save()
    entry = AuditEntry.objects.filter(action="user", object_id=str(office.pk)).latest("id")
    assert entry.username == "" and entry.detail["changes"] == {"is_active": [False, True]}
    # a login (last_login) is not a change to the user
    before = AuditEntry.objects.filter(action="user").count()
    assert _logged_in(_login("discipline", PASSWORD))
    assert AuditEntry.objects.filter(action="user").count() == before


@pytest.mark.django_db
def test_admin_site_edits_and_new_accounts(client_for: Any, users: Any) -> None:
    admin = client_for("admin")
    response = admin.post("/admin/accounts/user/add/", {
        "username": "newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
        "agency": Agency.objects.get(code="water").pk, "role": "department"})
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="newcomer")
    assert user.must_change_password  # the administrator knows the first password
    created = AuditEntry.objects.filter(action="user", object_id=str(user.pk), detail__op="create").get()
    assert created.username == "admin" and created.detail["changes"]["role"] == [None, "department"]
    assert created.detail["changes"]["agency"] == [None, "water"]
    pk = user.pk
    user.delete()
    gone = AuditEntry.objects.filter(action="user", object_id=str(pk), detail__op="delete").get()
    assert gone.detail["user"] == "newcomer"


@pytest.mark.django_db
def test_the_admin_shows_locks_and_audit_entries_without_writing_them(users: Any) -> None:
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = users["admin"]
    locks, audit = django_admin.site._registry[LoginThrottle], django_admin.site._registry[AuditEntry]
    for model_admin in (locks, audit):
        assert not model_admin.has_add_permission(request) and not model_admin.has_change_permission(request)
        assert model_admin.has_view_permission(request)
    assert locks.has_delete_permission(request) and not audit.has_delete_permission(request)  # unlock, not erase
