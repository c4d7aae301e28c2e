"""``load_dataset``: read, type and validate a whole dataset, atomically.

All tables are created inside one DuckDB transaction on the target connection; if any problem is
found the transaction is rolled back, so a rejected dataset leaves neither tables in the
connection nor files on disk (temporary UTF-8 copies of GB18030 files are always removed).

Besides problems, a load gives *notices*: what was read differently from a plain table and why
(title rows above the header, a "单位：万元" line, totals and signature rows skipped), each with
its place, on :attr:`Dataset.notices` and on :attr:`DatasetInvalid.notices`.  In a workbook,
problems and notices name the sheet as the user named it (``投标``), not the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from .problems import DatasetInvalid, Problem
from .reader import (Scratch, Source, discover, drop_rejects, has_encoding_rejects, read_rejects,
                     retry_as_gb18030, unrecognised_names)
from .schema import REQUIRED_TABLES, TABLES
from .sources import first_line, missing_table_problem
from .xlsx import FORMULA_WITHOUT_VALUE
from .sqltext import ident, lit, private_connection
from .stage import failed_tender_notices, finalize, slow_pass, stage, status_reasons
from .textfiles import check_text_paths, decode_text, inline_requirements, resolve_inside
from .trailers import TRAILER_NOTICES, drop_trailer_rows, trailing_reject_notices
from .validate import (amount_notices, bidder_notices, kept_shortened, key_checks, length_checks,
                       order_notices, row_checks, run_checks, sort_problems, table_problems, too_long,
                       uscc_notices, weekday_notices, words_in_cell_notices)
from .words import check_words_columns, ensure_words_function

#: Default number of rows listed per rule before a "N more" summary problem.
MAX_PROBLEMS_PER_CHECK = 1000


@dataclass
class Dataset:
    """A loaded, valid dataset: one typed DuckDB table per present contract table."""

    con: duckdb.DuckDBPyConnection
    tables: set[str]
    row_counts: dict[str, int]
    base_dir: Path
    source: Path
    files: dict[str, Path] = field(default_factory=dict)
    #: non-fatal messages with their place: title rows, totals and signature rows skipped, …
    notices: list[Problem] = field(default_factory=list)
    _has_cache: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)

    def close(self) -> None:
        """Close the dataset's connection (a trial load whose tables are loaded again elsewhere)."""
        self.con.close()

    def has(self, table: str, *cols: str) -> bool:
        """Table present and every named column has at least one non-null value."""
        if table not in self.tables:
            return False
        for col in cols:
            key = (table, col)
            if key not in self._has_cache:
                try:
                    # a cursor: the scan may call this from two threads (indicators/base.py, background)
                    rows = self.con.cursor().execute(
                        f"SELECT 1 FROM {ident(table)} WHERE {ident(col)} IS NOT NULL LIMIT 1").fetchall()
                    row = rows[0] if rows else None  # fetchall: DuckDB 2 blocks a half-read result
                except duckdb.BinderException:
                    row = None
                self._has_cache[key] = row is not None
            if not self._has_cache[key]:
                return False
        return True

    def read_text(self, relpath: str) -> str:
        """A text file of the dataset (UTF-8, UTF-8 with BOM or GB18030), by path relative to it."""
        target = resolve_inside(self.base_dir, relpath)
        if target is None:
            raise ValueError(f"path outside the dataset folder: {relpath!r}")
        return decode_text(target.read_bytes())

    def relation(self, table: str) -> duckdb.DuckDBPyRelation:
        return self.con.table(table)


def load_dataset(
    path: str | Path,
    con: duckdb.DuckDBPyConnection | None = None,
    *,
    max_problems_per_check: int | None = MAX_PROBLEMS_PER_CHECK,
    max_lengths: Mapping[str, Mapping[str, int]] | None = None,
    cut_lengths: Mapping[str, Mapping[str, int]] | None = None,
    absent_texts: bool = False,
) -> Dataset:
    """Load a dataset folder (``<table>.csv`` / ``<table>.parquet``) or an ``.xlsx`` workbook.

    Raises :class:`DatasetInvalid` listing every problem found; nothing is left behind then.
    ``max_problems_per_check`` bounds the rows listed per rule (``None``: list all), each rule over
    the limit adding one "N more" problem.

    What a consumer stores of the dataset (the web import) may say so: ``max_lengths`` (table → column →
    characters) makes a longer cell a problem (an id the consumer keeps whole or not at all);
    ``cut_lengths`` makes it a notice (a name it keeps the start of). ``absent_texts``: the text files the
    dataset refers to are not there (a workbook given without its folder): a path to a missing file reads
    as no text, with one notice per column, instead of a problem per row.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    con = con if con is not None else private_connection()
    base_dir = path if path.is_dir() else path.parent
    cap = max_problems_per_check
    scratch = Scratch(con)
    try:
        sources, problems = discover(path, scratch)
        by_name = {s.table.name: s for s in sources}
        missing = [n for n in REQUIRED_TABLES if n not in by_name and not any(p.table == n for p in problems)]
        if missing and (path.is_dir() or sources or not problems):  # not a dataset at all: that one problem says it
            others = unrecognised_names(path)
            workbook = None if path.is_dir() else path.name
            problems.extend(missing_table_problem(TABLES[n], workbook, others) for n in missing)
        for src in sources:
            problems.extend(src.problems)
        con.begin()
        try:
            limits = _Limits(max_lengths or {}, cut_lengths or {}, absent_texts)
            problems.extend(_stage_and_check(scratch, by_name, base_dir, cap, limits))
            # a totals or signature row is no record: the formula of its sum (=SUM(B2:B9), written by a program and
            # never computed) is no problem of the data either
            skipped = {(n.table, n.row) for s in sources for n in s.notices if n.expected in TRAILER_NOTICES}
            problems = [p for p in problems if p.expected != FORMULA_WITHOUT_VALUE or (p.table, p.row) not in skipped]
            notices = _named(sources, sort_problems([n for s in sources for n in s.notices]))
            if problems:
                # a formula without its value is the one problem of its cell (not also "required", "not found")
                formulas = {(p.table, p.row, p.column) for p in problems if p.expected == FORMULA_WITHOUT_VALUE}
                problems = [p for p in problems
                            if p.expected == FORMULA_WITHOUT_VALUE or (p.table, p.row, p.column) not in formulas]
                raise DatasetInvalid(_named(sources, sort_problems(problems)), notices)
            loaded = [s for s in sources if s.from_sql]
            # Contract tables of an earlier load into the same connection that this dataset lacks
            # would otherwise look present to SQL.
            for name in set(TABLES) - {s.table.name for s in loaded}:
                con.execute(f"DROP TABLE IF EXISTS {ident(name)}")
            for src in loaded:
                finalize(con, src.table.name)
                drop_rejects(src, con)
            counted = " UNION ALL ".join(
                f"SELECT {lit(s.table.name)}, count(*) FROM {ident(s.table.name)}" for s in loaded)
            counts = {name: int(n) for name, n in con.execute(counted).fetchall()} if loaded else {}
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        scratch.close()
    return Dataset(con=con, tables=set(counts), row_counts=counts, base_dir=base_dir, source=path,
                   files={s.table.name: s.path for s in sources}, notices=notices)


def _named(sources: list[Source], problems: list[Problem]) -> list[Problem]:
    """Problems of a workbook's sheets name the sheet as written (``投标``) rather than the table."""
    sheets = {s.table.name: s.sheet for s in sources if s.sheet and s.sheet != s.table.name}
    if not sheets:
        return problems
    return [replace(p, table=sheets[p.table]) if p.table in sheets else p for p in problems]


@dataclass(frozen=True)
class _Limits:
    """What the consumer of the load stores (:func:`load_dataset`'s ``max_lengths``, ``cut_lengths`` and
    ``absent_texts``)."""

    max_lengths: Mapping[str, Mapping[str, int]]
    cut_lengths: Mapping[str, Mapping[str, int]]
    absent_texts: bool


def _stage_and_check(scratch: Scratch, sources: dict[str, Source], base_dir: Path,
                     cap: int | None, limits: _Limits | None = None) -> list[Problem]:
    limits = limits or _Limits({}, {}, False)
    con = scratch.con
    ensure_words_function(con)  # amounts in words: the slow parse and the notices call it
    problems: list[Problem] = []
    usable: set[str] = set()
    for name, src in sources.items():
        if not src.from_sql:
            continue
        try:
            stage(con, src)
            if has_encoding_rejects(src, con):
                drop_rejects(src, con)
                retried = retry_as_gb18030(src, scratch)
                # Header problems are found again on the re-read: keep each once.
                problems.extend(p for p in src.problems if p not in problems)
                if not retried:
                    continue
                stage(con, src)
            slow_pass(con, src)
            status_reasons(con, src)
            if src.words_columns:  # a figure beside its amount in words: the words stand (评标委员会…规定 第十九条)
                src.notices.extend(check_words_columns(con, name, src.words_columns))
            src.notices.extend(failed_tender_notices(con, src))
            trailer_notices, trailer_problems = drop_trailer_rows(con, src)
            src.notices.extend(trailer_notices)
            problems.extend(trailer_problems)
        except duckdb.Error as exc:
            # DuckDB aborts the transaction on an error: nothing more can be checked.
            problems.append(Problem(name, None, None, None, f"无法读取文件 / unreadable file: {first_line(exc)}"))
            return problems
        rejects = read_rejects(src, con)
        if rejects:
            last = con.execute(f"SELECT max(__row) FROM {ident(name)}").fetchone()
            trailing, rejects = trailing_reject_notices(name, rejects, last[0] if last else None)
            src.notices.extend(trailing)
        problems.extend(rejects)
        problems.extend(table_problems(src))
        if rejects:
            # Record numbers shift after a broken record; checking cells would mislabel rows.
            continue
        problems.extend(run_checks(con, row_checks(src), cap))
        problems.extend(run_checks(con, length_checks(src, limits.max_lengths.get(name, {}), too_long), cap))
        cut = length_checks(src, limits.cut_lengths.get(name, {}), kept_shortened)
        src.notices.extend(run_checks(con, cut, cap))
        notes = (order_notices(src) + amount_notices(src) + weekday_notices(src) + words_in_cell_notices(src)
                 + uscc_notices(src) + bidder_notices(src))
        src.notices.extend(run_checks(con, notes, cap))
        usable.add(name)
    problems.extend(run_checks(con, key_checks(sources, usable), cap))
    if "bid_files" in usable and "text_path" in sources["bid_files"].positions:
        problems.extend(check_text_paths(scratch, base_dir, cap, absent=limits.absent_texts,
                                         notices=sources["bid_files"].notices))
    if "tenders" in usable and "requirements_text" in sources["tenders"].positions:
        problems.extend(inline_requirements(scratch, base_dir, cap, absent=limits.absent_texts,
                                            notices=sources["tenders"].notices))
    return problems
