"""Imported tendering data (rows of the data contract) with the scan's risk figures.

Rows are keyed by the dataset's own identifiers and upserted on every import, so that a later
import of a fuller extract updates them and the triage of alerts survives re-imports.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Sector, sector_field
from bidwatch.web.cases import Named
from bidwatch.web.core.fields import status_field

MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}
#: The length of an imported id (a company's, project's, tender's, bid's, sanction's, person's), in
#: characters. Ids are the source system's own and are stored whole, never cut (two ids cut to one prefix
#: merged their bids, QA 2026-12: Armenia's OCDS lot ids have 76 characters, its bid ids 113; Paraguay's
#: award ids 112, its company ids 105). OCDS ids are free strings that publishers build from the ocid, the
#: lot and a UUID, so 100–200 characters occur; 255 leaves room and keeps the keys an ordinary index entry
#: (at most 1 kB in UTF-8). A longer id refuses the import, naming its table, row and column
#: (``datasets/loader.py``, ``ID_COLUMNS``).
ID_LENGTH = 255


class Provenance(models.Model):
    """Where a row came from: the source system declared at import (``DatasetImport.source_system``)
    and the import that last wrote it. Ids are the source system's own: a row belongs to one source,
    and an import from another source that reuses its id is refused (``datasets/diff.py``)."""

    source = models.CharField(_("source system"), max_length=64, blank=True, db_index=True)
    dataset_import = models.ForeignKey(
        "datasets.DatasetImport", verbose_name=_("import"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False,
    )

    class Meta:
        abstract = True


class Company(Provenance, Named):
    company_id = models.CharField(_("company ID"), max_length=ID_LENGTH, primary_key=True)
    name = models.CharField(_("name"), max_length=300)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    legal_rep = models.CharField(_("legal representative"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    founded_on = models.DateField(_("founded"), null=True, blank=True)
    registered_capital = models.DecimalField(_("registered capital"), **MONEY)
    risk_score = models.FloatField(_("risk score"), null=True, blank=True, db_index=True)
    n_bids = models.IntegerField(_("bids"), default=0)
    n_wins = models.IntegerField(_("wins"), default=0)
    n_alerts = models.IntegerField(_("alerts"), default=0)
    risk_detail = models.JSONField(_("risk detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    @property
    def win_rate(self) -> float | None:
        return self.n_wins / self.n_bids if self.n_bids else None


class Project(Provenance, Named):
    project_id = models.CharField(_("project ID"), max_length=ID_LENGTH, primary_key=True)
    name = models.TextField(_("name"))  # free text: a project name of 975 characters occurs (OCDS, Mexico)
    owner_name = models.CharField(_("owner"), max_length=300, blank=True)
    sector = sector_field(default=Sector.OTHER)
    estimated_amount = models.DecimalField(_("estimated amount"), **MONEY)
    state_funded = models.BooleanField(_("state funded"), null=True, blank=True)
    approved_on = models.DateField(_("approved"), null=True, blank=True)
    permit_on = models.DateField(_("construction permit"), null=True, blank=True)
    works_started_on = models.DateField(_("works started"), null=True, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")


class Tender(Provenance):
    tender_id = models.CharField(_("tender ID"), max_length=ID_LENGTH, primary_key=True)
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tenders"
    )
    title = models.TextField(_("title"), blank=True)  # stored whole: OCDS titles of 975 characters occur
    category = models.CharField(_("category"), max_length=20, blank=True)
    procedure = models.CharField(_("procedure"), max_length=20, blank=True)
    tenderer = models.ForeignKey(
        Company, verbose_name=_("tenderer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="tenders_owned", db_constraint=False,
    )
    agency = models.CharField(_("tendering agency"), max_length=300, blank=True)
    ceiling_price = models.DecimalField(_("price ceiling"), **MONEY)
    estimate = models.DecimalField(_("estimate"), **MONEY)
    announced_on = models.DateField(_("announced"), null=True, blank=True, db_index=True)
    bid_deadline = models.DateTimeField(_("bid deadline"), null=True, blank=True)
    award_method = models.CharField(_("award method"), max_length=20, blank=True)
    candidates_published_on = models.DateField(_("candidates published"), null=True, blank=True)
    awarded_on = models.DateField(_("awarded"), null=True, blank=True)
    winner = models.ForeignKey(
        Company, verbose_name=_("winner"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="tenders_won", db_constraint=False,
    )
    award_price = models.DecimalField(_("award price"), **MONEY)
    contract_signed_on = models.DateField(_("contract signed"), null=True, blank=True)
    # Denormalised from the project: the dashboard and department scoping filter on them.
    sector = sector_field(default=Sector.OTHER)
    region_code = models.CharField(_("district"), max_length=12, blank=True)
    n_bids = models.IntegerField(_("bids"), default=0)
    risk_score = models.FloatField(_("risk score"), null=True, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=20, blank=True)
    n_alerts = models.IntegerField(_("alerts"), default=0)
    n_high = models.IntegerField(_("high-severity alerts"), default=0)
    top_indicators = models.CharField(_("main indicators"), max_length=500, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        indexes = [
            models.Index(fields=["-risk_score"], name="tender_risk_idx"),
            models.Index(fields=["sector", "-risk_score"], name="tender_sector_risk_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.tender_id


def tender_link(related_name: str) -> models.ForeignKey:  # type: ignore[type-arg]
    """The imported tender a record is about (an alert, a clue, a complaint, a ledger problem, a bid-file
    comparison), when there is one. No database constraint: the tender rows are written by imports, keyed by
    the dataset's own ids, and must not be held up by the records that point at them; emptied when the tender
    is deleted."""
    return models.ForeignKey(Tender, verbose_name=_("tender"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name=related_name, db_constraint=False)


class Bid(Provenance):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        DISQUALIFIED = "disqualified", _("Disqualified")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    bid_id = models.CharField(_("bid ID"), max_length=ID_LENGTH, primary_key=True)
    tender = models.ForeignKey(Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="bids")
    company = models.ForeignKey(
        Company, verbose_name=_("bidder"), on_delete=models.CASCADE, related_name="bids", db_constraint=False
    )
    price = models.DecimalField(_("bid price"), **MONEY)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    status = status_field(Status, Status.VALID)
    disqualify_reason = models.CharField(_("reason for disqualification"), max_length=500, blank=True)
    rank = models.IntegerField(_("rank"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    project_manager_id = models.CharField(_("project manager"), max_length=ID_LENGTH, blank=True)
    agent_id = models.CharField(_("agent"), max_length=ID_LENGTH, blank=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        indexes = [models.Index(fields=["company", "tender"], name="bid_company_idx")]


class Sanction(Provenance):
    sanction_id = models.CharField(_("record ID"), max_length=ID_LENGTH, primary_key=True)
    company_key = models.CharField(_("company ID"), max_length=ID_LENGTH, blank=True, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    person_id = models.CharField(_("person"), max_length=ID_LENGTH, blank=True)
    measure = models.CharField(_("measure"), max_length=30)
    authority = models.CharField(_("authority"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    start_on = models.DateField(_("from"), null=True, blank=True)
    end_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")


class BidderLink(models.Model):
    """Two bidders of one tender that share a person, a device, an account or a phone."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Shared person")
        DEVICE = "device", _("Shared device")
        ACCOUNT = "account", _("Shared bank account")
        PHONE = "phone", _("Shared phone or e-mail")
        FILE = "file", _("Identical file")

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="links")
    company_a = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    company_b = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    attribute = models.CharField(_("attribute"), max_length=40)
    value = models.CharField(_("value"), max_length=200)

    class Meta:
        verbose_name = _("bidder link")
        verbose_name_plural = _("bidder links")
