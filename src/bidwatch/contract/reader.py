"""Finding a dataset's files and turning each into SQL that yields ``__row, c0, c1, …``.

CSV goes to DuckDB's ``read_csv`` with the dialect fixed (no sniffing: the contract fixes it) and
rejected lines stored, so one pass both reads and finds broken records.  GB18030 files are
transcoded to a temporary UTF-8 copy first, in chunks.  Parquet goes to ``read_parquet`` with its
own types.  Workbooks: :mod:`bidwatch.contract.xlsx`.
"""

from __future__ import annotations

import codecs
import csv
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from .problems import Problem
from .schema import TABLES
from .sources import (HEADER_SEARCH_ROWS, Scratch, Source, find_header, first_line, map_headers,
                      note_title_rows, table_for_name, two_row_header)
from .sqltext import ident, lit
from .values import WHITESPACE
from .xlsx import discover_workbook, sheet_names

_CHUNK = 8 * 1024 * 1024
_SNIFF = 4 * 1024 * 1024
_EMPTY_SCAN_LIMIT = 256 * 1024 * 1024
_SUFFIXES = {".csv": "csv", ".parquet": "parquet"}
#: read as CSV when no .csv or .parquet gives the table: Excel's 文本文件（制表符分隔）(GBK) and Unicode 文本 (UTF-16)
#: exports, whose tab and encoding :func:`_csv_scan` finds; not preferred, since a dataset also holds text files
_TEXT_SUFFIXES = {".txt": "csv"}


# --------------------------------------------------------------------------- table discovery


def discover(path: Path, scratch: Scratch) -> tuple[list[Source], list[Problem]]:
    """Sources of a dataset folder or workbook, plus file-level problems."""
    if path.is_dir():
        return _discover_folder(path, scratch)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:  # .xlsm: a workbook with macros, read as data (none runs)
        not_a_workbook = web_page_as_xls(path)
        if not_a_workbook is not None:
            return [], [not_a_workbook]
        return discover_workbook(path, scratch)
    suffix = path.suffix.lower()
    if suffix in (".csv", *_TEXT_SUFFIXES):
        return [], [_single_table_file(path)]
    hint = ("：WPS 表格的 .et 请在 WPS 中另存为 .xlsx / a WPS .et sheet: save it as .xlsx in WPS"
            if suffix == ".et" else
            "：压缩包请先解压，再指定解压后的文件夹（网页导入可直接上传 .zip） / an archive: unzip it and give the folder "
            "(the web import takes the .zip itself)" if suffix in (".zip", ".rar", ".7z") else "")
    return [], [
        Problem(path.name, None, None, None,
                f"需要数据集文件夹或 .xlsx 工作簿 / expected a dataset folder or an .xlsx workbook{hint}")
    ]


#: how the first bytes of a file named .xls that is no Excel workbook start: a web page (a platform's "导出Excel" writes
#: an HTML table and names it .xls; Excel opens it with a warning) or Excel 2003's XML spreadsheet
_HTML_STARTS = (b"<html", b"<table", b"<!doctype html", b"<head", b"<meta", b"<style", b"<body", b"<tr", b"<div")
_XML_START = b"<?xml"


def web_page_as_xls(path: Path, table: str | None = None) -> Problem | None:
    """A problem for an .xls file that is a web page (or an XML spreadsheet) under a workbook's name, which xlrd
    refuses with "Expected BOF record"; None for any other file. With ``table``, the problem is that table's (the
    file named as the value)."""
    if path.suffix.lower() != ".xls":
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError:
        return None
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom):].replace(b"\x00", b"")
            break
    head = head.lstrip(b" \t\r\n").lower()
    if head.startswith(_XML_START):
        zh, en = ("文件内容是 XML 表格（Excel 2003 XML），不是 .xls 工作簿",
                  "the file is an XML spreadsheet (Excel 2003 XML), not an .xls workbook")
    elif head.startswith(_HTML_STARTS):
        zh, en = ("文件内容是网页（HTML 表格，平台“导出Excel”常见），只是以 .xls 命名，不是 Excel 工作簿",
                  "the file is a web page (an HTML table, as a platform's \"export to Excel\" writes) saved as .xls, "
                  "not an Excel workbook")
    else:
        return None
    return Problem(table or path.name, None, None, path.name if table else None,
                   f"{zh}：请用 Excel 或 WPS 打开它，“另存为” Excel 工作簿（.xlsx），再导入该 .xlsx 文件 / {en}: open it in "
                   "Excel or WPS, save it as an Excel workbook (.xlsx) and load that file")


def _looks_like_notices(path: Path) -> bool:
    """Whether a CSV file's header (among its first rows) is that of a platform notices export (中标候选人公示, 中标结果公告,
    开标记录): a bidder's name column (中标候选人, 投标人名称…, which no contract table has: bids name a company_id) and at
    least one more column of :data:`bidwatch.contract.notices.NOTICE_COLUMNS`."""
    from .notices import NOTICE_COLUMNS, _match  # the notices import's own recognition of its headers
    from .textfiles import decode_text

    try:
        with path.open("rb") as fh:
            data = fh.read(_SNIFF)
        if len(data) == _SNIFF and b"\n" in data:
            data = data[:data.rindex(b"\n")]
        text = decode_text(data)
    except (OSError, UnicodeDecodeError):
        return False
    for line in [t for t in text.splitlines() if t.strip(WHITESPACE)][:HEADER_SEARCH_ROWS]:
        try:
            cells = next(csv.reader([line], delimiter=_delimiter(line)))
        except (csv.Error, StopIteration):
            continue
        names = {_match(c) for c in cells if c and c.strip(WHITESPACE)} - {None}
        if "company" in names and len(names) >= 2:
            return True
    return False


def _single_table_file(path: Path) -> Problem:
    """The problem of a single .csv / .txt given as the dataset: a dataset is a folder of tables; a notices export (its
    header says so) is converted by ``bidwatch notices``."""
    if _looks_like_notices(path):
        return Problem(path.name, None, None, None,
                       f"这是平台公告导出（中标候选人公示、中标结果公告或开标记录），不是数据集：请先转换为数据集，"
                       f"bidwatch notices {path.name} --out 数据集文件夹，再扫描该文件夹 / this is a platform notices export "
                       f"(candidates, results or bid opening), not a dataset: convert it first with "
                       f"bidwatch notices {path.name} --out DATASET_DIR, then scan that folder")
    table = table_for_name(path.stem)
    named = f"（{table.zh}表 {table.name}）" if table is not None else ""
    return Problem(path.name, None, None, None,
                   f"单个 CSV 文件{named}不是数据集：数据集是一个文件夹，每张合同表一个文件（tenders.csv、bids.csv、"
                   f"companies.csv、projects.csv……，见 docs/data-contract.md），请把它们放进同一个文件夹并指定该文件夹，或使用 "
                   f".xlsx 工作簿 / a single CSV file is not a dataset: put the contract tables in one folder, one file "
                   f"per table (tenders.csv, bids.csv, companies.csv, projects.csv, …), and give that folder, or use "
                   f"an .xlsx workbook")


#: files read as workbooks (an old .xls through its conversion: contract/xls.py)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def unrecognised_names(path: Path) -> list[str]:
    """Files (of a folder) or sheets (of a workbook) that name no contract table, for the message
    about a missing table: the user may have named the table in a way we do not know."""
    if path.is_dir():
        data = (*_SUFFIXES, *_TEXT_SUFFIXES, *WORKBOOK_SUFFIXES, ".et")
        return [e.name for e in sorted(path.iterdir())
                if e.suffix.lower() in data and e.is_file() and table_for_name(e.stem) is None]
    return [n for n in sheet_names(path) if table_for_name(n) is None]


def _discover_folder(folder: Path, scratch: Scratch) -> tuple[list[Source], list[Problem]]:
    """A folder's tables: one ``.csv`` or ``.parquet`` file each, else a ``.txt`` export (read as CSV), or a workbook of
    the table's name (投标.xlsx: its sheet of that name, else its first sheet); a workbook beside the table's .csv or
    .parquet is a problem naming both."""
    found: dict[str, list[Path]] = {}
    fallback: dict[str, list[Path]] = {}
    for entry in sorted(folder.iterdir()):
        suffix = entry.suffix.lower()
        table = table_for_name(entry.stem) if entry.is_file() else None
        if table is None:
            continue
        if suffix in _SUFFIXES:
            found.setdefault(table.name, []).append(entry)
        elif suffix in _TEXT_SUFFIXES or suffix in WORKBOOK_SUFFIXES:
            fallback.setdefault(table.name, []).append(entry)
    for name, paths in fallback.items():
        # 投标.xlsx beside bids.csv: two files for one table, which one is meant is the user's to say (the workbook
        # was read by no one, and not a word said: QA, 2026-12-07); a .txt beside it may be a note, and gives way
        books = [p for p in paths if p.suffix.lower() in WORKBOOK_SUFFIXES]
        found[name] = found[name] + books if name in found else paths
    if not found:
        # a folder holding one workbook and no table files is that workbook (``bidwatch synth --format xlsx OUT``
        # writes OUT/dataset.xlsx; a clerk's folder holds its 台账.xlsx)
        books = [e for e in sorted(folder.iterdir()) if e.is_file() and e.suffix.lower() in WORKBOOK_SUFFIXES
                 and not e.name.startswith("~$")]
        if len(books) == 1:
            not_a_workbook = web_page_as_xls(books[0])
            return ([], [not_a_workbook]) if not_a_workbook is not None else discover_workbook(books[0], scratch)
    sources: list[Source] = []
    problems: list[Problem] = []
    for name, paths in found.items():
        if len(paths) > 1:
            listed = ", ".join(p.name for p in paths)
            problems.append(Problem(name, None, None, listed,
                                    f"同一张表只能有一个文件：{listed} / table given by more than one file"))
            continue
        p = paths[0]
        if p.suffix.lower() in WORKBOOK_SUFFIXES:
            not_a_workbook = web_page_as_xls(p, name)
            if not_a_workbook is not None:
                problems.append(not_a_workbook)
                continue
            book_sources, book_problems = discover_workbook(p, scratch, only=TABLES[name])
            sources.extend(book_sources)
            problems.extend(book_problems)
            continue
        src = Source(TABLES[name], p, {**_SUFFIXES, **_TEXT_SUFFIXES}[p.suffix.lower()])
        if src.fmt == "csv":
            _prepare_csv(src, scratch)
        else:
            _prepare_parquet(src, scratch.con)
        sources.append(src)
    return sources, problems


# --------------------------------------------------------------------------- CSV


def _prepare_csv(src: Source, scratch: Scratch) -> None:
    readable = _utf8_or_transcoded(src, scratch, sniff_only=True)
    if readable is not None:
        _csv_scan(src, readable)


def retry_as_gb18030(src: Source, scratch: Scratch) -> bool:
    """After DuckDB found bytes that are not UTF-8 past the sniffed start: transcode and rescan.

    Returns True when ``src`` now reads a UTF-8 copy; otherwise an encoding problem is recorded.
    """
    src.problems = []
    readable = _utf8_or_transcoded(src, scratch, sniff_only=False)
    if readable is None:
        return False
    src.positions, src.extras, src.wan_columns, src.scaled_columns = {}, [], set(), {}
    src.notices, src.header_row, src.title_wan, src.title_unit = [], 1, False, None
    _csv_scan(src, readable)
    return True


def _delimiter(line: str) -> str:
    """The separator of a CSV's header line: a tab (Excel's 文本文件), a semicolon (a European-locale export), else a
    comma."""
    if "," in line:
        return ","
    if "\t" in line:
        return "\t"
    return ";" if ";" in line else ","


def _head_lines(readable: Path) -> list[tuple[int, str, list[str | None]]]:
    """(line number, text, fields) of the first non-blank lines, each parsed on its own (title
    rows above the header may have another delimiter or none)."""
    out: list[tuple[int, str, list[str | None]]] = []
    with readable.open("r", encoding="utf-8-sig", newline="") as fh:
        for number, line in enumerate(fh, start=1):
            text = line.rstrip("\r\n")
            if not text.strip(WHITESPACE):
                continue
            try:
                fields: list[str | None] = list(next(csv.reader([text], delimiter=_delimiter(text))))
            except (csv.Error, StopIteration):
                fields = [text]
            out.append((number, text, fields))
            if len(out) >= HEADER_SEARCH_ROWS or number >= 4 * HEADER_SEARCH_ROWS:
                break
    return out


def _line_scan(path: Path) -> tuple[bool, int]:
    """One pass over the file: whether it holds ``\n\n`` or ``\n\r\n`` anywhere (NumPy compares the bytes of
    each chunk: twice as fast as ``bytes`` searches, whose first byte ``\n`` stops them on every line), and its
    physical lines (a last line without its newline counts; ``bytes.count`` runs at memory speed)."""
    import numpy as np

    if _cr_only(path):  # an old Mac's or a tool's CR line ends: the same counts over CR
        empty, lines, tail, last = False, 0, b"", b"\r"
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                empty = empty or b"\r\r" in tail + chunk
                lines += chunk.count(b"\r")
                tail, last = chunk[-1:], chunk[-1:]
        return empty, lines + (last != b"\r")
    empty, lines, tail, last = False, 0, b"", b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if not empty:
                data = np.frombuffer(tail + chunk, dtype=np.uint8)
                nl = data == 10
                empty = bool((nl[1:] & nl[:-1]).any() or (nl[2:] & nl[:-2] & (data[1:-1] == 13)).any())
            lines += chunk.count(b"\n")
            tail, last = chunk[-2:], chunk[-1:]
    return empty, lines + (last != b"\n")


def _empty_lines(path: Path, after: int) -> list[int]:
    """Physical numbers of the empty lines after line ``after``: DuckDB skips them, which would
    shift the row numbers of every record below (a hand-edited CSV has them). Called only for a file that
    :func:`_line_scan` found holding one."""
    found: list[int] = []
    for number, raw in enumerate(_raw_lines(path), start=1):
        if number > after and raw in (b"\n", b"\r\n", b"\r"):
            found.append(number)
    return found


def _cr_only(path: Path) -> bool:
    """Whether the file ends its lines with CR alone (no LF in its first 64 KB, a CR there)."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    return b"\r" in head and b"\n" not in head


def _raw_lines(path: Path) -> Iterator[bytes]:
    """The file's physical lines with their ends, as DuckDB and the csv module count them: split at LF, or at CR in a
    file whose lines end with CR alone (:func:`_cr_only`)."""
    with path.open("rb") as fh:
        if not _cr_only(path):
            yield from fh
            return
        tail = b""
        while chunk := fh.read(_CHUNK):
            parts = (tail + chunk).split(b"\r")
            tail = parts.pop()
            yield from (part + b"\r" for part in parts)
        if tail:
            yield tail


def _record_lines(path: Path, after: int) -> tuple[list[tuple[int, int]], int]:
    """``(k, shift)`` pairs as :func:`_empty_line_shifts` gives them, and the number of records, for a CSV whose
    quoted cells may hold line breaks: a record begins on a line that starts outside quotes and is not empty; a
    line inside a quoted cell, or an empty line (DuckDB skips it), moves the records below it one line down."""
    shifts: dict[int, int] = {}
    records, last, inside = 0, 0, False
    for number, raw in enumerate(_raw_lines(path), start=1):
        if number <= after:
            continue
        if not inside and raw not in (b"\n", b"\r\n", b"\r"):
            records += 1
            shift = number - after - records
            if shift != last:
                shifts[records - 1] = last = shift
        if raw.count(b'"') % 2:
            inside = not inside
    return list(shifts.items()), records


def _empty_line_shifts(empties: list[int], line: int) -> list[tuple[int, int]]:
    """``(k, shift)``: records after the ``k``-th (1-based ordinal) sit ``shift`` lines lower, one per
    empty line above them (``empties``: :func:`_empty_lines`)."""
    # the j-th empty line (0-based) follows the first (e_j - line - 1 - j) records; of several empty
    # lines after the same record the last counts them all
    shift_after = {e - line - 1 - j: j + 1 for j, e in enumerate(empties)}
    return list(shift_after.items())


def _csv_scan(src: Source, readable: Path) -> None:
    name = src.table.name
    head = _head_lines(readable)
    if not head:
        src.problems.append(Problem(name, 1, None, None, "空文件或缺少表头行 / empty file or no header row"))
        return
    h, depth = find_header(src.table, [fields for _, _, fields in head], [n for n, _, _ in head])
    line, first, _ = head[h + depth - 1]
    src.header_row = line
    note_title_rows(src, [(n, fields) for n, _, fields in head[:h]])
    upper = head[h][2] if depth == 2 else None
    delim = _delimiter(first)
    with readable.open("r", encoding="utf-8-sig", newline="") as fh:
        for _ in range(line - 1):
            fh.readline()
        try:
            headers = next(csv.reader(fh, delimiter=delim))
        except csv.Error as exc:
            src.problems.append(Problem(name, line, None, first.strip(), f"表头无法解析 / unreadable header: {exc}"))
            return
    if upper is not None:  # a header in two rows, as a workbook with merged header cells exports it
        headers = [h or "" for h in two_row_header(src.table, upper, headers)]
        src.notices.append(Problem(name, line - 1, None, None,
                                   f"表头占两行（第 {line - 1}–{line} 行），合并读取 / header in two rows "
                                   f"({line - 1}–{line}), read together"))
    map_headers(src, headers)
    src.types = ["VARCHAR"] * len(headers)
    columns = "{" + ", ".join(f"{lit(f'c{i}')}: 'VARCHAR'" for i in range(len(headers))) + "}"
    src.rejects_table = f"__bidwatch_rejects_{name}"
    scan = (
        f"read_csv({lit(str(readable))}, header=true, skip={line - 1}, auto_detect=false, delim={lit(delim)}, "
        f"quote='\"', escape='\"', columns={columns}, store_rejects=true, "
        f"rejects_table={lit(src.rejects_table)}, rejects_scan={lit(src.rejects_table + '_scan')}, "
        f"max_line_size=16777216)"
    )
    # The file is read, typed and trimmed in parallel and numbered afterwards (stage.number_rows), so
    # a row of empty fields (Excel saves a blank row as ",,,,") is only marked here: it keeps its number
    # and is dropped then. A row number over the scan itself would run the whole staging on one thread.
    blank = " AND ".join(f"c{i} IS NULL" for i in range(len(headers)))
    src.from_sql = f"SELECT ({blank}) AS __blank, * FROM {scan}"
    src.numbered_after = line
    if readable.stat().st_size <= _EMPTY_SCAN_LIMIT:  # machine exports beyond that size have no empty lines
        has_empty, src.physical_lines = _line_scan(readable)
        src.empty_line_shifts = _empty_line_shifts(_empty_lines(readable, line), line) if has_empty else []
        # fewer records than lines below the header (less the empty ones) means quoted cells over several lines:
        # stage.number_rows then counts each record's own line (one pass in Python, only for such a file)
        src.record_lines = lambda: _record_lines(readable, line)


def _utf8_or_transcoded(src: Source, scratch: Scratch, sniff_only: bool) -> Path | None:
    """The file itself when UTF-8 (BOM allowed), else a UTF-8 copy of a GB18030 file.

    ``sniff_only``: decide on the first few MB only; DuckDB validates the rest while reading
    (an invalid byte becomes an INVALID ENCODING reject, see :func:`retry_as_gb18030`), which
    saves a Python pass over large files.
    """
    with src.path.open("rb") as fh:
        bom = fh.read(2)
    if bom in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode 文本" (UTF-16 with its BOM): a UTF-8 copy is read
        target = scratch.temp_path(f"{src.table.name}.utf8.csv")
        with src.path.open("r", encoding="utf-16", newline="") as fin, target.open("w", encoding="utf-8",
                                                                                    newline="") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
        return target
    bad_at = _first_decode_error(src.path, "utf-8", limit=_SNIFF if sniff_only else None)
    if bad_at is None:
        return src.path
    if _utf8_chars_before(src.path, bad_at) >= _UTF8_EVIDENCE:
        # UTF-8 Chinese up to here: a GBK export appended to a UTF-8 file (its UTF-8 bytes may well decode as GB18030
        # too, as mojibake). The fault is here, not at the file's first Chinese character.
        row, column, value = _locate_bytes(src, bad_at)
        src.problems.append(Problem(src.table.name, row, column, value,
                                    f"编码不一致：文件 {src.path.name} 此前为 UTF-8，此处的字节却不是 UTF-8（可能追加了 GBK "
                                    f"导出的内容）：请将整个文件另存为 UTF-8 / mixed encodings: {src.path.name} is UTF-8 "
                                    f"up to here but these bytes are not (text in GBK appended?): save the whole file "
                                    f"as UTF-8"))
        return None
    target = scratch.temp_path(f"{src.table.name}.utf8.csv")
    if _transcode_gb18030(src.path, target):
        return target
    target.unlink(missing_ok=True)
    # Not GB18030 either: report the first byte that is not GB18030 (the first non-UTF-8 byte is
    # usually just the file's first Chinese character), at its CSV record and column.
    gb_bad = _first_decode_error(src.path, "gb18030")
    row, column, value = _locate_bytes(src, bad_at if gb_bad is None else gb_bad)
    src.problems.append(Problem(src.table.name, row, column, value,
                                f"无法识别的编码：文件 {src.path.name} 在此处的字节既不是 UTF-8 也不是 GB18030 / "
                                f"unreadable encoding: the bytes here in {src.path.name} are neither UTF-8 nor GB18030"))
    return None


def _locate_bytes(src: Source, offset: int) -> tuple[int, str | None, str]:
    """(row, column, value) of the byte at ``offset`` of a CSV file: the row as :class:`Problem`
    numbers it (records, not physical lines: a quoted cell may span lines), the header's name of
    the column, and the cell with its undecodable bytes written as ``\\xNN``.

    Scans bytes: in UTF-8 and GB18030 alike, quote, comma, tab and newline bytes never occur inside
    a multi-byte character, so the record structure is found without decoding."""
    quoted = False
    records = 0
    field = 0
    field_start = 0
    record_start = 0
    firsts: list[tuple[int, bytes]] = []  # (row, raw record) of the first records, to find the header
    with src.path.open("rb") as fh:
        head_text = fh.read(4096).split(b"\n", 1)[0]
        delim = b"\t"[0] if b"\t" in head_text and b"," not in head_text else b","[0]
        special = re.compile(b'["\n' + bytes([delim]) + b"]")
        fh.seek(0)
        pos = 0
        while pos < offset:
            chunk = fh.read(min(_CHUNK, offset - pos))
            if not chunk:
                break
            for m in special.finditer(chunk):
                byte, at = chunk[m.start()], pos + m.start()
                if byte == 0x22:
                    quoted = not quoted
                elif quoted:
                    continue
                elif byte == delim:
                    field += 1
                    field_start = at + 1
                else:  # newline: a record ends
                    if len(firsts) < HEADER_SEARCH_ROWS:
                        firsts.append((records + 1, _read_span(src.path, record_start, at)))
                    records += 1
                    field = 0
                    field_start = record_start = at + 1
            pos += len(chunk)
        fh.seek(field_start)
        data = fh.read(offset - field_start) if offset - field_start <= 64 * 1024 else b""
        after = fh.read(64 * 1024) if data or offset == field_start else b""
    end = 0
    for end, byte in enumerate(after):  # the rest of the cell
        if byte == 0x22:
            quoted = not quoted
        elif not quoted and byte in (delim, 0x0A, 0x0D):
            break
    else:
        end = len(after)
    raw = data + after[:end]
    value = raw.strip(b'"').decode("gb18030", errors="backslashreplace")
    value = value if len(value) <= 200 else value[:200] + "…"
    column = None
    parsed = []
    for row, rec in firsts:
        try:  # the header of a UTF-8 file with foreign bytes further down is UTF-8
            text = rec.rstrip(b"\r").decode("utf-8-sig")
        except UnicodeDecodeError:
            text = rec.rstrip(b"\r").decode("gb18030", errors="replace")
        if not text.strip(WHITESPACE):
            continue
        try:
            parsed.append((row, list(next(csv.reader([text], delimiter=chr(delim))))))
        except (csv.Error, StopIteration):
            parsed.append((row, [text]))
    if parsed:
        h, depth = find_header(src.table, [f for _, f in parsed], [n for n, _ in parsed])
        header_row, header = parsed[min(h + depth - 1, len(parsed) - 1)]
        if records + 1 > header_row and field < len(header):
            column = (header[field] or "").strip(WHITESPACE) or None
    return records + 1, column, value


#: characters beyond ASCII in UTF-8 before a file's first non-UTF-8 byte that make it a UTF-8 file: GBK text seldom
#: forms one valid UTF-8 sequence by chance, never four in a row
_UTF8_EVIDENCE = 4


def _utf8_chars_before(path: Path, end: int) -> int:
    """The characters beyond ASCII, a leading BOM aside, in the first ``end`` bytes (valid UTF-8) of ``path``."""
    with path.open("rb") as fh:
        head = fh.read(min(end, _SNIFF)).removeprefix(codecs.BOM_UTF8)
    return sum(1 for b in head if b >= 0xC0)  # lead bytes: one per character


def _transcode_gb18030(path: Path, target: Path) -> bool:
    """Write a UTF-8 copy of a GB18030 file in one streamed pass; False if it is not GB18030. A UTF-8 BOM before
    GB18030 text (a tool that writes the BOM, then the text in the system's code page) is skipped."""
    decoder = codecs.getincrementaldecoder("gb18030")("strict")
    with path.open("rb") as raw, target.open("w", encoding="utf-8", newline="") as out:
        if raw.read(3) != codecs.BOM_UTF8:
            raw.seek(0)
        while True:
            chunk = raw.read(_CHUNK)
            try:
                out.write(decoder.decode(chunk, final=not chunk))
            except UnicodeDecodeError:
                return False
            if not chunk:
                return True


def _first_decode_error(path: Path, encoding: str, limit: int | None = None) -> int | None:
    """Byte offset of the first undecodable byte, or None when the file (or its first ``limit``
    bytes) decodes."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK if limit is None else min(_CHUNK, limit - offset))
            last = not chunk
            try:
                decoder.decode(chunk, final=last)
            except UnicodeDecodeError as exc:
                return offset + max(exc.start, 0)
            offset += len(chunk)
            if last or (limit is not None and offset >= limit):
                return None


def _read_span(path: Path, start: int, end: int) -> bytes:
    with path.open("rb") as fh:
        fh.seek(start)
        return fh.read(min(end - start, 64 * 1024))


def has_encoding_rejects(src: Source, con: duckdb.DuckDBPyConnection) -> bool:
    if src.rejects_table is None:
        return False
    return con.execute(f"SELECT 1 FROM {ident(src.rejects_table)} WHERE error_type = 'INVALID ENCODING' "
                       f"LIMIT 1").fetchone() is not None


def read_rejects(src: Source, con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Broken CSV records (wrong field count, unterminated quote, …) as problems."""
    if src.rejects_table is None:
        return []
    rows = con.execute(
        f"SELECT line, column_idx, column_name, error_type, csv_line, error_message "
        f"FROM {ident(src.rejects_table)} ORDER BY line"
    ).fetchall()
    out = []
    inverse = {f"c{i}": h for i, h in enumerate(src.headers)}
    for line, _idx, column_name, error_type, csv_line, message in rows:
        column = inverse.get(column_name or "")
        out.append(Problem(src.table.name, int(line), column, csv_line,
                           f"CSV 格式错误 / broken CSV record: {error_type}: {message}"))
    return out


def drop_rejects(src: Source, con: duckdb.DuckDBPyConnection) -> None:
    if src.rejects_table:
        con.execute(f"DROP TABLE IF EXISTS {ident(src.rejects_table)}")
        con.execute(f"DROP TABLE IF EXISTS {ident(src.rejects_table + '_scan')}")


# --------------------------------------------------------------------------- Parquet


def _prepare_parquet(src: Source, con: duckdb.DuckDBPyConnection) -> None:
    scan = f"read_parquet({lit(str(src.path))}, file_row_number=true)"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(str(src.path))})").fetchall()
    except duckdb.Error as exc:
        src.problems.append(Problem(src.table.name, None, None, None,
                                    f"无法读取 Parquet 文件 / unreadable Parquet file: {first_line(exc)}"))
        return
    names = [r[0] for r in described]
    src.types = [str(r[1]).upper() for r in described]
    map_headers(src, names)
    cols = ", ".join(f"{ident(n)} AS c{i}" for i, n in enumerate(names))
    src.from_sql = f"SELECT file_row_number + 2 AS __row, {cols} FROM {scan}"


__all__ = ["Source", "Scratch", "discover", "read_rejects", "drop_rejects", "has_encoding_rejects",
           "retry_as_gb18030", "unrecognised_names"]
