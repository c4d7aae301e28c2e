"""Steps of a bid-file comparison: store the upload, compare in the background, keep what was found.

The upload is checked at once with the bid archive's own rules (``documents/safety.py``: paths,
links, members, sizes, compression ratio), capped by the import's limits (``MAX_UPLOAD_BYTES``,
``MAX_UNZIPPED_BYTES``, ``ZIP_MAX_RATIO``), and stored under the data dir's uploads (never served as
such). The task unpacks it again with the same checks (numbered file names), reads every file in a
worker process with a time limit (:func:`bidwatch.documents.batch.compare_archive`), stores the
findings and the files' report, re-encodes the images that findings show (PNG, at most 800 pixels a
side) for the permission-checked image view, and — when the comparison names an imported tender —
turns each finding into an alert of the collusion family on that tender (:func:`alerts_from_findings`).
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bidwatch.documents.safety import DEFAULT_LIMITS, Limits, UnsafeFile, check_member, member_name
from bidwatch.web.accounts.models import Agency, Role
from bidwatch.web.alerts.models import DOCUMENT_ALERT_PREFIX, Alert
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.bidcompare.models import Comparison
from bidwatch.web.tasks.models import Task
from bidwatch.web.tasks.queue import Report, enqueue, on_lost, task
from bidwatch.web.tenders.models import Company, Tender

TENDER_SUFFIXES = {".docx", ".docm", ".pdf"}
MAX_TENDER_DOCS = 20  # the tender document, its amendments (澄清/修改), the bill of quantities ...
IMAGE_MAX_SIDE = 800
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


class UploadRefused(ValueError):
    pass


def limits() -> Limits:
    """The documents' limits, never looser than the web import's."""
    return dataclasses.replace(
        DEFAULT_LIMITS,
        max_archive_bytes=min(DEFAULT_LIMITS.max_archive_bytes, settings.MAX_UPLOAD_BYTES),
        max_unpacked_bytes=min(DEFAULT_LIMITS.max_unpacked_bytes, settings.MAX_UNZIPPED_BYTES),
        max_ratio=min(DEFAULT_LIMITS.max_ratio, float(settings.ZIP_MAX_RATIO)),
    )


def comparison_settings() -> dict[str, Any]:
    """The packaged thresholds (``[documents]``, ``[collusion]``), under the deployment's settings file
    (``BIDWATCH_SETTINGS``) as the command line's ``--settings``."""
    from bidwatch.config import load_settings

    return load_settings(os.environ.get("BIDWATCH_SETTINGS") or None)


def check_archive(path: Path, lim: Limits) -> int:
    """Refuse at upload what the zip's directory already shows (the task checks again while copying);
    returns the number of files in it."""
    if path.stat().st_size > lim.max_archive_bytes:
        raise UploadRefused(_("The file is larger than the allowed size."))
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UploadRefused(_("The bid files must be one .zip archive.")) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > lim.max_members:
            raise UploadRefused(_("The archive holds more than %(n)s files.") % {"n": lim.max_members})
        total = 0
        files = 0
        try:
            for info in infos:
                name = member_name(info)
                check_member(info, name, lim, max_bytes=lim.max_file_bytes)
                total += info.file_size
                files += 0 if info.is_dir() else 1
        except UnsafeFile as exc:
            raise UploadRefused(str(exc)) from None
        # as the dataset import: the whole archive's ratio too (many small members each under the
        # per-member check can still make a bomb)
        if total > lim.max_unpacked_bytes or (total > 1024**2 and total > lim.max_ratio * path.stat().st_size):
            raise UploadRefused(_("The archive unpacks to more than the allowed size."))
    if not files:
        raise UploadRefused(_("The archive is empty."))
    return files


def _save(upload: UploadedFile, target: Path) -> int:
    size = 0
    with target.open("wb") as fh:
        for chunk in upload.chunks():
            size += len(chunk)
            fh.write(chunk)
    return size


def store_upload(archive: UploadedFile, tender_docs: list[UploadedFile], user: Any, *, tender: Tender | None,
                 title: str = "", request: Any = None) -> Comparison:
    """Keep the zip of bids (and the tender's own documents) and queue the comparison.

    The caller has checked the user's right to compare and the tender's scope."""
    name = Path(archive.name or "bids.zip").name
    lim = limits()
    if Path(name).suffix.lower() != ".zip":
        raise UploadRefused(_("The bid files must be one .zip archive."))
    if archive.size and archive.size > lim.max_archive_bytes:
        raise UploadRefused(_("The file is larger than the allowed size."))
    if len(tender_docs) > MAX_TENDER_DOCS:
        raise UploadRefused(_("At most %(n)s tender documents.") % {"n": MAX_TENDER_DOCS})
    for doc in tender_docs:
        if Path(doc.name or "").suffix.lower() not in TENDER_SUFFIXES:
            raise UploadRefused(_("The tender's documents must be DOCX or PDF files: %(name)s")
                                % {"name": Path(doc.name or "").name[:80]})
        if doc.size and doc.size > lim.max_file_bytes:
            raise UploadRefused(_("The file is larger than the allowed size."))
    sector = tender.sector if tender else (user.sector if user.role == Role.DEPARTMENT else "")
    with transaction.atomic():
        comp = Comparison.objects.create(
            tender=tender, sector=sector or "", title=title.strip()[:200] or (tender.title if tender else "")[:200],
            archive_name=name[:255], tender_names=[Path(d.name or "").name[:255] for d in tender_docs], uploaded_by=user,
        )
        folder = Path(settings.MEDIA_ROOT) / "bidcompare" / str(comp.pk)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        try:
            size = _save(archive, folder / "bids.zip")
            check_archive(folder / "bids.zip", lim)
            for n, doc in enumerate(tender_docs):
                # numbered names: the uploader's file names never reach the file system
                size += _save(doc, folder / f"tender-{n}{Path(doc.name or '').suffix.lower()}")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        comp.stored_dir, comp.size = str(folder.relative_to(settings.MEDIA_ROOT)), size
        comp.save(update_fields=["stored_dir", "size"])
        record(user, AuditEntry.Action.UPLOAD, comp, request=request, file=name, size=size,
               tender=tender.pk if tender else None, kind="bid_files")
        comp.task = enqueue("bid_compare", user=user, comparison_id=comp.pk)
        comp.save(update_fields=["task"])
    return comp


def tender_paths(comp: Comparison) -> list[Path]:
    """The stored tender documents in upload order (``tender-N``, the order of ``comp.tender_names``)."""
    found = [p for p in comp.folder.glob("tender-*") if p.suffix in TENDER_SUFFIXES]
    return sorted(found, key=lambda p: int(p.stem.partition("-")[2] or 0))


def _reencode(data: bytes, target: Path, max_pixels: int) -> bool:
    """The picture as a PNG of at most IMAGE_MAX_SIDE pixels a side: what the browser gets is made
    here, never the bidder's bytes (any format, any payload)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            out = im.convert("RGBA" if im.mode in {"RGBA", "LA", "P"} else "RGB")
            buf = io.BytesIO()
            out.save(buf, format="PNG")
    except Exception:  # a format Pillow cannot draw (EMF, WMF), a broken or oversized picture
        return False
    target.write_bytes(buf.getvalue())
    return True


def _keep_images(comp: Comparison, result: Any, lim: Limits) -> None:
    wanted = comp.image_hashes()
    if not wanted:
        return
    comp.images_dir.mkdir(exist_ok=True)
    for records in result.records.values():
        for rec in records:
            for im in rec.images:
                if im.sha256 in wanted and im.data:
                    target = comp.images_dir / f"{im.sha256}.png"
                    if not target.exists():
                        _reencode(im.data, target, lim.max_image_pixels)
                    wanted.discard(im.sha256)


def pairs(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The pairs of bidders with findings, the most serious first: highest severity, then the number
    of findings, then the highest score."""
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for f in result.get("findings", []):
        by_pair.setdefault(tuple(f["bidders"]), []).append(f)
    out = []
    for (a, b), found in by_pair.items():
        found.sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 3), -f["score"]))
        worst = found[0]["severity"]
        out.append({"a": a, "b": b, "findings": found, "severity": worst, "score": max(f["score"] for f in found)})
    out.sort(key=lambda p: (SEVERITY_ORDER.get(p["severity"], 3), -len(p["findings"]), -p["score"], p["a"], p["b"]))
    for rank, p in enumerate(out, start=1):
        p["rank"] = rank
    return out


def company_for_folder(folder: str, companies: list[Company]) -> Company | None:
    """The tender's bidding company a bidder's folder stands for: named as it, or named within it (01-某某
    建设有限公司, 某某建设有限公司（投标文件）); the longest such name, so that 某某建设 does not take the folder
    of 某某建设集团. None when no name fits: the alert then names the folder only."""
    key = "".join(folder.split())
    fits = [c for c in companies if c.name and "".join(c.name.split()) in key]
    return max(fits, key=lambda c: len(c.name)) if fits else None


def alerts_from_findings(comp: Comparison) -> list[str]:
    """The high findings of a comparison linked to a tender become alerts of the collusion family on that
    tender (sector, district and responsible department as the import gives them), keyed by the
    comparison and the finding so that running the task again updates rather than duplicates. A medium or
    low finding (a default user name, a Word id when the tender came as PDF only, one picture) is a lead
    for the reader of the comparison page, where every finding is listed, not an alert for triage; an
    alert of an earlier run whose finding is no longer high is set inactive. Bidders whose folder names
    one of the tender's bidding companies (:func:`company_for_folder`) are linked to it."""
    tender = comp.tender
    if tender is None:
        return []
    findings = [f for f in comp.result.get("findings", []) if f["severity"] == "high"]
    department = (Agency.objects.filter(kind=Agency.Kind.DEPARTMENT, sector=tender.sector).order_by("-id").first()
                  or Agency.objects.filter(kind=Agency.Kind.OFFICE).first())
    bidding = list(Company.objects.filter(bids__tender=tender).distinct())
    companies = {b: c for b in {b for f in findings for b in f["bidders"]}
                 if (c := company_for_folder(b, bidding)) is not None}
    ids = []
    for f in findings:
        aid = f"{DOCUMENT_ALERT_PREFIX}{comp.pk}:{f['finding_id']}"
        linked = list({companies[b].pk: companies[b] for b in f["bidders"] if b in companies}.values())
        evidence = {"bid_file_comparison": comp.pk, "bidders": f["bidders"], **f["evidence"]}
        alert, _created = Alert.objects.update_or_create(alert_id=aid, defaults={
            "indicator": f["indicator"], "name_zh": f["name_zh"][:200], "family": f["family"],
            "severity": f["severity"], "tender": tender, "project_id": tender.project_id or "",
            "company_ids": ";".join(c.company_id for c in linked), "score": f["score"],
            "legal_basis": f["legal_basis"][:500], "evidence": orjson.loads(orjson.dumps(evidence)),
            "message": f["message"], "sector": tender.sector, "region_code": tender.region_code,
            "detected_on": timezone.localdate(), "department": department, "active": True,
        })
        alert.companies.set(linked)
        ids.append(aid)
    Alert.objects.filter(alert_id__startswith=f"{DOCUMENT_ALERT_PREFIX}{comp.pk}:").exclude(
        alert_id__in=ids).update(active=False)
    return ids


@task("bid_compare")
def bid_compare(t: Task, report: Report) -> None:
    from bidwatch.documents.batch import compare_archive

    comp = Comparison.objects.select_related("tender", "uploaded_by").get(pk=t.args["comparison_id"])
    Comparison.objects.filter(pk=comp.pk).update(status=Comparison.Status.RUNNING)
    lim = limits()
    try:
        report(_("Unpacking and reading the bid files"), 0.02)

        def files_read(done: int, total: int) -> None:
            report(_("Reading the bid files: %(done)s of %(total)s") % {"done": done, "total": total},
                   0.05 + 0.8 * done / max(total, 1))

        try:
            result = compare_archive(comp.folder / "bids.zip", tender_paths(comp), comparison_settings(), lim,
                                     keep_images=True, progress=files_read)
        except (UnsafeFile, OSError) as exc:
            message = str(exc) if isinstance(exc, UnsafeFile) else _("The archive could not be read.")
            Comparison.objects.filter(pk=comp.pk).update(status=Comparison.Status.REFUSED, refused=message,
                                                         finished_at=timezone.now())
            report(_("Archive refused"), 1.0)
            return
        report(_("Saving the findings"), 0.9)
        stored = tender_paths(comp)
        for row, path in zip(result.tender_files, stored, strict=False):  # the uploader's names, not ours
            n = int(path.stem.partition("-")[2] or 0)
            if n < len(comp.tender_names):
                row["file"] = f"招标文件/{comp.tender_names[n]}"
        comp.result = orjson.loads(orjson.dumps({
            "bidders": result.bidders, "findings": result.findings, "files": result.files,
            "tender_files": result.tender_files, "discounted": result.discounted, "timings": result.timings,
            "stray_files": result.stray, "notes": result.notes,
        }))
        _keep_images(comp, result, lim)
        with transaction.atomic():
            comp.alert_ids = alerts_from_findings(comp)
            comp.n_bidders = len(result.bidders)
            comp.n_findings = len(result.findings)
            comp.n_high = sum(f["severity"] == "high" for f in result.findings)
            comp.n_errors = len(result.errors)
            comp.status, comp.finished_at = Comparison.Status.DONE, timezone.now()
            comp.save(update_fields=["result", "alert_ids", "n_bidders", "n_findings", "n_high", "n_errors", "status",
                                     "finished_at"])
            record(comp.uploaded_by, AuditEntry.Action.SCAN, comp, findings=comp.n_findings, alerts=len(comp.alert_ids),
                   kind="bid_files")
        report(_("Finished"), 1.0)
    except Exception:
        Comparison.objects.filter(pk=comp.pk).exclude(status=Comparison.Status.DONE).update(
            status=Comparison.Status.FAILED, finished_at=timezone.now())
        raise


@on_lost("bid_compare")
def bid_compare_lost(t: Task, reason: str) -> None:
    Comparison.objects.filter(pk=t.args.get("comparison_id")).exclude(status=Comparison.Status.DONE).update(
        status=Comparison.Status.FAILED, finished_at=timezone.now())
