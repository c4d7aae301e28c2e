"""Login throttling and the seeding of the campaign's agencies and demo users.

Throttling counts failed logins per (user name, client address) — ``LoginThrottle`` — so that a
guesser locks out only itself, not the same user at another desk nor other users behind the same proxy
(the address is ``audit.services.client_ip``: the trusted proxy's header, else the connection's). An
attempt is counted before the password is checked, in one locked row update, so parallel guesses
get no more checks than the limit. Recovery: the lock ends 15 minutes after the first failure, a
successful login clears it, an administrator may remove it (admin site, or ``bidwatch web unlock``).

Why not django-axes (8.3.1): it locks by (user name, address) too and would serve, but its check runs
before the attempt is recorded (a burst of parallel guesses all pass the check, the race this issue
measured), it brings its own middleware, authentication backend, four tables and lockout response next
to ours, and its client address comes from django-ipware's guessing unless configured; the fifty lines
here do what the campaign needs, audited like the rest.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bidwatch.web.accounts.models import Agency, LoginThrottle, Role, Sector, User

#: The campaign's units (domain notes §0): code, Chinese name, English name, kind, sector.
CAMPAIGN_AGENCIES: list[tuple[str, str, str, str, str]] = [
    ("office", "专项整治办公室", "Campaign Office", Agency.Kind.OFFICE, ""),
    ("discipline", "纪工委/监工委", "Discipline Inspection and Supervision Commission", Agency.Kind.DISCIPLINE, ""),
    ("housing", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau", Agency.Kind.DEPARTMENT, Sector.HOUSING),
    ("transport", "交通运输局", "Transport Bureau", Agency.Kind.DEPARTMENT, Sector.TRANSPORT),
    ("water", "水利局", "Water Resources Bureau", Agency.Kind.DEPARTMENT, Sector.WATER),
    ("land", "自然资源局", "Natural Resources Bureau", Agency.Kind.DEPARTMENT, Sector.LAND),
    ("approval", "行政审批局", "Administrative Approval Bureau", Agency.Kind.DEPARTMENT, ""),
    ("industry", "产业发展与科技局", "Industrial Development and Technology Bureau", Agency.Kind.DEPARTMENT, Sector.OTHER),
    ("police", "公安分局", "Public Security Sub-bureau", Agency.Kind.POLICE, ""),
    ("audit", "审计局", "Audit Bureau", Agency.Kind.AUDIT, ""),
]

#: One demo login per role: username, role, agency code.
DEMO_USERS: list[tuple[str, str, str]] = [
    ("admin", Role.ADMIN, "office"),
    ("office", Role.OFFICE, "office"),
    # 专治办主任: an office user who heads the office (approves bulletins, ``DEMO_OFFICE_HEADS``)
    ("head", Role.OFFICE, "office"),
    ("discipline", Role.DISCIPLINE, "discipline"),
    ("housing", Role.DEPARTMENT, "housing"),
    # A second department whose sector the synthetic demo data has (it plants no transport projects).
    ("water", Role.DEPARTMENT, "water"),
    ("auditor", Role.AUDITOR, "audit"),
]

#: The demo users who head the campaign office (``User.office_head``).
DEMO_OFFICE_HEADS = frozenset({"head"})


@transaction.atomic
def seed_agencies() -> list[Agency]:
    out = []
    for code, name, name_en, kind, sector in CAMPAIGN_AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind, "sector": sector}
        )
        out.append(agency)
    return out


def seed_demo_users(*, reset_passwords: bool = False) -> dict[str, str | None]:
    """Create the demo users; return username -> password (None where the user already existed).

    Passwords are generated here, on first run, and never stored in the repository.
    """
    seed_agencies()
    result: dict[str, str | None] = {}
    for username, role, agency_code in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        password: str | None = None
        if user is None or reset_passwords:
            password = "bw-" + secrets.token_urlsafe(9)
        if user is None:
            user = User(username=username)
        user.role = role
        user.office_head = username in DEMO_OFFICE_HEADS
        user.agency = Agency.objects.get(code=agency_code)
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        if password:
            user.set_password(password)
        user.save()
        result[username] = password
    return result


def _key(username: str, ip: str | None) -> dict[str, str]:
    return {"username": username.strip().lower()[:150], "ip": ip or ""}


def reserve_login_attempt(username: str, ip: str | None) -> bool:
    """Count one attempt of ``username`` from ``ip``; False when the limit is already reached (refuse
    without checking the password). Counted first, cleared by :func:`login_succeeded`."""
    key = _key(username, ip)
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row = LoginThrottle.objects.select_for_update().filter(**key).first()
                if row is None:
                    LoginThrottle.objects.create(**key, failures=1, window_start=now)
                    return True
                if row.window_start < now - window:
                    row.failures, row.window_start = 0, now
                if row.failures >= settings.LOGIN_MAX_FAILURES:
                    return False
                row.failures += 1
                row.save(update_fields=["failures", "window_start"])
                return True
        except IntegrityError:  # created by a parallel attempt: count on its row
            continue
    return False


def login_succeeded(username: str, ip: str | None) -> None:
    LoginThrottle.objects.filter(**_key(username, ip)).delete()


def unlock(username: str) -> int:
    """Remove every login lock of ``username`` (an administrator's recovery); the number removed."""
    return int(LoginThrottle.objects.filter(username=username.strip().lower()).delete()[0])
