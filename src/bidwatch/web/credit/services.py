"""Registry workflow steps — enter, revoke — each writing the entry, its history and the audit entry
in one transaction; and the queries the pages share.

Who may act: the campaign office and the discipline commission (``Cap.MANAGE_REGISTRY``); departments
and auditors read the registry (``Cap.VIEW_REGISTRY``), whatever their sector: a joint punishment
binds every sector.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.credit.models import RegistryEntry
from bidwatch.web.credit.workflow import WORKFLOW
from bidwatch.web.tenders.models import Company
from bidwatch.web.workflow.checks import required

#: The fields a user enters.
ENTRY_FIELDS = ("company_id", "uscc", "person_id", "person_name", "company_name", "measure", "authority",
                "document_number", "reason", "legal_basis", "start_on", "end_on", "publish_until")


def today() -> dt.date:
    return timezone.localdate()


# --- queries -----------------------------------------------------------------------------------

def state_q(state: str, on: dt.date) -> Q:
    ended = Q(end_on__isnull=False, end_on__lt=on)
    removed = Q(removed_on__isnull=False, removed_on__lte=on)
    if state == RegistryEntry.State.REVOKED:
        return Q(revoked_on__isnull=False)
    if state == RegistryEntry.State.REMOVED:
        return Q(revoked_on__isnull=True) & removed
    if state == RegistryEntry.State.EXPIRED:
        return Q(revoked_on__isnull=True) & ~removed & ended
    if state == RegistryEntry.State.PENDING:
        return Q(revoked_on__isnull=True) & ~removed & ~ended & Q(start_on__gt=on)
    if state == RegistryEntry.State.ACTIVE:
        return Q(revoked_on__isnull=True) & ~removed & ~ended & Q(start_on__lte=on)
    return Q()


def search_q(text: str) -> Q:
    text = text.strip()
    return (Q(company_name__icontains=text) | Q(company_id__iexact=text) | Q(uscc__iexact=text)
            | Q(person_id__iexact=text) | Q(person_name__icontains=text) | Q(document_number__icontains=text))


def for_company(company: Company) -> QuerySet[RegistryEntry]:
    """Entries naming the company by its ID or its USCC, revoked ones included (marked on the page)."""
    q = Q(company_id=company.company_id)
    if company.uscc:
        q |= Q(uscc=company.uscc.upper())
    return RegistryEntry.objects.filter(q).order_by("-start_on", "-id")


# --- workflow steps ----------------------------------------------------------------------------

def _require_manager(user: Any) -> None:
    if not can(user, Cap.MANAGE_REGISTRY):
        raise PermissionDenied("manage_registry")


def _company_name(entry: RegistryEntry) -> str:
    """The name the company records give the subject (by company ID, else by credit code)."""
    names = Company.objects.values_list("name", flat=True)
    if entry.company_id:
        name = names.filter(pk=entry.company_id).first()
        if name:
            return name
    return (names.filter(uscc__iexact=entry.uscc).first() or "") if entry.uscc else ""


@transaction.atomic
def record_entry(user: Any, *, request: Any = None, **fields: Any) -> RegistryEntry:
    """Enter a decision in the registry. Raises ``ValidationError`` naming the field at fault."""
    _require_manager(user)
    entry = RegistryEntry(recorded_by=user, **fields)
    entry.full_clean(exclude=["recorded_by", "revoked_by"])
    if not entry.company_name:
        entry.company_name = _company_name(entry)
    entry.save()
    WORKFLOW.log(entry, user, "record", entry.reason[:200], request, measure=entry.measure,
         company_id=entry.company_id, uscc=entry.uscc, person_id=entry.person_id,
         start_on=str(entry.start_on), end_on=str(entry.end_on) if entry.end_on else None,
         document_number=entry.document_number)
    return entry


@transaction.atomic
def revoke(entry: RegistryEntry, user: Any, on: dt.date, reason: str, *,
           request: Any = None) -> RegistryEntry:
    """Revoke (撤销) an entry: kept with its history, never fed to a scan again."""
    WORKFLOW.begin(entry, user, "revoke")
    reason = required(reason, _("say why it is revoked"))
    if on > today():
        raise ValueError(_("the revocation date is in the future"))
    entry.revoked_on, entry.revoke_reason, entry.revoked_by = on, reason, user
    return WORKFLOW.finish(entry, user, "revoke", reason, request,
                           fields=["revoked_on", "revoke_reason", "revoked_by"], revoked_on=str(on))


# --- credit repair (信用修复) ------------------------------------------------------------------------

@transaction.atomic
def apply_repair(entry: RegistryEntry, user: Any, on: dt.date, applicant: str, grounds: str, *,
                 request: Any = None) -> Any:
    from bidwatch.web.credit.models import CreditRepair

    WORKFLOW.begin(entry, user, "apply_repair")
    if entry.pending_repair() is not None:
        raise ValueError(_("an application is under review"))
    if not (applicant.strip() and grounds.strip()):
        raise ValueError(_("name the applicant and the grounds"))
    if on < entry.start_on:
        raise ValueError(_("applied before the entry started"))
    repair = CreditRepair.objects.create(entry=entry, applied_on=on, applicant=applicant.strip(), grounds=grounds.strip())
    WORKFLOW.log(entry, user, "apply_repair", grounds.strip()[:200], request, applicant=applicant.strip(),
                 applied_on=str(on))
    return repair


def _review(entry: RegistryEntry, user: Any, step: str, on: dt.date, note: str, request: Any) -> Any:
    WORKFLOW.begin(entry, user, step)
    repair = entry.pending_repair()
    if repair is None:
        raise ValueError(_("no application awaits review"))
    if not note.strip():
        raise ValueError(_("record the review"))
    if on < repair.applied_on:
        raise ValueError(_("decided before the application"))
    repair.status = repair.Status.APPROVED if step == "approve_repair" else repair.Status.REFUSED
    repair.decided_on, repair.decision_note = on, note.strip()
    repair.save()
    if step == "approve_repair":
        entry.removed_on = on
        entry.save(update_fields=["removed_on"])
    WORKFLOW.log(entry, user, step, note.strip()[:200], request, decided_on=str(on),
                 removed_on=str(entry.removed_on) if entry.removed_on else None)
    return repair


@transaction.atomic
def approve_repair(entry: RegistryEntry, user: Any, on: dt.date, note: str, *, request: Any = None) -> Any:
    """Early removal: the entry applies until the day before ``on`` (scans from the next import or rescan)."""
    return _review(entry, user, "approve_repair", on, note, request)


@transaction.atomic
def refuse_repair(entry: RegistryEntry, user: Any, on: dt.date, note: str, *, request: Any = None) -> Any:
    return _review(entry, user, "refuse_repair", on, note, request)
