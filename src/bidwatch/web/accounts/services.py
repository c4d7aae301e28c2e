"""Login throttling and the seeding of the campaign's agencies and demo users."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bidwatch.web.accounts.models import Agency, LoginAttempt, Role, Sector, User

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
    ("discipline", Role.DISCIPLINE, "discipline"),
    ("housing", Role.DEPARTMENT, "housing"),
    # A second department whose sector the synthetic demo data has (it plants no transport projects).
    ("water", Role.DEPARTMENT, "water"),
    ("auditor", Role.AUDITOR, "audit"),
]


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
        user.agency = Agency.objects.get(code=agency_code)
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        if password:
            user.set_password(password)
        user.save()
        result[username] = password
    return result


def login_blocked(username: str, ip: str | None) -> bool:
    """Too many failed logins for this user name or this address within the window."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    who = Q(username__iexact=username)
    if ip:
        who |= Q(ip=ip)
    return LoginAttempt.objects.filter(who, at__gte=since, success=False).count() >= settings.LOGIN_MAX_FAILURES


def note_attempt(username: str, ip: str | None, *, success: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], ip=ip, success=success)
    if success:
        # A good login clears this user's failures (not the address's: a shared NAT keeps its count).
        LoginAttempt.objects.filter(username__iexact=username, success=False).delete()
