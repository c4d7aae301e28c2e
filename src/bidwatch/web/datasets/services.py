"""Workflow steps of an import: store the upload, then (in the background) check, scan and import."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.credit.feed import add_registry
from bidwatch.web.datasets import engine
from bidwatch.web.datasets.loader import write_dataset
from bidwatch.web.datasets.models import DatasetImport, ScanRun
from bidwatch.web.tasks.models import Task
from bidwatch.web.tasks.queue import Report, enqueue, task

MAX_STORED_PROBLEMS = 2000
MAX_UNZIPPED_BYTES = 4 * 1024**3
ACCEPTED_SUFFIXES = {".zip", ".xlsx"}


class UploadRefused(ValueError):
    pass


def store_upload(upload: UploadedFile, user: Any, *, request: Any = None) -> ScanRun:
    """Keep the uploaded file under MEDIA_ROOT and queue its check, scan and import."""
    name = Path(upload.name or "dataset").name
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise UploadRefused(_("Upload a .zip of contract files or one .xlsx workbook."))
    if upload.size and upload.size > settings.MAX_UPLOAD_BYTES:
        raise UploadRefused(_("The file is larger than the allowed size."))
    with transaction.atomic():
        imp = DatasetImport.objects.create(original_name=name[:255], uploaded_by=user, size=upload.size or 0)
        folder = Path(settings.MEDIA_ROOT) / "imports" / str(imp.pk)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"upload{suffix}"
        with target.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        imp.stored_path = str(target)
        imp.save(update_fields=["stored_path"])
        record(user, AuditEntry.Action.UPLOAD, imp, request=request, file=name, size=imp.size)
        return start_scan(imp, user, request=request)


def start_scan(imp: DatasetImport, user: Any, *, request: Any = None) -> ScanRun:
    with transaction.atomic():
        scan = ScanRun.objects.create(dataset=imp, started_by=user)
        t = enqueue("import_scan", user=user, scan_id=scan.pk)
        scan.task = t
        scan.save(update_fields=["task"])
        record(user, AuditEntry.Action.SCAN, scan, request=request, dataset=imp.pk)
    return scan


def _safe_extract(archive: Path, into: Path) -> None:
    """Unzip refusing absolute paths, '..' and zip bombs."""
    total = 0
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            name = info.filename.replace("\\", "/")
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                raise UploadRefused(_("The archive contains an unsafe path: %(name)s") % {"name": name})
            if "__MACOSX" in parts or PurePosixPath(name).name.startswith("._"):
                continue
            total += info.file_size
            if total > MAX_UNZIPPED_BYTES:
                raise UploadRefused(_("The archive unpacks to more than the allowed size."))
            zf.extract(info, into)


def dataset_path(stored: Path, workdir: Path) -> Path:
    """The folder (or workbook) inside an upload that ``load_dataset`` should read."""
    if stored.suffix.lower() == ".xlsx":
        return stored
    _safe_extract(stored, workdir)
    for candidate in [workdir, *sorted(p for p in workdir.rglob("*") if p.is_dir())]:
        if any((candidate / f"tenders{ext}").exists() for ext in (".csv", ".parquet")):
            return candidate
    workbooks = sorted(workdir.rglob("*.xlsx"))
    if len(workbooks) == 1:
        return workbooks[0]
    return workdir


def problem_dicts(problems: Any) -> list[dict[str, Any]]:
    out = []
    for p in problems or []:
        get = p.get if isinstance(p, dict) else (lambda k, p=p: getattr(p, k, None))
        out.append({k: ("" if get(k) is None else str(get(k)))[:300] for k in ("table", "row", "column", "value", "expected")})
    return out


@task("import_scan")
def import_scan(t: Task, report: Report) -> None:
    scan = ScanRun.objects.select_related("dataset", "started_by").get(pk=t.args["scan_id"])
    imp = scan.dataset
    ScanRun.objects.filter(pk=scan.pk).update(status=ScanRun.Status.RUNNING)
    DatasetImport.objects.filter(pk=imp.pk).update(status=DatasetImport.Status.CHECKING)
    workdir = Path(tempfile.mkdtemp(prefix=f"bidwatch-import-{imp.pk}-"))
    try:
        report(_("Checking the dataset"), 0.02)
        try:
            path = dataset_path(Path(imp.stored_path), workdir)
            ds = engine.load_dataset(str(path))
            # the sanctions registry (信用惩戒名录) joins the dataset's sanctions before the scan
            registry_ids = add_registry(ds)
        except (engine.dataset_invalid_error(), UploadRefused, zipfile.BadZipFile) as exc:
            problems = problem_dicts(getattr(exc, "problems", None)) or [
                {"table": "", "row": "", "column": "", "value": imp.original_name, "expected": str(exc)[:300]}
            ]
            DatasetImport.objects.filter(pk=imp.pk).update(
                status=DatasetImport.Status.REJECTED, problems=problems[:MAX_STORED_PROBLEMS], n_problems=len(problems)
            )
            ScanRun.objects.filter(pk=scan.pk).update(status=ScanRun.Status.REJECTED, finished_at=timezone.now())
            report(_("Rejected: problems found"), 1.0)
            return
        DatasetImport.objects.filter(pk=imp.pk).update(status=DatasetImport.Status.ACCEPTED)

        def scan_progress(stage: str, fraction: float) -> None:
            report(_("Scanning: %(stage)s") % {"stage": stage}, 0.05 + 0.75 * float(fraction))

        result = engine.run_scan(ds, scan_progress)
        report(_("Importing into the database"), 0.82)
        counts = write_dataset(
            ds, result, lambda stage, f: report(_("Importing: %(stage)s") % {"stage": stage}, 0.82 + 0.17 * f),
            skip_sanctions=set(registry_ids),  # the registry keeps its own entries
        )
        counts["registry"] = len(registry_ids)
        summary = _jsonable(getattr(result, "summary", {}) or {})
        with transaction.atomic():
            DatasetImport.objects.filter(pk=imp.pk).update(status=DatasetImport.Status.IMPORTED, counts=counts)
            ScanRun.objects.filter(pk=scan.pk).update(
                status=ScanRun.Status.DONE, finished_at=timezone.now(), n_alerts=counts.get("alerts", 0),
                n_tenders=counts.get("tenders", 0), summary=summary,
            )
            record(scan.started_by, AuditEntry.Action.IMPORT, imp, **{k: int(v) for k, v in counts.items()})
        report(_("Finished"), 1.0)
    except Exception:
        DatasetImport.objects.filter(pk=imp.pk).exclude(status=DatasetImport.Status.IMPORTED).update(
            status=DatasetImport.Status.FAILED
        )
        ScanRun.objects.filter(pk=scan.pk).update(status=ScanRun.Status.FAILED, finished_at=timezone.now())
        raise
    finally:
        close = getattr(locals().get("ds"), "close", None)
        if callable(close):
            close()
        shutil.rmtree(workdir, ignore_errors=True)


def _jsonable(value: Any) -> Any:
    import json

    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return {"text": str(value)}
