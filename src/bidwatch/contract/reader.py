"""Finding a dataset's files and turning each into SQL that yields ``__row, c0, c1, …``.

CSV goes to DuckDB's ``read_csv`` with the dialect fixed (no sniffing: the contract fixes it) and
rejected lines stored, so one pass both reads and finds broken records.  GB18030 files are
transcoded to a temporary UTF-8 copy first, in chunks.  Parquet goes to ``read_parquet`` with its
own types.  Workbooks: :mod:`bidwatch.contract.xlsx`.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import duckdb

from .problems import Problem
from .schema import TABLES
from .sources import Scratch, Source, first_line, map_headers, table_by_file_stem
from .sqltext import ident, lit
from .values import WHITESPACE
from .xlsx import discover_workbook

_CHUNK = 8 * 1024 * 1024
_SNIFF = 4 * 1024 * 1024
_SUFFIXES = {".csv": "csv", ".parquet": "parquet"}


# --------------------------------------------------------------------------- table discovery


def discover(path: Path, scratch: Scratch) -> tuple[list[Source], list[Problem]]:
    """Sources of a dataset folder or workbook, plus file-level problems."""
    if path.is_dir():
        return _discover_folder(path, scratch)
    if path.suffix.lower() == ".xlsx":
        return discover_workbook(path, scratch)
    return [], [
        Problem(path.name, None, None, None,
                "需要数据集文件夹或 .xlsx 工作簿 / expected a dataset folder or an .xlsx workbook")
    ]


def _discover_folder(folder: Path, scratch: Scratch) -> tuple[list[Source], list[Problem]]:
    by_stem = table_by_file_stem()
    found: dict[str, list[Path]] = {}
    for entry in sorted(folder.iterdir()):
        fmt = _SUFFIXES.get(entry.suffix.lower())
        table = by_stem.get(entry.stem.strip().lower()) or by_stem.get(entry.stem.strip())
        if fmt and table and entry.is_file():
            found.setdefault(table.name, []).append(entry)
    sources: list[Source] = []
    problems: list[Problem] = []
    for name, paths in found.items():
        if len(paths) > 1:
            listed = ", ".join(p.name for p in paths)
            problems.append(Problem(name, None, None, listed,
                                    f"同一张表只能有一个文件：{listed} / table given by more than one file"))
            continue
        p = paths[0]
        src = Source(TABLES[name], p, _SUFFIXES[p.suffix.lower()])
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
    src.positions, src.extras, src.wan_columns = {}, [], set()
    _csv_scan(src, readable)
    return True


def _csv_scan(src: Source, readable: Path) -> None:
    name = src.table.name
    with readable.open("r", encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
        if not first.strip(WHITESPACE):
            src.problems.append(Problem(name, 1, None, None, "空文件或缺少表头行 / empty file or no header row"))
            return
        delim = "\t" if "\t" in first and "," not in first else ","
        fh.seek(0)
        try:
            headers = next(csv.reader(fh, delimiter=delim))
        except csv.Error as exc:
            src.problems.append(Problem(name, 1, None, first.strip(), f"表头无法解析 / unreadable header: {exc}"))
            return
    map_headers(src, headers)
    src.types = ["VARCHAR"] * len(headers)
    columns = "{" + ", ".join(f"{lit(f'c{i}')}: 'VARCHAR'" for i in range(len(headers))) + "}"
    src.rejects_table = f"__bidwatch_rejects_{name}"
    scan = (
        f"read_csv({lit(str(readable))}, header=true, auto_detect=false, delim={lit(delim)}, "
        f"quote='\"', escape='\"', columns={columns}, store_rejects=true, "
        f"rejects_table={lit(src.rejects_table)}, rejects_scan={lit(src.rejects_table + '_scan')}, "
        f"max_line_size=16777216)"
    )
    # Streaming row_number() keeps the file order: verified on multi-threaded scans of 2M rows.
    src.from_sql = f"SELECT row_number() OVER () + 1 AS __row, * FROM {scan}"


def _utf8_or_transcoded(src: Source, scratch: Scratch, sniff_only: bool) -> Path | None:
    """The file itself when UTF-8 (BOM allowed), else a UTF-8 copy of a GB18030 file.

    ``sniff_only``: decide on the first few MB only; DuckDB validates the rest while reading
    (an invalid byte becomes an INVALID ENCODING reject, see :func:`retry_as_gb18030`), which
    saves a Python pass over large files.
    """
    bad_at = _first_decode_error(src.path, "utf-8", limit=_SNIFF if sniff_only else None)
    if bad_at is None:
        return src.path
    target = scratch.temp_path(f"{src.table.name}.utf8.csv")
    if _transcode_gb18030(src.path, target):
        return target
    target.unlink(missing_ok=True)
    src.problems.append(Problem(src.table.name, _line_of(src.path, bad_at), None, None,
                                "无法识别的编码：文件既不是 UTF-8 也不是 GB18030 / "
                                "unreadable encoding: neither UTF-8 nor GB18030"))
    return None


def _transcode_gb18030(path: Path, target: Path) -> bool:
    """Write a UTF-8 copy of a GB18030 file in one streamed pass; False if it is not GB18030."""
    decoder = codecs.getincrementaldecoder("gb18030")("strict")
    with path.open("rb") as raw, target.open("w", encoding="utf-8", newline="") as out:
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


def _line_of(path: Path, offset: int) -> int:
    count = 1
    with path.open("rb") as fh:
        remaining = offset
        while remaining > 0:
            chunk = fh.read(min(_CHUNK, remaining))
            if not chunk:
                break
            count += chunk.count(b"\n")
            remaining -= len(chunk)
    return count


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
           "retry_as_gb18030"]
