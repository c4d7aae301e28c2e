"""Text files a dataset refers to: ``bid_files.text_path`` and ``tenders.requirements_text``.

Existence is checked once per distinct path with one directory listing per distinct folder (not
one ``stat`` per row); only requirement texts are read at load time, bid document texts are read
on demand with :func:`decode_text`.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path, PurePosixPath

import pyarrow as pa

from bidwatch.i18n import chinese_first as _

from .problems import Problem
from .sources import Scratch
from .sqltext import ident
from .validate import Check, run_checks

MISSING = _("referenced text file does not exist")
OUTSIDE = _("path must be relative and inside the dataset folder")
UNREADABLE = _("text file is neither UTF-8 nor GB18030")


def absent_notice(table: str, column: str, missing: list[str]) -> Problem:
    """The one notice of a load with ``absent_texts`` (a workbook given without its text files): the paths of
    ``column`` that name no file read as no text."""
    shown = "、".join(sorted(missing)[:3]) + (" …" if len(missing) > 3 else "")
    return Problem(table, None, column, shown,
                   _("%(n)s referenced text files were not given with the workbook: they are read as not "
                     "available (those texts are not checked); to have them checked, upload the workbook "
                     "and its text folder together in one .zip", n=len(missing)))


def _forget_missing(scratch: Scratch, table: str, column: str, missing: list[str]) -> None:
    """Empty ``table.column`` where it names one of the ``missing`` files (``absent_texts``)."""
    view = _register(scratch, f"__bidwatch_absent_{table}", pa.table({"path": missing}))
    scratch.con.execute(f"UPDATE {ident(table)} SET {ident(column)} = NULL FROM {ident(view)} m "
                        f"WHERE {ident(table)}.{ident(column)} = m.path")


def decode_text(data: bytes) -> str:
    """Text of a file: UTF-16 with BOM, UTF-8 (BOM optional) or GB18030, in that order."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def safe_relative(relpath: str) -> str | None:
    """``relpath`` with ``/`` separators when it stays inside the dataset folder, else None."""
    p = relpath.strip().replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    pure = PurePosixPath(p)
    if not p or pure.is_absolute() or (len(p) > 1 and p[1] == ":") or ".." in pure.parts:
        return None
    return p


@lru_cache(maxsize=64)
def _resolved(base_dir: Path) -> Path:
    """The dataset folder resolved once (a scan reads thousands of its files: one realpath each, not two)."""
    return base_dir.resolve()


def resolve_inside(base_dir: Path, relpath: str) -> Path | None:
    rel = safe_relative(relpath)
    if rel is None:
        return None
    base = _resolved(base_dir)
    target = (base / rel).resolve()
    return target if target == base or base in target.parents else None


def existing_files(rels: list[str], list_folder: Callable[[str], set[str] | None]) -> set[str]:
    """Which of ``rels`` (safe relative paths) name existing files, with one ``list_folder(parent)``
    per folder (the names of its files, or None when the folder does not exist)."""
    by_dir: dict[str, list[str]] = {}
    for rel in rels:
        parent, _, name = rel.rpartition("/")
        by_dir.setdefault(parent, []).append(name)
    found: set[str] = set()
    for parent, names in by_dir.items():
        present = list_folder(parent)
        if present is not None:
            found.update(f"{parent}/{n}" if parent else n for n in names if n in present)
    return found


def _existing(base_dir: Path, rels: list[str]) -> set[str]:
    def list_folder(parent: str) -> set[str] | None:
        try:
            with os.scandir(base_dir / parent if parent else base_dir) as it:
                return {e.name for e in it if e.is_file()}
        except OSError:
            return None

    return existing_files(rels, list_folder)


def _register(scratch: Scratch, name: str, table: pa.Table) -> str:
    scratch.con.register(name, table)
    scratch.on_close(lambda: scratch.con.unregister(name))
    return name


def _take_missing_as_absent(scratch: Scratch, table: str, column: str, bad: dict[str, str],
                            notices: list[Problem] | None) -> dict[str, str]:
    """The paths of ``bad`` that name no file emptied in ``table.column``, said in one notice appended to
    ``notices`` (:func:`absent_notice`); the other bad paths returned, to be refused as before."""
    missing = [v for v, why in bad.items() if why == MISSING]
    if missing:
        _forget_missing(scratch, table, column, missing)
        if notices is not None:
            notices.append(absent_notice(table, column, missing))
    return {v: why for v, why in bad.items() if why != MISSING}


def check_text_paths(scratch: Scratch, base_dir: Path, cap: int | None, *, absent: bool = False,
                     notices: list[Problem] | None = None) -> list[Problem]:
    """Every ``bid_files.text_path`` must name a file inside the dataset folder. ``absent``: one that names no
    file is emptied instead, with one notice appended to ``notices`` (:func:`absent_notice`)."""
    con = scratch.con
    paths = [r[0] for r in con.execute(
        "SELECT DISTINCT text_path FROM bid_files WHERE text_path IS NOT NULL").fetchall()]
    if not paths:
        return []
    safe = {p: safe_relative(p) for p in paths}
    existing = _existing(base_dir, [s for s in safe.values() if s is not None])
    bad = {p: (OUTSIDE if s is None else MISSING) for p, s in safe.items() if s is None or s not in existing}
    if absent:
        bad = _take_missing_as_absent(scratch, "bid_files", "text_path", bad, notices)
    if not bad:
        return []
    view = _register(scratch, "__bidwatch_bad_paths",
                     pa.table({"path": list(bad), "why": list(bad.values())}))
    sql = (f"SELECT b.__row, b.text_path AS val, m.why AS info FROM bid_files b "
           f"JOIN {ident(view)} m ON b.text_path = m.path")
    return run_checks(con, [Check("bid_files", "text_path", "{info}", sql)], cap)


def read_text_files(values: list[str], read: Callable[[str], bytes | None]) -> tuple[dict[str, str], dict[str, str]]:
    """The texts of the files that ``values`` name relative to a dataset, and why the others fail
    (outside the dataset, missing, neither UTF-8 nor GB18030). ``read(rel)`` gives a file's bytes
    or None when it does not exist; the local and the Spark loader pass their own."""
    contents: dict[str, str] = {}
    bad: dict[str, str] = {}
    for value in values:
        rel = safe_relative(value)
        data = read(rel) if rel is not None else None
        if rel is None:
            bad[value] = OUTSIDE
        elif data is None:
            bad[value] = MISSING
        else:
            try:
                contents[value] = decode_text(data)
            except UnicodeDecodeError:
                bad[value] = UNREADABLE
    return contents, bad


def inline_requirements(scratch: Scratch, base_dir: Path, cap: int | None, *, absent: bool = False,
                        notices: list[Problem] | None = None) -> list[Problem]:
    """Replace a ``tenders.requirements_text`` that is a relative ``.txt`` path by the file's text.
    ``absent``: a path that names no file is emptied instead, with one notice appended to ``notices``."""
    con = scratch.con
    values = [r[0] for r in con.execute(
        "SELECT DISTINCT requirements_text FROM tenders "
        "WHERE regexp_full_match(requirements_text, '[^\\r\\n]{1,255}\\.[tT][xX][tT]')").fetchall()]
    if not values:
        return []
    def read(rel: str) -> bytes | None:
        target = resolve_inside(base_dir, rel)
        return target.read_bytes() if target is not None and target.is_file() else None

    contents, bad = read_text_files(values, read)
    if absent:
        bad = _take_missing_as_absent(scratch, "tenders", "requirements_text", bad, notices)
    problems: list[Problem] = []
    if bad:
        view = _register(scratch, "__bidwatch_bad_requirements",
                         pa.table({"path": list(bad), "why": list(bad.values())}))
        sql = (f"SELECT t.__row, t.requirements_text AS val, m.why AS info FROM tenders t "
               f"JOIN {ident(view)} m ON t.requirements_text = m.path")
        problems = run_checks(con, [Check("tenders", "requirements_text", "{info}", sql)], cap)
    if contents and not problems:
        view = _register(scratch, "__bidwatch_requirements",
                         pa.table({"path": list(contents), "content": list(contents.values())}))
        con.execute(f"UPDATE tenders SET requirements_text = m.content FROM {ident(view)} m "
                    f"WHERE tenders.requirements_text = m.path")
    return problems


__all__ = ["decode_text", "safe_relative", "resolve_inside", "check_text_paths", "inline_requirements",
           "read_text_files", "existing_files"]
