"""Agencies (the campaign's units) and users with one role each."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    """Sectors of the data contract (projects.sector); a department acts on its own."""

    HOUSING = "housing", _("Housing and construction")
    TRANSPORT = "transport", _("Transport")
    WATER = "water", _("Water resources")
    LAND = "land", _("Natural resources")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """A unit taking part in the campaign (专项整治办公室, 纪工委/监工委, 住建, ...)."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("Campaign office")
        DISCIPLINE = "discipline", _("Discipline inspection and supervision")
        DEPARTMENT = "department", _("Industry department")
        POLICE = "police", _("Public security")
        AUDIT = "audit", _("Audit")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sector = models.CharField(
        _("sector supervised"), max_length=20, choices=Sector.choices, blank=True,
        help_text=_("Department staff see and act on the tenders and alerts of this sector."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICE = "office", _("Campaign office")
    DISCIPLINE = "discipline", _("Discipline commission")
    DEPARTMENT = "department", _("Department staff")
    AUDITOR = "auditor", _("Auditor (read-only)")


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AUDITOR)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def sector(self) -> str:
        """The sector a department user is confined to ('' = none)."""
        return self.agency.sector if self.agency_id and self.agency else ""


class LoginAttempt(models.Model):
    """Failed and successful logins, for throttling and the audit of access."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    success = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")
