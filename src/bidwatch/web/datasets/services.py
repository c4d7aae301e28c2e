"""Workflow steps of an import: store the upload, then (in the background) check, scan and import."""

from __future__ import annotations

import secrets
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.credit.feed import add_registry, feed_rows
from bidwatch.web.datasets import diff, engine, isolated, loader, ocds, texts
from bidwatch.web.datasets.loader import write_dataset
from bidwatch.web.datasets.models import DatasetImport, ScanRun
from bidwatch.web.tasks.models import Task
from bidwatch.web.tasks import queue
from bidwatch.web.tasks.queue import Report, enqueue, on_lost, task

MAX_STORED_PROBLEMS = 2000
#: what the upload takes: a zip of contract tables, a workbook, or an OCDS file (JSON lines, also gzipped:
#: :mod:`.ocds`)
WORKBOOK_SUFFIXES = (".xlsx", ".xls")
ACCEPTED_SUFFIXES = (".zip", *WORKBOOK_SUFFIXES, *ocds.JSON_SUFFIXES,
                     *(f"{x}.gz" for x in ocds.JSON_SUFFIXES))


def accepted_suffix(name: str) -> str | None:
    """The suffix of an upload's name that the import takes (``.jsonl.gz`` whole), or None."""
    lower = name.lower()
    return max((x for x in ACCEPTED_SUFFIXES if lower.endswith(x)), key=len, default=None)


def stored_name(name: str, suffix: str) -> str:
    """The name the upload is kept under in its own folder: the user's, so that the loader's problems name
    the file the user knows (they said "upload.xls", QA 2026-12); ``upload<suffix>`` where that name is no
    plain file name."""
    plain = not name.startswith(".") and "/" not in name and "\\" not in name and name.isprintable()
    if not plain or len(name.encode("utf-8", "replace")) > 200 or not name.lower().endswith(suffix):
        return f"upload{suffix}"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no file name
        return f"upload{suffix}"
    return name


class UploadRefused(ValueError):
    pass


class ImportOutOfMemory(RuntimeError):
    """The check or scan went over ``IMPORT_MEMORY_LIMIT_MB`` in its child process."""

    def __init__(self, limit_mb: int) -> None:
        super().__init__(limit_mb)
        self.user_message = _(
            "The dataset needed more memory than an import may use (%(mb)s MB) and was stopped; nothing was "
            "imported and the site was not affected. Check the file (a table or cell far larger than expected?) "
            "or ask the administrator to raise BIDWATCH_IMPORT_MEMORY_MB."
        ) % {"mb": limit_mb}


def default_source(file_name: str) -> str:
    """The source system an upload is taken from when none is declared: its file's name."""
    return (Path(file_name).stem.strip() or "dataset")[:64]


def store_upload(upload: UploadedFile, user: Any, *, source: str = "", request: Any = None) -> ScanRun:
    """Keep the uploaded file under MEDIA_ROOT and queue its check, scan and import.

    ``source``: the system the data comes from (its ids are that system's); by default the file's name."""
    name = Path(upload.name or "dataset").name
    suffix = accepted_suffix(name)
    if suffix is None:
        raise UploadRefused(_("Upload a .zip of contract files, one .xlsx or .xls workbook, or an OCDS file "
                              "(.json, .jsonl, .ndjson, also .gz)."))
    if upload.size and upload.size > settings.MAX_UPLOAD_BYTES:
        raise UploadRefused(_("The file is larger than the allowed size."))
    with transaction.atomic():
        imp = DatasetImport.objects.create(original_name=name[:255], uploaded_by=user, size=upload.size or 0,
                                           source_system=(source.strip() or default_source(name))[:64])
        # A folder of its own even where the id is not: SQLite numbers again from the last committed row, so
        # an upload whose transaction rolled back left a file that the next import of that id would overwrite
        # or pick up.
        folder = Path(settings.MEDIA_ROOT) / "imports" / f"{imp.pk}-{secrets.token_hex(4)}"
        folder.mkdir(parents=True)
        target = folder / stored_name(name, suffix)
        with target.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        imp.stored_path = str(target)
        imp.save(update_fields=["stored_path"])
        record(user, AuditEntry.Action.UPLOAD, imp, request=request, file=name, size=imp.size,
               source=imp.source_system)
        return start_scan(imp, user, request=request)


def start_scan(imp: DatasetImport, user: Any, *, confirm: str = "", request: Any = None) -> ScanRun:
    """Queue the check, scan and import of ``imp``. ``confirm``: the digest of the change summary a
    person confirmed (``diff.compute``); without it an import that changes or retires records stops
    at the summary."""
    with transaction.atomic():
        DatasetImport.objects.select_for_update().get(pk=imp.pk)  # two clicks on 重新扫描 queue one scan
        if ScanRun.objects.filter(dataset=imp, status__in=(ScanRun.Status.QUEUED, ScanRun.Status.RUNNING)).exists():
            raise ScanPending(_("A scan of this dataset is already queued or running."))
        scan = ScanRun.objects.create(dataset=imp, started_by=user)
        t = enqueue("import_scan", user=user, scan_id=scan.pk, confirm=confirm)
        scan.task = t
        scan.save(update_fields=["task"])
        record(user, AuditEntry.Action.SCAN, scan, request=request, dataset=imp.pk,
               **({"confirmed": confirm} if confirm else {}))
    return scan


class NotPending(ValueError):
    pass


class ScanPending(ValueError):
    """A scan of the dataset is queued or running: another is not started beside it."""


def confirm_import(imp: DatasetImport, user: Any, digest: str, *, request: Any = None) -> ScanRun:
    """Apply an import whose change summary a person has read: only the summary shown (by digest)."""
    with transaction.atomic():
        locked = DatasetImport.objects.select_for_update().get(pk=imp.pk)
        if locked.status != DatasetImport.Status.REVIEW or not digest or locked.diff.get("digest") != digest:
            raise NotPending(_("This summary is no longer current: read the one shown now."))
        DatasetImport.objects.filter(pk=imp.pk).update(
            status=DatasetImport.Status.PENDING, confirmed_by=user, confirmed_at=timezone.now()
        )
        # the scan that stopped at the summary is done with: the confirmed one applies it
        ScanRun.objects.filter(dataset=imp, status=ScanRun.Status.HELD).update(status=ScanRun.Status.CONFIRMED)
        return start_scan(locked, user, confirm=digest, request=request)


def _ignored(parts: tuple[str, ...]) -> bool:
    """Files in an archive that are not part of a dataset (macOS resource forks)."""
    return "__MACOSX" in parts or (bool(parts) and parts[-1].startswith("._"))


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip entry's name as its maker wrote it. Without the UTF-8 flag Python reads the bytes as cp437 (the
    zip format's old default), which made 市场主体.csv "σ╕éσ£║Σ╕╗Σ╜ô.csv" (QA 2026-12): Info-ZIP on Linux
    writes UTF-8 without the flag, Chinese Windows (Explorer, 7-Zip, WinRAR) writes GBK. The bytes are read
    as UTF-8 where they are (GBK text seldom is), else as GB18030 where they are, else as given."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:  # a name Python did not read as cp437 (metadata_encoding given)
        return info.filename
    if raw.isascii():
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


#: the suffixes of a dataset folder's table files (``bidwatch.contract.reader``: CSV, Parquet, a text export,
#: a workbook per table)
FILE_SUFFIXES = (".csv", ".parquet", ".txt")
TABLE_SUFFIXES = (*FILE_SUFFIXES, ".xlsx", ".xlsm", ".xls")


def names_table(name: str, table: str | None = None, suffixes: tuple[str, ...] = TABLE_SUFFIXES) -> bool:
    """Whether a file name names a contract table (``table``, or any) as the loader reads it: ``tenders.csv``,
    ``招标项目.csv``, ``2.投标记录.xlsx`` (``bidwatch.contract.sources.table_for_name``, the loader's own
    names)."""
    from bidwatch.contract.sources import table_for_name

    path = PurePosixPath(name)
    if path.suffix.lower() not in suffixes or path.name.startswith(("~$", "._")):
        return False
    found = table_for_name(path.stem)
    return found is not None and (table is None or found.name == table)


def _check_archive(zf: zipfile.ZipFile, archive_size: int) -> list[tuple[zipfile.ZipInfo, str]]:
    """Refuse, before anything is written, what the archive's directory already shows: unsafe or
    over-long names, duplicate entries, too many entries, a bomb (by compression ratio or total size),
    two datasets in one archive. Returns the entries to extract with their normalised names."""
    max_total = settings.MAX_UNZIPPED_BYTES
    max_ratio = settings.ZIP_MAX_RATIO
    infos = zf.infolist()
    if len(infos) > settings.ZIP_MAX_ENTRIES:
        raise UploadRefused(_("The archive holds more than %(n)s files.") % {"n": settings.ZIP_MAX_ENTRIES})
    entries: list[tuple[zipfile.ZipInfo, str]] = []
    seen: dict[str, str] = {}
    total = 0
    for info in infos:
        name = member_name(info).replace("\\", "/")
        shown = name if len(name) <= 80 else name[:80] + "…"
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            raise UploadRefused(_("The archive contains an unsafe path: %(name)s") % {"name": shown})
        if len(name.encode("utf-8")) > 1024 or any(len(p.encode("utf-8")) > 255 for p in parts):
            raise UploadRefused(_("The archive contains a file name that is too long: %(name)s") % {"name": shown})
        if info.is_dir() or not parts or _ignored(parts):
            continue
        key = "/".join(p for p in parts if p != ".").lower()
        if key in seen:
            raise UploadRefused(_("The archive contains the file %(name)s twice.") % {"name": shown})
        seen[key] = name
        if info.file_size > 1024**2 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UploadRefused(
                _("The archive looks like a zip bomb: %(name)s would unpack %(ratio)s times its packed size.")
                % {"name": shown, "ratio": info.file_size // max(info.compress_size, 1)}
            )
        total += info.file_size
        entries.append((info, name))
    if total > max_total or (total > 1024**2 and total > max_ratio * max(archive_size, 1)):
        raise UploadRefused(_("The archive unpacks to more than the allowed size."))
    # a folder holding the tenders table under any name the loader takes is a dataset; a workbook is another
    # one, unless it is one of that folder's tables (投标.xlsx beside 招标项目.csv)
    datasets = sorted({str(PurePosixPath(n).parent) for _i, n in entries if names_table(n, "tenders")})
    workbooks = [n for _i, n in entries if n.lower().endswith(WORKBOOK_SUFFIXES)
                 and not (str(PurePosixPath(n).parent) in datasets and names_table(n))]
    if len(datasets) > 1 or (datasets and workbooks) or (not datasets and len(workbooks) > 1):
        found = [f"{d}/" if d != "." else "./" for d in datasets] + workbooks
        raise UploadRefused(
            _("The archive holds more than one dataset (%(found)s): upload one dataset per file.")
            % {"found": "、".join(found[:5])}
        )
    return entries


def _safe_extract(archive: Path, into: Path) -> None:
    """Unzip after :func:`_check_archive`, counting the bytes actually written (a lying size field
    does not get past the limits)."""
    limit = settings.MAX_UNZIPPED_BYTES
    written = 0
    with zipfile.ZipFile(archive) as zf:
        for info, name in _check_archive(zf, archive.stat().st_size):
            target = into.joinpath(*PurePosixPath(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            own = 0
            with zf.open(info) as src, target.open("wb") as dst:
                while chunk := src.read(1024**2):
                    own += len(chunk)
                    written += len(chunk)
                    if own > info.file_size or written > limit:
                        raise UploadRefused(_("The archive unpacks to more than the allowed size."))
                    dst.write(chunk)


def dataset_path(stored: Path, workdir: Path) -> Path:
    """The folder (or workbook, or OCDS file) inside an upload that ``load_dataset`` should read.

    In a zip: the folder holding the tenders table under any name the loader takes (``招标项目.csv`` in a
    folder was not found: QA 2026-12), else its one workbook, else its one OCDS file. A zip of platform
    notices (a CSV whose header is a notices export's) is refused then with the command line's hint
    (``bidwatch notices`` converts it); else the folder holding any other contract table (the loader says
    which table is missing)."""
    if stored.suffix.lower() in WORKBOOK_SUFFIXES or ocds.is_json(stored):
        return stored
    _safe_extract(stored, workdir)
    files = sorted(p for p in workdir.rglob("*")
                   if p.is_file() and not _ignored(p.relative_to(workdir).parts))

    def holding(table: str | None, suffixes: tuple[str, ...] = TABLE_SUFFIXES) -> list[Path]:
        folders = {p.parent for p in files if names_table(p.name, table, suffixes)}
        return sorted(folders, key=lambda d: (len(d.parts), d))

    # a table file of tenders; not a workbook: 招标项目.xlsx alone may be the whole dataset's workbook
    if folders := holding("tenders", FILE_SUFFIXES):
        return folders[0]
    workbooks = [p for p in files if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith("~$")]
    if len(workbooks) == 1:
        return workbooks[0]
    json_files = [p for p in files if ocds.is_json(p)]
    if not workbooks and len(json_files) == 1:
        return json_files[0]
    notices = [p for p in files if p.suffix.lower() in (".csv", ".txt") and _looks_like_notices(p)]
    if notices:  # no tenders table: a notices export (its 开标记录.csv names the bids table too)
        from bidwatch.contract import Problem

        raise engine.dataset_invalid_error()([
            Problem(p.relative_to(workdir).as_posix(), None, None, None, texts.notices_export(p.name))
            for p in notices])
    if folders := holding(None):
        return folders[0]
    return workdir


def _looks_like_notices(path: Path) -> bool:
    """The command line's recognition of a notices export (``bidwatch.contract.reader``)."""
    from bidwatch.contract.reader import _looks_like_notices as looks

    return looks(path)


def problem_dicts(problems: Any) -> list[dict[str, Any]]:
    """Problems or notices as stored on the import: each cell cut to 300 characters with "…", the text
    (``expected``) in its two languages as :func:`texts.expected` keeps them (the page shows one)."""
    out = []
    for p in problems or []:
        get = p.get if isinstance(p, dict) else (lambda k, p=p: getattr(p, k, None))
        cells = {k: "" if get(k) is None else str(get(k))
                 for k in ("table", "row", "column", "value", "expected")}
        out.append({k: texts.expected(v) if k == "expected" else texts.clip(v, texts.CELL_LIMIT)
                    for k, v in cells.items()})
    return out


#: PostgreSQL advisory lock held by an import from its comparison to its write (any number)
IMPORT_LOCK_KEY = 18_0001


@contextmanager
def import_lock() -> Iterator[None]:
    """One import at a time from its comparison with the stored records to its write: two imports of
    different sources with the same ids must not both pass the comparison and both write. PostgreSQL:
    a session advisory lock (released if the worker dies with its connection); otherwise a file lock
    in the data dir (workers of one host, as SQLite deployments are)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK_KEY])
        try:
            yield
        finally:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
        return
    import fcntl

    path = Path(settings.DATA_DIR) / "import.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@task("import_scan")
def import_scan(t: Task, report: Report) -> None:
    scan = ScanRun.objects.select_related("dataset", "started_by").get(pk=t.args["scan_id"])
    imp = scan.dataset
    ScanRun.objects.filter(pk=scan.pk).update(status=ScanRun.Status.RUNNING)
    DatasetImport.objects.filter(pk=imp.pk).update(status=DatasetImport.Status.CHECKING)
    workdir = queue.workdir(t)  # removed at the end, or by the sweep if the worker dies
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    held = ExitStack()  # the import lock, from the comparison to the write
    try:
        report(_("Checking the dataset"), 0.02)

        def scan_progress(stage: str, fraction: float) -> None:
            report(_("Scanning: %(stage)s") % {"stage": stage}, 0.05 + 0.75 * float(fraction))

        def reject(problems: list[dict[str, Any]], **fields: Any) -> None:
            DatasetImport.objects.filter(pk=imp.pk).update(
                status=DatasetImport.Status.REJECTED, problems=problems[:MAX_STORED_PROBLEMS],
                n_problems=len(problems), **fields)
            ScanRun.objects.filter(pk=scan.pk).update(status=ScanRun.Status.REJECTED,
                                                      finished_at=timezone.now())
            report(_("Rejected: problems found"), 1.0)

        limit_mb = int(getattr(settings, "IMPORT_MEMORY_LIMIT_MB", 0) or 0)
        result = None
        try:
            stored = Path(imp.stored_path)
            path = dataset_path(stored, workdir)
            # what the import stores: an id longer than its field refuses the dataset, a longer name is cut
            # and said (loader.length_limits); a workbook uploaded alone cannot carry the text files it names
            # (bidwatch synth --format xlsx writes texts/ beside it): they are read as not available, said
            # once, not as 642 problems
            options = {**loader.length_limits(),
                       "absent_texts": path == stored and stored.suffix.lower() in WORKBOOK_SUFFIXES}
            if limit_mb:
                # check and scan in a child process with a memory limit (datasets/isolated.py)
                ds, result, registry_ids = isolated.load_and_scan(path, feed_rows(), workdir, limit_mb,
                                                                  scan_progress, options)
            else:
                ds = engine.load_dataset(str(path), **options)
                # the sanctions registry (信用惩戒名录) joins the dataset's sanctions before the scan
                registry_ids = add_registry(ds)
        except isolated.OutOfMemory as exc:
            raise ImportOutOfMemory(limit_mb) from exc
        except (engine.dataset_invalid_error(), UploadRefused, zipfile.BadZipFile) as exc:
            from bidwatch.contract.sources import first_line  # the loader's words for a file that is no zip

            problems = problem_dicts(getattr(exc, "problems", None) or [
                {"table": "", "row": "", "column": "", "value": imp.original_name,
                 "expected": first_line(exc) if isinstance(exc, zipfile.BadZipFile) else str(exc)}
            ])
            reject(problems)
            return
        notes = problem_dicts(getattr(ds, "notices", None))
        DatasetImport.objects.filter(pk=imp.pk).update(notices=notes[:MAX_STORED_PROBLEMS], n_notices=len(notes))
        # What the import would add, change and retire; ids of another source refuse it. From here to
        # the write, no other import compares or writes.
        held.enter_context(import_lock())
        report(_("Comparing with the stored records"), 0.04 if result is None else 0.8)
        try:
            summary_diff = diff.compute(ds, imp.source_system, skip_sanctions=set(registry_ids))
        except loader.TooLong as exc:  # an id the load did not refuse (another engine): refused, never cut
            reject(problem_dicts([exc.problem]))
            return
        clashes = diff.clash_problems(summary_diff)
        if clashes:
            reject(clashes, diff=summary_diff)
            return
        if summary_diff["needs_confirmation"] and t.args.get("confirm") != summary_diff["digest"]:
            DatasetImport.objects.filter(pk=imp.pk).update(status=DatasetImport.Status.REVIEW, diff=summary_diff)
            ScanRun.objects.filter(pk=scan.pk).update(status=ScanRun.Status.HELD, finished_at=timezone.now())
            report(_("Waiting for confirmation"), 1.0)
            return
        DatasetImport.objects.filter(pk=imp.pk).update(status=DatasetImport.Status.ACCEPTED, diff=summary_diff)
        if result is None:
            result = engine.run_scan(ds, scan_progress)
        report(_("Importing into the database"), 0.82)
        try:
            counts = write_dataset(
                ds, result,
                lambda stage, f: report(_("Importing: %(stage)s") % {"stage": stage}, 0.82 + 0.17 * f),
                skip_sanctions=set(registry_ids),  # the registry keeps its own entries
                source=imp.source_system, dataset_import=imp, keep_companies=summary_diff["companies_kept"],
            )
        except loader.TooLong as exc:  # an alert's id (the scan's): the write was rolled back whole
            reject(problem_dicts([exc.problem]))
            return
        counts["registry"] = len(registry_ids)
        summary = _jsonable(getattr(result, "summary", {}) or {})
        with transaction.atomic():
            DatasetImport.objects.filter(pk=imp.pk).update(status=DatasetImport.Status.IMPORTED, counts=counts)
            ScanRun.objects.filter(pk=scan.pk).update(
                status=ScanRun.Status.DONE, finished_at=timezone.now(), n_alerts=counts.get("alerts", 0),
                n_tenders=counts.get("tenders", 0), summary=summary,
            )
            record(scan.started_by, AuditEntry.Action.IMPORT, imp, source=imp.source_system,
                   **{k: int(v) for k, v in counts.items()},
                   **({"confirmed": t.args["confirm"]} if t.args.get("confirm") else {}))
        report(_("Finished"), 1.0)
    except Exception:
        DatasetImport.objects.filter(pk=imp.pk).exclude(status=DatasetImport.Status.IMPORTED).update(
            status=DatasetImport.Status.FAILED
        )
        ScanRun.objects.filter(pk=scan.pk).update(status=ScanRun.Status.FAILED, finished_at=timezone.now())
        raise
    finally:
        held.close()
        close = getattr(locals().get("ds"), "close", None)
        if callable(close):
            close()
        queue.remove_workdir(t)


@on_lost("import_scan")
def import_scan_lost(t: Task, reason: str) -> None:
    """The worker died during the check, scan or import: nothing was committed (the import is one
    transaction), so the import and its scan are failed and may be started again."""
    scan = ScanRun.objects.filter(pk=t.args.get("scan_id")).first()
    if scan is None:
        return
    ScanRun.objects.filter(pk=scan.pk).update(status=ScanRun.Status.FAILED, finished_at=timezone.now())
    DatasetImport.objects.filter(pk=scan.dataset_id).exclude(status=DatasetImport.Status.IMPORTED).update(
        status=DatasetImport.Status.FAILED
    )


def _jsonable(value: Any) -> Any:
    import json

    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return {"text": str(value)}
