"""Agencies (the campaign's units) and users with one role each."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from bidwatch.web.cases import Named


class Sector(models.TextChoices):
    """Sectors of the data contract (projects.sector); a department acts on its own."""

    HOUSING = "housing", _("Housing and construction")
    TRANSPORT = "transport", _("Transport")
    WATER = "water", _("Water resources")
    LAND = "land", _("Natural resources")
    OTHER = "other", _("Other")


def sector_field(verbose_name: Any = None, **options: Any) -> models.CharField:  # type: ignore[type-arg]
    """The sector a record belongs to (:class:`Sector`): what decides whether a department's staff see and act
    on it (``scoping.py``). Records that may not know theirs pass ``default=Sector.OTHER``."""
    return models.CharField(verbose_name or _("sector"), max_length=20, choices=Sector.choices, **options)


class Agency(Named):
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
    sector = sector_field(
        _("sector supervised"), blank=True,
        help_text=_("Department staff see and act on the tenders and alerts of this sector."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["id"]

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


def unit_field(verbose_name: Any, related_name: str = "+") -> models.ForeignKey:  # type: ignore[type-arg]
    """A unit of the campaign (:class:`Agency`) acting on or answering for a record: the unit responsible, the
    one that issued, sent, received or recorded it. Required, and protected: a unit with records cannot be
    deleted. ``related_name`` "+" (the default) where the unit needs no list of them."""
    return models.ForeignKey(Agency, verbose_name=verbose_name, on_delete=models.PROTECT,
                             related_name=related_name)


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
    #: 专治办主任: a campaign office user who heads the office; grants ``roles.HEAD_CAPS`` (approving bulletins)
    office_head = models.BooleanField(
        _("office head (专治办主任)"), default=False,
        help_text=_("Approves the campaign's bulletins (通报). Only for users of the campaign office role."),
    )
    must_change_password = models.BooleanField(
        _("must set a new password"), default=False,
        help_text=_("Set when someone else (an administrator) sets the password: the user chooses a new one "
                    "at the next login."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        if self.office_head and self.role != Role.OFFICE:
            from django.core.exceptions import ValidationError

            raise ValidationError({"office_head": _("Only a user of the campaign office role can head the office.")})

    @property
    def sector(self) -> str:
        """The sector a department user is confined to ('' = none)."""
        return self.agency.sector if self.agency_id and self.agency else ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every change to who a user is or may do is audited (``accounts/audit.py``); a password set
        by someone else must be replaced by the user at the next login."""
        from bidwatch.web.accounts import audit

        with transaction.atomic():
            pending = audit.before_save(self, kwargs)
            super().save(*args, **kwargs)
            audit.after_save(self, pending)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        from bidwatch.web.accounts import audit

        with transaction.atomic():
            audit.deleted(self)
            return super().delete(*args, **kwargs)


class LoginThrottle(models.Model):
    """Failed logins of one user name from one client address in the current window (login throttling).

    The count is taken *before* the password is checked, in one locked update, so parallel guesses
    cannot slip past the limit; a successful login removes the row, an administrator may too (unlock)."""

    username = models.CharField(_("user name"), max_length=150)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    failures = models.PositiveIntegerField(_("failed logins"), default=0)
    window_start = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("login lock")
        verbose_name_plural = _("login locks")
        constraints = [models.UniqueConstraint(fields=["username", "ip"], name="login_throttle_user_ip")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip or '?'}: {self.failures}"
