"""Unit documents: the campaign's required documents, the units' uploads (type and size checked), who is
missing what, the dashboard reminder. The file's first bytes decide its type, not its name alone: a PDF starts
``%PDF-``; a DOCX or XLSX is a ZIP holding ``word/document.xml`` or ``xl/workbook.xml``."""

from __future__ import annotations

import datetime as dt
import zipfile
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bidwatch.web.accounts.models import Agency, Role
from bidwatch.web.audit.services import record
from bidwatch.web.deadlines import calendar, today
from bidwatch.web.supervision.models import Campaign, DocumentRequirement, DocumentSubmission

MAX_BYTES = 20 * 1024 * 1024
KINDS = {".pdf": None, ".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def check_file(f: Any) -> None:
    """Refuse (ValueError) a file that is not a PDF, DOCX or XLSX by name and by content, or is too large."""
    name = (getattr(f, "name", "") or "").lower()
    ext = next((e for e in KINDS if name.endswith(e)), None)
    if ext is None:
        raise ValueError(_("only PDF, DOCX or XLSX files"))
    if f.size > MAX_BYTES:
        raise ValueError(_("the file is larger than %(mb)s MB") % {"mb": MAX_BYTES // 1024 // 1024})
    if f.size == 0:
        raise ValueError(_("the file is empty"))
    f.seek(0)
    head = f.read(8)
    f.seek(0)
    if ext == ".pdf":
        ok = head.startswith(b"%PDF-")
    else:
        ok = head.startswith(b"PK\x03\x04")
        if ok:
            try:
                with zipfile.ZipFile(f) as z:
                    ok = KINDS[ext] in z.namelist()
            except zipfile.BadZipFile:
                ok = False
            f.seek(0)
    if not ok:
        raise ValueError(_("the file's content is not what its name says"))


def units(campaign: Campaign) -> list[Agency]:
    chosen = list(campaign.units.order_by("id"))
    return chosen or list(Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).order_by("id"))


@transaction.atomic
def submit(user: Any, requirement: DocumentRequirement, f: Any, *, on: dt.date | None = None,
           request: Any = None) -> DocumentSubmission:
    """The user's unit submits ``f`` for ``requirement``."""
    from django.core.exceptions import PermissionDenied

    if user.role != Role.DEPARTMENT or user.agency_id is None:
        raise PermissionDenied("documents:submit")
    if user.agency not in units(requirement.campaign):
        raise PermissionDenied("documents:not a unit of this campaign")
    check_file(f)
    s = DocumentSubmission(requirement=requirement, unit_id=user.agency_id, name=f.name[-200:], size=f.size,
                           submitted_on=on or today(), submitted_by=user)
    s.file.save(f.name, f, save=False)
    s.save()
    record(user, "campaign", s, request=request, step="submit_document", requirement=requirement.name,
           unit=user.agency.code, late=s.late, size=s.size)
    return s


def first_submissions(campaign: Campaign) -> dict[tuple[int, int], DocumentSubmission]:
    out: dict[tuple[int, int], DocumentSubmission] = {}
    for s in DocumentSubmission.objects.filter(requirement__campaign=campaign).order_by("submitted_on", "id"):
        out.setdefault((s.requirement_id, s.unit_id), s)
    return out


def matrix(campaign: Campaign, only: Agency | None = None, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Per required document, per unit: the first submission (on time or late) or missing (overdue or not)."""
    on = on or today()
    first = first_submissions(campaign)
    us = [only] if only else units(campaign)
    rows = []
    for r in campaign.requirements.all():
        cells = []
        for u in us:
            s = first.get((r.pk, u.pk))
            cells.append({"unit": u, "sub": s, "late": bool(s and s.late), "missing": s is None,
                          "overdue": s is None and r.due_on < on})
        rows.append({"req": r, "cells": cells})
    return rows


def missing(user: Any, on: dt.date | None = None) -> dict[str, int]:
    """The dashboard's counts: documents of the current campaign not yet submitted, past due or due within
    five working days (a unit: its own; the office and the readers: every unit's)."""
    on = on or today()
    campaign = Campaign.get_current()
    if campaign is None:
        return {"overdue": 0, "soon": 0}
    only = user.agency if user.role == Role.DEPARTMENT else None
    if only is not None and only not in units(campaign):
        return {"overdue": 0, "soon": 0}
    soon_limit = calendar().add_workdays(on, 5)
    out = {"overdue": 0, "soon": 0}
    for row in matrix(campaign, only, on):
        for c in row["cells"]:
            if c["missing"]:
                if row["req"].due_on < on:
                    out["overdue"] += 1
                elif row["req"].due_on <= soon_limit:
                    out["soon"] += 1
    return out


def requirements(campaign: Campaign) -> QuerySet[DocumentRequirement]:
    return campaign.requirements.all()
