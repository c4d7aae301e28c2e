"""Reading and validating the contract on Spark, for datasets on paths only Spark reads.

A dataset on a local disk is loaded by the DuckDB loader (:mod:`bidwatch.contract`), which accepts
every spelling of the contract (万元, 2024年3月1日, GB18030, XLSX, …), and is then handed to Spark as
Parquet. A province's data lives on HDFS or object storage (``hdfs://``, ``s3a://``, ``abfss://``,
``file://`` on a shared mount) where the driver cannot open files itself: there Spark reads
``<table>.parquet`` or ``<table>.csv`` (UTF-8, header row) straight from the path and this module
types and validates them with Spark SQL, so nothing is collected to the driver but the problems.
The validation rules are the local loader's (:mod:`bidwatch.contract.validate`), transpiled by
SQLGlot over staged views with the local staging's layout; what is Spark's own here is reading the
files, numbering their rows and the canonical-spelling parse.

On Spark the contract is read in its **canonical spelling** — what ``bidwatch`` and
:func:`bidwatch.contract.save_dataset` write: English or Chinese headers, money in yuan as plain
numbers (thousands separators allowed; a ``(万元)`` header multiplies by 10,000), dates
``YYYY-MM-DD``, timestamps ``YYYY-MM-DD[ HH:MM[:SS]]`` in Asia/Shanghai, booleans and enumerations
as the contract lists them. A cell in another spelling is reported as a problem with its table,
row, column and value, exactly like the local loader does, and the dataset is rejected whole.
Convert such data once with the local loader (``bidwatch check`` reads every spelling) or write
it canonical at the source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bidwatch.contract.problems import DatasetInvalid, Problem
from bidwatch.contract.schema import REQUIRED_TABLES, TABLES, Column, Table
from bidwatch.contract.sources import UNIT_POWERS, duplicate_problem, header_unit, read_headers, unknown_unit_problem
from bidwatch.contract.textfiles import (MISSING, OUTSIDE, decode_text, existing_files, read_text_files,
                                         safe_relative)
from bidwatch.contract.stage import (FAILED_TENDER_COLUMNS, FAILED_TENDER_RE, PLACEHOLDER_RE, id_text_sql,
                                     normalises_id)
from bidwatch.contract.validate import Check, key_checks, row_checks, sort_problems
from bidwatch.contract.values import (EXCEL_SCIENTIFIC_RE, USCC_FROM, USCC_TO, WHITESPACE, bool_sql, enum_sql,
                                     unwrap_formula_text_sql)
from bidwatch.engine.base import transpile
from bidwatch.remote import is_remote

MAX_PROBLEMS_PER_CHECK = 1000

_DECIMAL = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
_INTEGER = r"^[+-]?[0-9]+$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TIMESTAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?)?$"
_SPACES = WHITESPACE  # the local loader's (zero-width characters included)


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _lit(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _trimmed(c: str) -> str:
    return f"nullif(regexp_replace(CAST({c} AS STRING), {_lit('^[' + _SPACES + ']+|[' + _SPACES + ']+$')}, ''), '')"


def _spark_expr(build: Callable[[str], str], t: str) -> str:
    """The contract's DuckDB expression ``build(cell)`` as Spark SQL over the Spark expression ``t``."""
    return transpile(f"SELECT {build('__bw_cell')}", "spark").removeprefix("SELECT ").replace("__bw_cell", t)


def typed_sql(column: Column, t: str, wan: bool = False, power: int = 0) -> str:
    """Spark SQL of the typed value of trimmed text ``t`` (NULL when empty or not canonical); ``wan``: a (万元)
    header, ``power``: another unit's power of ten (千元 3, 亿元 8)."""
    kind = column.kind
    if kind in ("money", "number"):
        plain = f"regexp_replace({t}, ',', '')"
        # Excel's scientific display (5.05E+06) has lost its digits: refused, as the local loader refuses it
        value = (f"CASE WHEN {plain} RLIKE {_lit(_DECIMAL)} AND NOT {t} RLIKE {_lit(EXCEL_SCIENTIFIC_RE)} "
                 f"THEN CAST({plain} AS DOUBLE) END")
        if kind == "money" and power:
            return f"({value}) * {10 ** power}.0"
        return f"({value}) * 10000.0" if wan and kind == "money" else value
    if kind == "integer":
        return f"CASE WHEN {t} RLIKE {_lit(_INTEGER)} THEN CAST({t} AS BIGINT) END"
    if kind == "date":
        return f"CASE WHEN {t} RLIKE {_lit(_DATE)} THEN CAST({t} AS DATE) END"
    if kind == "timestamp":
        return f"CASE WHEN {t} RLIKE {_lit(_TIMESTAMP)} THEN CAST(replace({t}, 'T', ' ') AS TIMESTAMP_NTZ) END"
    if kind == "bool":
        return _spark_expr(bool_sql, t)
    if kind == "enum":
        return _spark_expr(lambda cell: enum_sql(cell, column), t)
    if column.name == "uscc":
        return f"upper(translate({_spark_expr(unwrap_formula_text_sql, t)}, {_lit(USCC_FROM)}, {_lit(USCC_TO)}))"
    if kind == "id":
        t = _spark_expr(unwrap_formula_text_sql, t)
    if normalises_id(column):  # the local staging's reading of ids (Ｃ００２, 'C001, 1001.0)
        t = _spark_expr(id_text_sql, t)
    if kind in ("id", "text") and not column.required:  # the local loader's placeholders (contract.stage)
        return f"CASE WHEN length({t}) <= 7 AND {t} RLIKE {_lit('^(?:' + PLACEHOLDER_RE + ')$')} THEN NULL ELSE {t} END"
    return t


_SPARK_TYPES = {"id": "STRING", "text": "STRING", "enum": "STRING", "money": "DOUBLE", "number": "DOUBLE",
                "integer": "BIGINT", "date": "DATE", "timestamp": "TIMESTAMP_NTZ", "bool": "BOOLEAN"}


@dataclass
class _Source:
    table: Table
    path: str
    fmt: str
    positions: dict[str, str] = field(default_factory=dict)  # contract column -> header as read
    wan: set[str] = field(default_factory=set)
    powers: dict[str, int] = field(default_factory=dict)  # money columns in 千元, 百万元, 亿元: the power of ten
    problems: list[Problem] = field(default_factory=list)


@dataclass
class SparkDataset:
    """A valid dataset registered as Spark temporary views, one per contract table."""

    spark: Any
    tables: set[str]
    row_counts: dict[str, int]
    source: str
    files: dict[str, str]
    filled: dict[str, set[str]]  # table -> columns with at least one value

    @property
    def base_dir(self) -> str:
        return self.source

    def has(self, table: str, *cols: str) -> bool:
        return table in self.tables and all(c in self.filled.get(table, set()) for c in cols)

    def read_text(self, relpath: str) -> str:
        """A document of the dataset, read through Hadoop's file system (any path Spark reads)."""
        rel = safe_relative(relpath)
        if rel is None:
            raise ValueError(f"path outside the dataset folder: {relpath!r}")
        return decode_text(_read_bytes(self.spark, self.source.rstrip("/") + "/" + rel))


def _exists(spark: Any, path: str) -> bool:
    fs, p = _fs(spark, path)
    return bool(fs.exists(p))


def _discover(spark: Any, root: str) -> list[_Source]:
    found = []
    for table in TABLES.values():
        for fmt in ("parquet", "csv"):
            path = f"{root.rstrip('/')}/{table.name}.{fmt}"
            if _exists(spark, path):
                found.append(_Source(table, path, fmt))
                break
    return found


def _read(spark: Any, src: _Source) -> Any:
    """The file as a DataFrame of its columns plus ``__row`` (the file line of the record's start, header = 1).

    Spark has no line numbers; a record's number is its place in its block (the ids of
    ``monotonically_increasing_id`` rise by one inside a partition) plus the records of the
    blocks before it in (file, offset) order, counted once. A quoted cell over several lines (a tender's
    requirements text) moves the records below it down by its line breaks, as the local loader counts them:
    the breaks of the records before, in the blocks before and earlier in the block (a window over the block,
    computed only where a cell holds one). All of it runs in the JVM.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F  # noqa: N812

    if src.fmt == "csv":
        reader = spark.read.option("header", True).option("inferSchema", False).option("encoding", "UTF-8")
        frame = reader.option("multiLine", True).option("escape", '"').option("mode", "PERMISSIVE").csv(src.path)
        texts = [F.coalesce(F.length(F.col(f"`{c}`")) - F.length(F.regexp_replace(F.col(f"`{c}`"), "\n", "")),
                            F.lit(0)) for c in frame.columns]
        breaks = sum(texts[1:], texts[0]) if texts else F.lit(0)
    else:
        frame = spark.read.parquet(src.path)
        breaks = F.lit(0)
    marked = frame.select("*", F.input_file_name().alias("__file"), F.input_file_block_start().alias("__start"),
                          F.monotonically_increasing_id().alias("__mid"), breaks.cast("bigint").alias("__nl"))
    blocks = sorted(marked.groupBy("__file", "__start").agg(F.min("__mid").alias("m0"), F.count("*").alias("n"),
                                                            F.sum("__nl").alias("nl"))
                    .collect(), key=lambda r: (r["__file"], r["__start"]))
    offsets, seen = [], 0
    for b in blocks:
        offsets.append((b["__file"], int(b["__start"]), int(b["m0"]), seen))
        seen += int(b["n"]) + int(b["nl"] or 0)
    if not offsets:
        return frame.withColumn("__row", F.lit(None).cast("bigint"))
    table = spark.createDataFrame(offsets, "__file string, __start bigint, __m0 bigint, __before bigint")
    row = F.col("__before") + (F.col("__mid") - F.col("__m0")) + 2
    if any(b["nl"] for b in blocks):
        earlier = Window.partitionBy("__file", "__start").orderBy("__mid").rowsBetween(Window.unboundedPreceding, -1)
        row = row + F.coalesce(F.sum("__nl").over(earlier), F.lit(0))
    return (marked.join(F.broadcast(table), ["__file", "__start"])
            .withColumn("__row", row)
            .drop("__file", "__start", "__mid", "__m0", "__before", "__nl"))


def _map_headers(src: _Source, headers: Iterable[str]) -> None:
    headers = list(headers)
    for h, read in zip(headers, read_headers(src.table, headers), strict=True):
        col = read.column
        if read.how in ("extra", "shadowed"):
            continue  # extra columns are kept out of the contract views and never an error
        if read.how == "duplicate":
            src.problems.append(duplicate_problem(src.table.name, 1, col.name, h, read.other))
            continue
        src.positions[col.name] = h
        if col.kind == "money":
            unit, unknown = header_unit(h)
            if unknown is not None:
                src.problems.append(unknown_unit_problem(src.table.name, 1, col.name, h, unknown))
            elif unit == "万元":
                src.wan.add(col.name)
            elif UNIT_POWERS.get(unit or "元", 0):
                src.powers[col.name] = UNIT_POWERS[unit or "元"]
    for col in src.table.columns:
        if col.required and col.name not in src.positions:
            src.problems.append(Problem(src.table.name, None, col.name, None,
                                        f"缺少必填列 {col.name}（{col.zh}） / required column missing"))


def _staged_sql(src: _Source, view: str) -> str:
    """Typed contract columns, ``__row`` and ``__raw__<col>`` (the trimmed text) of ``view``."""
    parts = ["__row"]
    for col in src.table.columns:
        header = src.positions.get(col.name)
        x = _q(col.name)
        if header is None:
            default = "'valid'" if (src.table.name, col.name) == ("bids", "status") else "NULL"
            parts.append(f"CAST({default} AS {_SPARK_TYPES[col.kind]}) AS {x}")
            continue
        t = _trimmed(_q(header))
        if src.table.name == "tenders" and col.name in FAILED_TENDER_COLUMNS:
            # 流标, 废标, 终止, /, — in the award cells: no winner (the local staging reads them so, with a notice)
            t = f"CASE WHEN {t} RLIKE {_lit('^(?:' + FAILED_TENDER_RE + ')$')} THEN NULL ELSE {t} END"
        typed = typed_sql(col, t, col.name in src.wan, src.powers.get(col.name, 0))
        if (src.table.name, col.name) == ("bids", "status"):
            typed = f"CASE WHEN {t} IS NULL THEN 'valid' ELSE {typed} END"
        parts.append(f"CAST({typed} AS {_SPARK_TYPES[col.kind]}) AS {x}")
        parts.append(f"{t} AS {_q('__raw__' + col.name)}")
    return f"SELECT {', '.join(parts)} FROM {view}"


def _staged(name: str) -> str:
    return f"__bw_staged_{name}"


def _checks(src: _Source) -> list[Check]:
    """The local loader's per-cell rules (:func:`bidwatch.contract.validate.row_checks`), transpiled
    to Spark SQL over the staged view, which has the local staging's layout (``__row``, the typed
    columns, ``__raw__<col>``)."""
    return [Check(c.table, c.column, c.expected, transpile(c.sql, "spark"))
            for c in row_checks(src, relation=_staged)]


def _key_checks(sources: dict[str, _Source], usable: set[str]) -> list[Check]:
    """The local loader's duplicate-key and foreign-key rules, over the staged views, in Spark SQL."""
    return [Check(c.table, c.column, c.expected, transpile(c.sql, "spark"))
            for c in key_checks(sources, usable, relation=_staged)]


def _collect(spark: Any, table: str, column: str | None, expected: str, sql: str, cap: int | None) -> list[Problem]:
    frame = spark.sql(sql)
    if "info" not in frame.columns:
        frame = frame.selectExpr("__row", "val", "CAST(NULL AS STRING) AS info")
    ordered = frame.orderBy("__row")
    rows = ordered.collect() if cap is None else ordered.limit(cap + 1).collect()
    problems = [Problem(table, int(r["__row"]), column, r["val"],
                        expected.replace("{info}", "" if r["info"] is None else str(r["info"])))
                for r in rows[: cap if cap is not None else len(rows)]]
    if cap is not None and len(rows) > cap:
        total = frame.count()
        plain = expected.split(" / ")[0].replace("{info}", "…")
        problems.append(Problem(table, None, column, None,
                                f"另有 {total - cap} 行同类问题未列出（共 {total} 行）：{plain} / "
                                f"{total - cap} more rows with this problem not listed ({total} in all)"))
    return problems


def _fs(spark: Any, path: str) -> tuple[Any, Any]:
    jvm = spark.sparkContext._jvm  # noqa: SLF001 - py4j gateway
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), p  # noqa: SLF001


def _read_bytes(spark: Any, path: str) -> bytes:
    fs, p = _fs(spark, path)
    stream = fs.open(p)
    try:
        return bytes(spark.sparkContext._jvm.org.apache.commons.io.IOUtils.toByteArray(stream))  # noqa: SLF001
    finally:
        stream.close()


def _existing(spark: Any, root: str, rels: list[str]) -> set[str]:
    """Which of the safe relative paths ``rels`` name files under ``root``: one listing per folder."""
    def list_folder(parent: str) -> set[str] | None:
        fs, folder = _fs(spark, f"{root}/{parent}" if parent else root)
        try:
            return {st.getPath().getName() for st in fs.listStatus(folder) if st.isFile()}
        except Exception:  # noqa: BLE001 - a missing folder is a py4j FileNotFoundException
            return None

    return existing_files(rels, list_folder)


def _path_problems(spark: Any, table: str, column: str, bad: dict[str, str], cap: int | None) -> list[Problem]:
    frame = spark.createDataFrame(list(bad.items()), "path string, why string")
    frame.createOrReplaceTempView("__bw_bad_paths")
    try:
        return _collect(spark, table, column, "{info}",
                        f"SELECT t.__row, t.{column} AS val, m.why AS info FROM {_staged(table)} t "
                        f"JOIN __bw_bad_paths m ON t.{column} = m.path", cap)
    finally:
        spark.catalog.dropTempView("__bw_bad_paths")


def _check_text_paths(spark: Any, root: str, cap: int | None) -> list[Problem]:
    """Every ``bid_files.text_path`` names a file inside the dataset folder (as the local loader)."""
    paths = [r[0] for r in spark.sql("SELECT DISTINCT text_path FROM __bw_staged_bid_files "
                                     "WHERE text_path IS NOT NULL").collect()]
    safe = {p: safe_relative(p) for p in paths}
    existing = _existing(spark, root, [v for v in safe.values() if v is not None])
    bad = {p: (OUTSIDE if v is None else MISSING) for p, v in safe.items() if v is None or v not in existing}
    return _path_problems(spark, "bid_files", "text_path", bad, cap) if bad else []


def _inline_requirements(spark: Any, root: str, cap: int | None, cached: list[Any]) -> list[Problem]:
    """A ``tenders.requirements_text`` that is a relative ``.txt`` path becomes the file's text."""
    values = [r[0] for r in spark.sql(
        "SELECT DISTINCT requirements_text FROM __bw_staged_tenders "
        "WHERE requirements_text RLIKE '^[^\\r\\n]{1,255}[.][tT][xX][tT]$'").collect()]
    if not values:
        return []
    def read(rel: str) -> bytes | None:
        try:
            return _read_bytes(spark, f"{root}/{rel}")
        except Exception:  # noqa: BLE001 - py4j FileNotFoundException
            return None

    contents, bad = read_text_files(values, read)
    if bad:
        return _path_problems(spark, "tenders", "requirements_text", bad, cap)
    texts = spark.createDataFrame(list(contents.items()), "path string, content string")
    staged = spark.table("__bw_staged_tenders")
    cols = [c for c in staged.columns if c != "requirements_text"]
    from pyspark.sql import functions as F  # noqa: N812

    joined = (staged.join(F.broadcast(texts), staged["requirements_text"] == texts["path"], "left")
              .select(*[staged[c] for c in cols],
                      F.coalesce(texts["content"], staged["requirements_text"]).alias("requirements_text")))
    cached.append(joined.cache())
    joined.createOrReplaceTempView("__bw_staged_tenders")
    return []


def load_on_spark(spark: Any, root: str, *, max_problems_per_check: int | None = MAX_PROBLEMS_PER_CHECK
                  ) -> SparkDataset:
    """Read, type and validate the dataset at ``root`` (any path Spark reads) on ``spark``.

    Raises :class:`DatasetInvalid` with every problem found; no contract view is registered then.
    """
    root = str(root).rstrip("/")
    sources = {s.table.name: s for s in _discover(spark, root)}
    problems: list[Problem] = []
    for name in REQUIRED_TABLES:
        if name not in sources:
            problems.append(Problem(name, None, None, None,
                                    f"缺少必需的表 {name}（{TABLES[name].zh}）：{root}/{name}.csv 或 {name}.parquet / "
                                    f"required table missing"))
    usable: set[str] = set()
    cached: list[Any] = []  # the staged DataFrames, unpersisted once the contract views are checkpointed
    for name, src in sources.items():
        try:
            raw = _read(spark, src)
        except Exception as exc:  # noqa: BLE001 - Spark's analysis and IO errors share no base class
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            problems.append(Problem(name, None, None, None, f"无法读取文件 / unreadable file {src.path}: {first}"))
            continue
        _map_headers(src, [c for c in raw.columns if c != "__row"])
        problems.extend(src.problems)
        raw.createOrReplaceTempView(f"__bw_raw_{name}")
        staged = spark.sql(_staged_sql(src, f"__bw_raw_{name}")).cache()
        cached.append(staged)
        staged.createOrReplaceTempView(f"__bw_staged_{name}")
        for check in _checks(src):
            problems.extend(_collect(spark, name, check.column, check.expected, check.sql, max_problems_per_check))
        usable.add(name)
    for check in _key_checks(sources, usable):
        problems.extend(_collect(spark, check.table, check.column, check.expected, check.sql, max_problems_per_check))
    if "bid_files" in usable and "text_path" in sources["bid_files"].positions:
        problems.extend(_check_text_paths(spark, root, max_problems_per_check))
    if "tenders" in usable and "requirements_text" in sources["tenders"].positions:
        problems.extend(_inline_requirements(spark, root, max_problems_per_check, cached))
    try:
        if problems:
            raise DatasetInvalid(sort_problems(problems))
        counts: dict[str, int] = {}
        filled: dict[str, set[str]] = {}
        for name, src in sources.items():
            cols = [c.name for c in src.table.columns]
            # Materialised without its lineage (eager local checkpoint): a view over the staged cache would
            # carry the whole reading plan (row numbering, the typed-cell CASEs, __raw__ columns) into every
            # query, once per scan of the table. identical_bid_prices scans bids and tenders 186 times; its
            # plan was 10x the DuckDB-staged one (4.4 MB of plan text against 0.45 MB) and AQE's re-planning
            # of it took 78 s and most of a 2-4 GB driver heap, against 12 s (docs/spark.md).
            view = spark.sql(f"SELECT {', '.join(_q(c) for c in cols)} FROM __bw_staged_{name}").localCheckpoint()
            view.createOrReplaceTempView(name)
            agg = spark.sql(f"SELECT count(*) AS __n, " + ", ".join(f"count({_q(c)}) AS {_q(c)}" for c in cols)
                            + f" FROM {name}").collect()[0]
            counts[name] = int(agg["__n"])
            filled[name] = {c for c in cols if agg[c]}
        return SparkDataset(spark=spark, tables=set(sources), row_counts=counts, source=root,
                            files={n: s.path for n, s in sources.items()}, filled=filled)
    finally:
        for name in sources:
            spark.catalog.dropTempView(f"__bw_raw_{name}")
            spark.catalog.dropTempView(f"__bw_staged_{name}")
        for frame in cached:  # the contract views no longer read them (checkpointed), or there are none
            frame.unpersist()


__all__ = ["SparkDataset", "is_remote", "load_on_spark", "typed_sql"]
