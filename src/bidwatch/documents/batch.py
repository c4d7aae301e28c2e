"""One tender's bid files, end to end: the uploaded zip unpacked safely, every file read in a worker,
the bidders compared, the findings written (findings.csv, findings.json, summary.txt).

This is the library the web platform calls (the comparison page, ``bidwatch.web.bidcompare``, runs it
in a background task): :func:`compare_archive` takes the stored upload's path and returns a :class:`BatchResult` whose
``findings`` are alert-like dicts (indicator, family ``collusion``, severity, score, the two bidders,
legal basis, Chinese message, evidence) and whose ``files`` say what was read from each file and why a
file could not be; ``keep_images=True`` keeps the images' bytes for showing both bidders' pictures side
by side. It never raises for a broken bid file, only for an archive refused whole (:class:`UnsafeFile`).

The zip holds one folder per bidder (``投标人A/商务标.pdf``, ``投标人A/技术标.docx``) or one file per
bidder at its root; a single folder wrapping them all (``标段一/…``) is unwrapped, even with loose files
beside the bidders' folders (``标段一/开标记录表.pdf``): those are no bidder's, listed and not compared.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from bidwatch.documents.compare import INDICATORS, Settings, compare_bidders
from bidwatch.exports import neutralise_row
from bidwatch.documents.reading import DocumentRecord, ocr_available
from bidwatch.documents.safety import DEFAULT_LIMITS, Limits, extract_archive, remove_tree
from bidwatch.documents.worker import parse_files

SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}
FINDING_COLUMNS = ["finding_id", "indicator", "family", "severity", "score", "bidder_a", "bidder_b", "legal_basis",
                   "name_zh", "message", "evidence"]
FILE_COLUMNS = ["bidder", "file", "kind", "pages", "blocks", "tables", "images", "scanned", "error", "notes", "seconds"]
#: the CSV files' headers: Chinese first for the reader who opens them, the key after it for a program
COLUMNS_ZH = {"finding_id": "编号", "indicator": "指标", "family": "类别", "severity": "风险等级", "score": "分值",
              "bidder_a": "投标人甲", "bidder_b": "投标人乙", "legal_basis": "法律依据", "name_zh": "指标名称",
              "message": "说明", "evidence": "证据（JSON）", "bidder": "投标人", "file": "文件", "kind": "类型",
              "pages": "页数", "blocks": "文字块", "tables": "表格", "images": "图片", "scanned": "扫描件",
              "error": "错误", "notes": "备注", "seconds": "用时（秒）"}
#: a loose file beside the bidders' folders (开标记录表.pdf): the batch's, no bidder's
STRAY_NOTE = "不在任何投标人的文件夹中，不属于任何投标人，未比较 / in no bidder's folder: no bidder's file, not compared"


@dataclass
class BatchResult:
    findings: list[dict[str, Any]]
    files: list[dict[str, Any]]
    bidders: list[str]
    tender_files: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    records: dict[str, list[DocumentRecord]] = field(default_factory=dict)
    #: editing-origin values several bidders share that identify nobody, with their spread and reason
    discounted: list[dict[str, Any]] = field(default_factory=list)
    #: files of the archive that are no bidder's (loose beside the bidders' folders): listed, not compared
    stray: list[str] = field(default_factory=list)
    #: what limits the findings as a whole (a tender given as PDF only)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [f for f in self.files + self.tender_files if f["error"]]


def bidder_names(names: list[str]) -> dict[str, str]:
    """Archive path -> bidder: the first folder, or the file's stem for files at the root; a folder
    that wraps everything is dropped first. A file loose beside the bidders' folders (标段一/开标记录表.pdf
    beside 标段一/<bidder>/…) is no bidder's (mapped to ""): it must neither stop the unwrapping (all files
    would be one bidder's, and nothing compared) nor count as a bidder — where the folders are (two or
    more, or inside an unwrapped folder), the loose files are the batch's."""
    parts = {n: PurePosixPath(n).parts for n in names}
    unwrapped = False
    while (parts and all(len(p) >= 2 for p in parts.values()) and any(len(p) > 2 for p in parts.values())
           and len({p[0] for p in parts.values()}) == 1):
        parts = {n: p[1:] for n, p in parts.items()}
        unwrapped = True
    if parts and all(len(p) == 2 for p in parts.values()) and len({p[0] for p in parts.values()}) == 1:
        # one folder holding one file per bidder
        parts = {n: p[1:] for n, p in parts.items()}
    folders = {p[0] for p in parts.values() if len(p) > 1}
    stray = bool(folders) and (unwrapped or len(folders) >= 2)
    return {n: (p[0] if len(p) > 1 else "" if stray else PurePosixPath(p[0]).stem) for n, p in parts.items()}


def _file_row(bidder: str, rec: DocumentRecord) -> dict[str, Any]:
    return {"bidder": bidder, "file": rec.name, "kind": rec.kind, "pages": rec.pages, "blocks": len(rec.blocks),
            "tables": len(rec.tables), "images": len(rec.images), "scanned": rec.scanned, "error": rec.error or "",
            "notes": "；".join(rec.notes), "seconds": rec.seconds}


def compare_files(files: dict[str, Path], tender: list[Path] | None = None, settings: Any = None,
                  limits: Limits = DEFAULT_LIMITS, *, workers: int | None = None, keep_images: bool = False,
                  in_process: bool = False, progress: Callable[[int, int], None] | None = None) -> BatchResult:
    """Compare already unpacked files: ``files`` maps each file's name in the upload to its path."""
    return compare_tenders([(files, list(tender or []))], settings, limits, workers=workers,
                           keep_images=keep_images, in_process=in_process, progress=progress)[0]


def compare_tenders(tenders: list[tuple[dict[str, Path], list[Path]]], settings: Any = None,
                    limits: Limits = DEFAULT_LIMITS, *, workers: int | None = None, keep_images: bool = False,
                    in_process: bool = False, progress: Callable[[int, int], None] | None = None,
                    ) -> list[BatchResult]:
    """Several tenders at once (a backlog): every file read by one pool of workers, then each tender's
    bidders compared among themselves only (nothing is compared across tenders). ``progress(done,
    total)``: files read so far (the web page's progress bar)."""
    s = settings if isinstance(settings, Settings) else Settings.from_settings(settings)
    start = time.perf_counter()
    paths: list[Path] = []
    owners = [bidder_names(sorted(files)) for files, _tender in tenders]
    for (files, tender), owner in zip(tenders, owners, strict=True):
        paths += [files[n] for n in sorted(files) if owner[n]] + list(tender)
    records = parse_files(paths, limits, workers=workers, keep_images=keep_images, in_process=in_process,
                          progress=progress)
    read_s = round(time.perf_counter() - start, 3)
    results, at = [], 0
    for (files, tender), owner in zip(tenders, owners, strict=True):
        names = [n for n in sorted(files) if owner[n]]
        stray = [n for n in sorted(files) if not owner[n]]
        mine = records[at: at + len(names)]
        tender_recs = records[at + len(names): at + len(names) + len(tender)]
        at += len(names) + len(tender)
        by_bidder: dict[str, list[DocumentRecord]] = defaultdict(list)
        rows = []
        for name, rec in zip(names, mine, strict=True):
            rec.name, rec.bidder = name, owner[name]
            by_bidder[rec.bidder].append(rec)
            rows.append(_file_row(rec.bidder, rec))
        rows += [_file_row("", DocumentRecord(name=n, kind=PurePosixPath(n).suffix.lower().lstrip("."),
                                              notes=[STRAY_NOTE])) for n in stray]
        for path, rec in zip(tender, tender_recs, strict=True):
            rec.name = f"招标文件/{path.name}"
        start = time.perf_counter()
        discounted: list[dict[str, Any]] = []
        notes: list[str] = []
        findings = compare_bidders(by_bidder, tender_recs, s, discounted, notes)
        timings = {"read_s": read_s, "compare_s": round(time.perf_counter() - start, 3)}
        results.append(BatchResult(findings=findings, files=rows, bidders=sorted(by_bidder),
                                   tender_files=[_file_row("招标文件", r) for r in tender_recs], timings=timings,
                                   records=dict(by_bidder), discounted=discounted, stray=stray, notes=notes))
    return results


def compare_archive(archive: Path, tender: list[Path] | None = None, settings: Any = None,
                    limits: Limits = DEFAULT_LIMITS, *, workers: int | None = None,
                    keep_images: bool = False, progress: Callable[[int, int], None] | None = None) -> BatchResult:
    """Unpack the zip of bids safely and compare its bidders (:func:`compare_files`)."""
    workdir = Path(tempfile.mkdtemp(prefix="bidwatch-docs-"))
    try:
        start = time.perf_counter()
        members = extract_archive(Path(archive), workdir, limits)
        unpack = round(time.perf_counter() - start, 3)
        result = compare_files(dict(members), tender, settings, limits, workers=workers, keep_images=keep_images,
                               progress=progress)
        result.timings = {"unpack_s": unpack, **result.timings}
        return result
    finally:
        remove_tree(workdir)


# ------------------------------------------------------------------------------------------ output

def _write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(f"{COLUMNS_ZH[c]} / {c}" if c in COLUMNS_ZH else c for c in columns)
        for row in rows:
            w.writerow(neutralise_row(row.get(c, "") for c in columns))


def finding_rows(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**f, "bidder_a": f["bidders"][0], "bidder_b": f["bidders"][1],
             "evidence": orjson.dumps(f["evidence"]).decode()} for f in findings]


def summary_zh(result: BatchResult) -> str:
    """A short Chinese summary (English beside the headings) of what was read and found."""
    lines = [f"投标文件比对 / bid-file comparison：{len(result.bidders)}家投标人，{len(result.files)}个文件"
             + (f"，招标文件{len(result.tender_files)}个" if result.tender_files else "，未提供招标文件（以全部投标人共有内容视为模板）")]
    by_code: dict[str, int] = defaultdict(int)
    for f in result.findings:
        by_code[f["indicator"]] += 1
    if result.findings:
        lines.append(f"发现 / findings：{len(result.findings)}条（高风险{sum(f['severity'] == 'high' for f in result.findings)}条）")
        for code, n in by_code.items():
            lines.append(f"  - {INDICATORS[code]['name_zh']}（{INDICATORS[code]['legal_basis']}）：{n}对投标人")
        for f in result.findings[:10]:
            lines.append(f"  [{SEVERITY_ZH[f['severity']]}] {f['message']}")
    else:
        lines.append("未发现投标文件异常一致或编辑来源相同的情形 / no findings")
    if result.discounted:
        shown = "；".join(f"{d['field_zh']}“{d['value']}”（{d['spread']}家，{d['reason'].split(' / ')[0]}）"
                         for d in result.discounted[:6])
        lines.append(f"相同但不计入的通用值 / shared values that identify nobody：{shown}")
    if result.stray:
        lines.append(f"不属于任何投标人的文件（未比较）/ files in no bidder's folder, not compared：{len(result.stray)}个："
                     + "、".join(result.stray[:10]) + ("等" if len(result.stray) > 10 else ""))
    for note in result.notes:
        lines.append(f"注意 / note：{note}")
    scanned = [f for f in result.files if f["scanned"]]
    if scanned:
        lines.append(f"扫描件（无文字层，文字未比较）/ scanned files: {len(scanned)}个"
                     + ("" if ocr_available() else "；本机未安装离线文字识别（tesseract-ocr）"))
    for f in result.errors:
        lines.append(f"无法读取 / not read：{f['bidder']} {f['file']}：{f['error']}")
    lines.append("说明：以上为线索，须结合原始投标文件核实后依法认定。/ Leads to be verified against the original files.")
    return "\n".join(lines) + "\n"


def write_outputs(result: BatchResult, out: Path) -> None:
    """findings.csv, findings.json (findings, files, timings), files.csv and summary.txt in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    _write_csv(out / "findings.csv", FINDING_COLUMNS, finding_rows(result.findings))
    _write_csv(out / "files.csv", FILE_COLUMNS, result.files + result.tender_files)
    doc = {"bidders": result.bidders, "findings": result.findings, "files": result.files,
           "tender_files": result.tender_files, "discounted": result.discounted, "stray_files": result.stray,
           "notes": result.notes, "timings": result.timings}
    (out / "findings.json").write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    (out / "summary.txt").write_text(summary_zh(result), encoding="utf-8")
