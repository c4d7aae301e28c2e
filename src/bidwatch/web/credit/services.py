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

from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.credit.models import RegistryEntry, RegistryEvent
from bidwatch.web.tenders.models import Company

#: The fields a user enters.
ENTRY_FIELDS = ("company_id", "uscc", "person_id", "company_name", "measure", "authority", "document_number",
                "reason", "legal_basis", "start_on", "end_on")


def today() -> dt.date:
    return timezone.localdate()


# --- queries -----------------------------------------------------------------------------------

def state_q(state: str, on: dt.date) -> Q:
    ended = Q(end_on__isnull=False, end_on__lt=on)
    if state == RegistryEntry.State.REVOKED:
        return Q(revoked_on__isnull=False)
    if state == RegistryEntry.State.EXPIRED:
        return Q(revoked_on__isnull=True) & ended
    if state == RegistryEntry.State.ACTIVE:
        return Q(revoked_on__isnull=True) & ~ended
    return Q()


def search_q(text: str) -> Q:
    text = text.strip()
    return (Q(company_name__icontains=text) | Q(company_id__iexact=text) | Q(uscc__iexact=text)
            | Q(person_id__iexact=text) | Q(document_number__icontains=text))


def for_company(company: Company) -> QuerySet[RegistryEntry]:
    """Entries naming the company by its ID or its USCC, revoked ones included (marked on the page)."""
    q = Q(company_id=company.company_id)
    if company.uscc:
        q |= Q(uscc=company.uscc.upper())
    return RegistryEntry.objects.filter(q).order_by("-start_on", "-id")


# --- workflow steps ----------------------------------------------------------------------------

def _log(entry: RegistryEntry, user: Any, step: str, note: str, request: Any, **detail: Any) -> None:
    RegistryEvent.objects.create(entry=entry, actor=user, step=step, note=note)
    record(user, AuditEntry.Action.REGISTRY, entry, request=request, step=step, sanction_id=entry.public_id,
           **detail)


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
    _log(entry, user, "record", entry.reason[:200], request, measure=entry.measure,
         company_id=entry.company_id, uscc=entry.uscc, person_id=entry.person_id,
         start_on=str(entry.start_on), end_on=str(entry.end_on) if entry.end_on else None,
         document_number=entry.document_number)
    return entry


@transaction.atomic
def revoke(entry: RegistryEntry, user: Any, on: dt.date, reason: str, *,
           request: Any = None) -> RegistryEntry:
    """Revoke (撤销) an entry: kept with its history, never fed to a scan again."""
    _require_manager(user)
    entry = RegistryEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.revoked_on is not None:
        raise ValueError(f"{entry.public_id} was revoked on {entry.revoked_on} / 该记录已撤销")
    if not reason.strip():
        raise ValueError("say why / 请填写撤销理由")
    if on > today():
        raise ValueError("the revocation date is in the future / 撤销日期晚于今天")
    entry.revoked_on, entry.revoke_reason, entry.revoked_by = on, reason.strip(), user
    entry.save(update_fields=["revoked_on", "revoke_reason", "revoked_by"])
    _log(entry, user, "revoke", entry.revoke_reason, request, revoked_on=str(on))
    return entry
