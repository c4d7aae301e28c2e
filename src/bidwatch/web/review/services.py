"""Pre-tender review steps and the reading of an uploaded draft.

An upload is untrusted: only DOCX and PDF, at most :data:`MAX_BYTES`, copied in chunks while its SHA-256 is
computed, kept under ``DATA_DIR/review-files`` (outside the web root, named by its hash) and parsed in a
worker process with time and memory limits (:func:`bidwatch.documents.worker.parse_files`; DOCX checked for
zip bombs and bad paths first by the reader). A file that cannot be read is refused with the reader's reason.
The text is the DOCX's paragraphs (then its tables, one row a paragraph) or the PDF's pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from bidwatch.documents.safety import DEFAULT_LIMITS
from bidwatch.web.accounts.models import Role
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.deadlines import calendar
from bidwatch.web.review import checks
from bidwatch.web.review.models import Finding, Review, ReviewVersion
from bidwatch.web.review.workflow import WORKFLOW
from bidwatch.web.review.workflow import visible as visible  # re-exported
from bidwatch.web.workflow.checks import not_before

S = Review.Status
MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = {".docx", ".pdf"}


class UnsafeUpload(ValueError):
    """The upload is refused; the message is for the user (in the language of the request)."""


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / "review-files"


def _parse_in_process() -> bool:
    """Tests of the workflow read small generated files in this process (the worker's spawn is slow)."""
    return bool(getattr(settings, "BIDWATCH_REVIEW_PARSE_IN_PROCESS", False))


def store(upload: Any) -> dict[str, Any]:
    """Copy the upload (a Django ``UploadedFile``) to its place by hash; refuse a wrong type or size."""
    name = os.path.basename(str(getattr(upload, "name", "") or "upload"))[:255]
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UnsafeUpload(_("only DOCX or PDF files are accepted: %(suffix)s")
                           % {"suffix": suffix or _("(none)")})
    root = files_dir()
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=root / "tmp", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise UnsafeUpload(_("file too large (> %(mb)s MB)") % {"mb": MAX_BYTES // (1024 * 1024)})
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        rel = Path(sha[:2]) / f"{sha}{suffix}"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        if (root / rel).exists():
            os.unlink(tmp)
        else:
            shutil.move(tmp, root / rel)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return {"file_name": name, "sha256": sha, "size": size, "stored": str(rel)}


def read_paragraphs(path: Path) -> tuple[list[str], list[str]]:
    """The file's text units and the reader's notes; refuses a file that cannot be read or holds no text."""
    from bidwatch.documents.worker import parse_files

    limits = DEFAULT_LIMITS.__class__(max_file_bytes=MAX_BYTES, timeout_s=60.0)
    rec = parse_files([path], limits, workers=1, in_process=_parse_in_process())[0]
    if rec.error:
        raise UnsafeUpload(reader_error(rec.error))
    paragraphs = [b.text.strip() for b in rec.blocks if b.text.strip()]
    for table in rec.tables:
        paragraphs += [" | ".join(c.strip() for c in row) for row in table.rows]
    if not paragraphs:
        raise UnsafeUpload(_("no text in the file (a scan?)"))
    return paragraphs, list(rec.notes)


def reader_error(text: str) -> str:
    """The document reader's reason (``bidwatch.documents``, outside Django: 「中文 / english」, the detail after the
    English half's colon) in the language of the page: one half, with the detail."""
    from django.utils.translation import get_language

    zh, sep, en = str(text).partition(" / ")
    if not sep:
        return str(text)
    if (get_language() or "").startswith("en"):
        return en
    detail = en.partition(": ")[2]
    return f"{zh}：{detail}" if detail and detail not in zh else zh


def _add_version(review: Review, user: Any, upload: Any, given: Mapping[str, Any], on: dt.date) -> ReviewVersion:
    """Store and read the file, run the checks, match the findings with the previous version's."""
    meta = store(upload)
    try:
        paragraphs, notes = read_paragraphs(files_dir() / meta["stored"])
    except UnsafeUpload:  # a refused file is not kept (unless an earlier version is the same file)
        if not ReviewVersion.objects.filter(stored=meta["stored"]).exists():
            (files_dir() / meta["stored"]).unlink(missing_ok=True)
        raise
    previous = review.current
    found = checks.extract_facts(paragraphs)
    if previous is not None:  # the figures the department gave on the form hold until the text states them
        carried = {k: f["value"] for k, f in previous.facts.items() if f.get("source") == "form" and k not in found}
        given = carried | dict(given)
    facts = checks.merge_facts(found, given)
    found = checks.find_clauses(paragraphs) + checks.check_periods_and_bonds(
        _typed(facts), paragraphs, calendar(), cap_rule=checks.bond_cap_rule(review.title, paragraphs))
    version = ReviewVersion.objects.create(
        review=review, number=(previous.number + 1) if previous else 1, submitted_on=on, paragraphs=paragraphs,
        facts=_jsonable(facts), notes=notes, uploaded_by=user,
        changes=checks.diff_paragraphs(previous.paragraphs, paragraphs) if previous else [], **meta)
    old = list(previous.findings.all()) if previous else []
    pairs = checks.match_findings([_as_dict(f) for f in old], found)
    # a period or bond finding whose check could not run on this version (its date or amount no longer found) is
    # not resolved: it is carried over as still present, marked not checked, for the office to verify by hand
    not_run = checks.unchecked(facts)
    for i, o in enumerate(old):
        if o.via == "check" and o.rule in not_run and i not in pairs.values():
            pairs[len(found)] = i
            found.append({"rule": o.rule, "name_zh": o.name_zh, "legal_basis": o.legal_basis, "paragraph": None,
                          "match": checks.not_checked_text(not_run[o.rule], o.match), "clause": o.clause,
                          "via": "check"})
    for j, f in enumerate(found):
        Finding.objects.create(
            version=version, rule=f["rule"], name_zh=f["name_zh"], legal_basis=f["legal_basis"],
            paragraph=f.get("paragraph"), match=f["match"][:2000], clause=f.get("clause", "")[:2000],
            via=f.get("via", ""), previous=old[pairs[j]] if j in pairs else None)
    return version


def _as_dict(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "clause": f.clause, "via": f.via}


def _typed(facts: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Facts with dates as dates (the form's come typed, stored ones as text)."""
    from decimal import Decimal

    out = {}
    for k, f in facts.items():
        v = f["value"]
        if isinstance(v, str):
            v = dt.date.fromisoformat(v) if k in ("docs_from", "docs_until", "bid_deadline") else Decimal(v)
        out[k] = {**f, "value": v}
    return out


def _jsonable(facts: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {k: {**f, "value": str(f["value"])} for k, f in facts.items()}


def can_submit(user: Any) -> bool:
    return bool(can(user, Cap.SUBMIT_REVIEW) and user.role == Role.DEPARTMENT and user.agency_id and user.sector)


# --- the steps ---------------------------------------------------------------------------------

@transaction.atomic
def submit(user: Any, upload: Any, *, title: str, kind: str, on: dt.date, tender_id: str = "",
           facts: Mapping[str, Any] | None = None, request: Any = None) -> Review:
    """A department submits a draft for its own unit and sector (the first version)."""
    if not can_submit(user):
        raise PermissionDenied("submit_review")
    review = Review.objects.create(title=title, kind=kind, tender_id=tender_id, sector=user.sector,
                                   unit_id=user.agency_id, submitted_on=on, created_by=user)
    version = _add_version(review, user, upload, facts or {}, on)
    WORKFLOW.log(review, user, "submit", version.file_name, request,
                 sha256=version.sha256, version=version.number, findings=version.findings.count())
    return review


def start(review: Review, user: Any, on: dt.date, request: Any = None) -> Review:
    WORKFLOW.begin(review, user, "start")
    not_before(on, review.current.submitted_on if review.current else None,
                _("the review cannot start before the documents were submitted"))
    review.status = S.UNDER_REVIEW
    return WORKFLOW.finish(review, user, "start", "", request, fields=["status"],
                           version=review.current.number if review.current else None)


def opinion(review: Review, user: Any, on: dt.date, finding: Finding, opinion: str, note: str = "",
            request: Any = None) -> Review:
    WORKFLOW.begin(review, user, "opinion")
    current = review.current
    if current is None or finding.version_id != current.pk:
        raise ValueError(_("the finding is not in the current version"))
    not_before(on, current.submitted_on, _("an opinion cannot precede the submission"))
    finding.opinion, finding.opinion_note = opinion, note
    finding.save(update_fields=["opinion", "opinion_note"])
    label = Finding.Opinion(opinion).label
    WORKFLOW.log(review, user, "opinion", f"{finding.name_zh}（{finding.legal_basis}）: {label} {note}".strip(),
                 request, finding=finding.pk, rule=finding.rule, opinion=opinion)
    return review


OUTCOME_STATE = {Review.Outcome.PASS: S.PASSED, Review.Outcome.PASS_AFTER_CHANGES: S.RETURNED,
                 Review.Outcome.REJECT: S.REJECTED}


def decide(review: Review, user: Any, on: dt.date, outcome: str, note: str = "", request: Any = None) -> Review:
    """The overall opinion. Every finding of the current version needs its opinion first; 通过 only when none
    of them still asks for a change or is refused."""
    WORKFLOW.begin(review, user, "decide")
    findings = list(review.current.findings.all()) if review.current else []
    not_before(on, review.current.submitted_on if review.current else None,
                _("the decision cannot precede the submission"))
    if any(not f.opinion for f in findings):
        raise ValueError(_("some findings have no opinion yet"))
    if outcome == Review.Outcome.PASS and any(f.opinion != Finding.Opinion.PASS for f in findings):
        raise ValueError(_("a finding needs changes or is refused: the documents cannot pass as they are"))
    review.outcome, review.outcome_note, review.decided_on = outcome, note, on
    review.status = OUTCOME_STATE[Review.Outcome(outcome)]
    return WORKFLOW.finish(review, user, "decide", f"{Review.Outcome(outcome).label} {note}".strip(), request,
                           fields=["outcome", "outcome_note", "decided_on", "status"], outcome=outcome)


def revise(review: Review, user: Any, on: dt.date, file: Any, note: str = "", request: Any = None) -> Review:
    """The department's revised version: read and matched with the previous one, back to the office."""
    WORKFLOW.begin(review, user, "revise")
    not_before(on, review.decided_on, _("the revision cannot precede the opinion"))
    version = _add_version(review, user, file, {}, on)
    resolved = version.review.versions.get(number=version.number - 1).findings.filter(next__isnull=True).count()
    review.status, review.outcome = S.SUBMITTED, ""
    return WORKFLOW.finish(review, user, "revise", note, request, fields=["status", "outcome"],
                           version=version.number, sha256=version.sha256, findings=version.findings.count(),
                           resolved=resolved)


def file_review(review: Review, user: Any, on: dt.date, tender_id: str = "", note: str = "",
                request: Any = None) -> Review:
    """备案: the decided review is filed with its tender (the tender id may be given now)."""
    WORKFLOW.begin(review, user, "file")
    not_before(on, review.decided_on, _("filing cannot precede the decision"))
    review.status, review.filed_on = S.FILED, on
    if tender_id:
        review.tender_id = tender_id
    return WORKFLOW.finish(review, user, "file", note, request, fields=["status", "filed_on", "tender_id"],
                           tender_id=review.tender_id, outcome=review.outcome)


# --- what the page, the dashboard and the campaign report need ------------------------------------

def reminders(user: Any) -> dict[str, int]:
    """For the dashboard: the office's documents awaiting review, a department's returned for revision."""
    qs = visible(user)
    return {"awaiting": qs.filter(status=S.SUBMITTED).count() if can(user, Cap.DECIDE_REVIEW) else 0,
            "returned": qs.filter(status=S.RETURNED).count() if can(user, Cap.SUBMIT_REVIEW) else 0}


def resolution(version: ReviewVersion) -> dict[str, list[Finding]]:
    """For a version after the first: the previous version's findings resolved, those still present, the new."""
    previous = version.review.versions.filter(number=version.number - 1).first()
    current = list(version.findings.all())
    return {"resolved": list(previous.findings.filter(next__isnull=True)) if previous else [],
            "still": [f for f in current if f.previous_id], "new": [f for f in current if not f.previous_id]}


def review_totals(period: Any, user: Any = None) -> dict[str, Any]:
    """Pre-tender reviews for the campaign report: those filed (备案) in ``period`` — a ``(start, end)`` pair of
    dates or a mapping with ``start`` and ``end``, both days included — seen by ``user`` (everyone's if None).

    Returns ``filed`` (reviews filed), ``passed`` / ``rejected`` (their final opinion), ``revised`` (filed after
    at least one revised version), ``findings`` (distinct findings raised: a finding still present in a later
    version counts once), ``by_category`` (rule code -> {"name", "count"}), ``resolved`` (findings no longer in
    the filed version) and ``resolved_share`` (resolved / findings, None when there were none)."""
    start, end = (period["start"], period["end"]) if isinstance(period, Mapping) else period
    qs = visible(user) if user is not None else Review.objects.all()
    reviews = list(qs.filter(status=S.FILED, filed_on__gte=start, filed_on__lte=end).prefetch_related(
        "versions__findings"))
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    total = resolved = revised = 0
    for r in reviews:
        versions = list(r.versions.all())
        final = max(v.number for v in versions)
        revised += final > 1
        last_of: dict[int, int] = {}  # finding id -> the version number its chain reaches
        chain_of: dict[int, int] = {}
        for v in sorted(versions, key=lambda v: v.number):
            for f in v.findings.all():
                root = chain_of.get(f.previous_id, f.pk) if f.previous_id else f.pk
                chain_of[f.pk] = root
                last_of[root] = v.number
                if not f.previous_id:
                    counts[f.rule] += 1
                    names[f.rule] = f.name_zh
                    total += 1
        resolved += sum(1 for n in last_of.values() if n < final)
    return {
        "filed": len(reviews),
        "passed": sum(r.outcome == Review.Outcome.PASS for r in reviews),
        "rejected": sum(r.outcome == Review.Outcome.REJECT for r in reviews),
        "revised": revised, "findings": total, "resolved": resolved,
        "resolved_share": (resolved / total) if total else None,
        "by_category": {k: {"name": names[k], "count": n} for k, n in counts.most_common()},
    }
