"""Building the typed table of one source in a single ``CREATE TABLE … AS SELECT``.

The staged table holds ``__row`` (record number in the file), every contract column typed, a
``__raw__<col>`` copy of the cell where the parse failed or the value is out of range (so that
validation can report the value exactly as written, without keeping a second copy of every
cell), and the unknown extra columns as read.  After validation :func:`finalize` drops the
helper columns, which is a metadata operation in DuckDB.
"""

from __future__ import annotations

import duckdb

from .problems import Problem
from .schema import Column
from .sources import Source
from .sqltext import ident, lit
from .values import excel_text_sql, fast_sql, layered_select, needs_slow_pass, slow_parts, trimmed
from .words import ensure_words_function

RAW_PREFIX = "__raw__"
_RAW_KEPT_NAMES = {"uscc", "region_code"}
_INT_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
              "UINTEGER", "UBIGINT", "UHUGEINT")
_FLOAT_TYPES = ("FLOAT", "DOUBLE", "DECIMAL")


def keeps_raw(column: Column) -> bool:
    return column.kind not in ("id", "text") or column.name in _RAW_KEPT_NAMES


def raw_name(column: str) -> str:
    return RAW_PREFIX + column


def _as_text(c: str, src_type: str) -> str:
    """VARCHAR view of a source column; integral floats lose their ``.0`` (ids stored as numbers)."""
    if src_type == "VARCHAR":
        return c
    if src_type.startswith(_FLOAT_TYPES):
        # NaN is how pandas/Arrow spell "missing" in float columns.
        return (f"CASE WHEN isnan(CAST({c} AS DOUBLE)) THEN NULL "
                f"WHEN isfinite(CAST({c} AS DOUBLE)) AND {c} = trunc({c}) AND abs({c}) < 1e15 "
                f"THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) ELSE CAST({c} AS VARCHAR) END")
    return f"CAST({c} AS VARCHAR)"


def _typed_direct(column: Column, c: str, src_type: str) -> str | None:
    """Typed value straight from an already-typed (Parquet) column, or None to go through text."""
    kind = column.kind
    is_int = src_type.startswith(_INT_TYPES)
    is_float = src_type.startswith(_FLOAT_TYPES)
    is_tz = src_type.startswith("TIMESTAMP WITH TIME ZONE")
    is_ts = src_type.startswith("TIMESTAMP") and not is_tz
    if kind in ("money", "number") and (is_int or is_float):
        return f"CASE WHEN isfinite(CAST({c} AS DOUBLE)) THEN CAST({c} AS DOUBLE) END"
    if kind == "integer":
        if is_int:
            return f"CAST({c} AS BIGINT)"
        if is_float:
            return (f"CASE WHEN isfinite(CAST({c} AS DOUBLE)) AND {c} = trunc({c}) AND abs({c}) < 9e15 "
                    f"THEN CAST({c} AS BIGINT) END")
    if kind == "date":
        if src_type == "DATE":
            return c
        if is_ts:
            return f"CAST({c} AS DATE)"
        if is_tz:
            return f"CAST(timezone('Asia/Shanghai', {c}) AS DATE)"
    if kind == "timestamp":
        if is_ts or src_type == "DATE":
            return f"CAST({c} AS TIMESTAMP)"
        if is_tz:
            return f"timezone('Asia/Shanghai', {c})"
    if kind == "bool":
        if src_type == "BOOLEAN":
            return c
        if is_int:
            return f"CASE {c} WHEN 1 THEN true WHEN 0 THEN false END"
    return None


#: what clerks and spreadsheets write for "no value": placeholders and Excel's error values
PLACEHOLDER_RE = (r"无|暂无|没有|空|不详|未提供|/|／|-|--|—|——|－|\\|null|NULL|Null|N/?A|n/?a|#N/A|#REF!|#VALUE!|#NAME\?|"
                  r"#DIV/0!|#NULL!|#NUM!")


def placeholder_sql(t: str) -> str:
    """TRUE when the trimmed cell ``t`` is a placeholder (:data:`PLACEHOLDER_RE`). The regex runs only on short cells
    that begin as a placeholder can (a Chinese character, / - \\ # N n): not on the ids of a million rows."""
    first = f"(ascii({t}) > 127 OR ascii({t}) IN (35, 45, 47, 78, 92, 110))"
    return f"(length({t}) <= 7 AND {first} AND regexp_full_match({t}, {lit(PLACEHOLDER_RE)}))"


#: a bare number, as a money cell holds it (digits, point, separators, full-width digits, an exponent): no unit
_BARE_NUMBER_RE = r"^[¥￥]?[+\-－]?[0-9０-９,，.． ]+(?:[eE][+\-]?[0-9]+)?$"
_EXPONENT_RE = r"^(.*[eE])([+\-]?[0-9]+)$"


def scaled_text(t: str, power: int) -> str:
    """The cell ``t`` of a money column whose header names 千元, 百万元 or 亿元, with the power of ten moved into the
    number's exponent where the cell is a bare number (``12500`` under 投标报价（千元） becomes ``12500e3``): the parse
    then reads it exactly, as it shifts 万元 (a product of doubles would not be exact). A cell with its own unit
    (``12.5万元``, ``80000元``) or that is no number is left as written."""
    if not power:
        return t
    exp = f"regexp_extract({t}, {lit(_EXPONENT_RE)}, 2)"
    return (f"CASE WHEN NOT regexp_matches({t}, {lit(_BARE_NUMBER_RE)}) THEN {t} "
            f"WHEN regexp_matches({t}, {lit(_EXPONENT_RE)}) THEN regexp_extract({t}, {lit(_EXPONENT_RE)}, 1) || "
            f"CAST(CAST({exp} AS INTEGER) + {int(power)} AS VARCHAR) ELSE {t} || 'e{int(power)}' END")


#: full-width letters, digits and the separators of codes (Ｃ００２, ＺＢ２０２４－００１: typed in a Chinese input method's
#: full-width mode) and their ASCII; other full-width punctuation (：, （) is left, as a note row shows it
_ID_ASCII = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_."
_FULL_ASCII = "".join(chr(ord(c) + 0xFEE0) for c in _ID_ASCII)
_HALF_ASCII = _ID_ASCII


def normalises_id(column: Column) -> bool:
    """Whether the staging reads ``column``'s ids as :func:`id_text_sql` gives them: the keys and references
    (``*_id``) and the bank accounts; the credit code has its own normalisation."""
    return column.kind == "id" and (column.name.endswith("_id") or column.name == "payer_account")


def id_text_sql(t: str) -> str:
    """An id as a clerk means it: full-width letters and digits as ASCII (Ｃ００２ is C002), without the apostrophe
    that makes Excel keep a number as text ('C001, '1001), and without the ``.0`` pandas writes after an integer id
    read as a float (1001.0 — a workbook gives 1001 for the same cell), so that every format gives the same key."""
    half = f"translate({t}, {lit(_FULL_ASCII)}, {lit(_HALF_ASCII)})"
    bare = f"regexp_replace({half}, '^[''‘’]', '')"
    return f"CASE WHEN regexp_matches({bare}, '^[0-9]+[.]0$') THEN left({bare}, length({bare}) - 2) ELSE {bare} END"


#: a tender's award cells where a 开标记录 or a clerk's 台账 marks a failed tender (流标, 废标, 终止, /, —): the tender has
#: no winner, so they are read as empty, with a notice (:func:`failed_tender_notices`), not refused as a company 流标
FAILED_TENDER_COLUMNS = ("winner_id", "award_price", "awarded_on")
FAILED_TENDER_RE = (r"(?:流标|废标|终止|招标终止|项目终止|招标失败|无中标人|未中标)(?:\s*[（(].*[)）])?"
                    r"|[/／\\—\-－―]+")
FAILED_MARKERS = "__raw___failed"  # the markers of a row, in a helper column that :func:`finalize` drops (its prefix)
FAILED_TENDER = ("流标、废标、终止等标记（或 /、—）：读作空值，该标段无中标人 / a failed-tender marker (流标, 废标, 终止, /, —): "
                 "read as empty, the tender has no winner")


#: a sanction's end as a 处罚决定 or a 信用 platform writes an open-ended one: no end date (the scan reads an empty
#: end_on as in force, and its evidence says 长期)
OPEN_ENDED = ("长期", "永久", "长期有效", "无期限", "无限期", "终身")


def _failed_columns(src: Source) -> list[str]:
    return [c for c in FAILED_TENDER_COLUMNS if src.table.name == "tenders" and c in src.positions]


def failed_tender_notices(con: duckdb.DuckDBPyConnection, src: Source) -> list[Problem]:
    """The notices of the rows whose award cells held a failed-tender marker (:data:`FAILED_TENDER_RE`)."""
    if not _failed_columns(src):
        return []
    rows = con.execute(f"SELECT __row, {ident(FAILED_MARKERS)} FROM {ident(src.table.name)} "
                       f"WHERE {ident(FAILED_MARKERS)} IS NOT NULL ORDER BY __row").fetchall()
    return [Problem(src.table.name, int(row), None, value, FAILED_TENDER) for row, value in rows]


def stage_sql(src: Source) -> str:
    """``CREATE TABLE`` of the typed table, in three projections.

    1. the cell text (ids and texts trimmed, computed once), 2. the typed value by the fast
    parse (:func:`slow_pass` handles the rest afterwards), 3. the raw text, kept only where
    validation may have to show it.
    """
    row = "__blank" if src.numbered_after is not None else "__row"
    layer1, layer2, layer3, raws = [row], [row], [row], []
    failed = _failed_columns(src)
    markers: list[tuple[int, str]] = []
    placeholders: list[str] = []
    for column in src.table.columns:
        x = ident(column.name)
        layer3.append(x)
        pos = src.positions.get(column.name)
        is_status = column.name == "status" and src.table.name == "bids"
        if pos is None:
            layer2.append(("'valid'" if is_status else f"CAST(NULL AS {column.sql_type})") + f" AS {x}")
            continue
        c = f"c{pos}"
        src_type = src.types[pos] if pos < len(src.types) else "VARCHAR"
        text, t, s = _as_text(c, src_type), ident("__t__" + column.name), ident("__s__" + column.name)
        if column.name in failed:
            marker = f"regexp_full_match({trimmed(text)}, {lit(FAILED_TENDER_RE)})"
            f = ident("__f__" + column.name)
            layer1.append(f"CASE WHEN {marker} THEN {trimmed(text)} END AS {f}")
            layer2.append(f)
            markers.append((pos, f))
            text = f"CASE WHEN {marker} THEN NULL ELSE {text} END"
        if src.table.name == "sanctions" and column.name == "end_on":
            text = f"CASE WHEN {trimmed(text)} IN ({', '.join(lit(w) for w in OPEN_ENDED)}) THEN NULL ELSE {text} END"
        direct = _typed_direct(column, c, src_type) if src_type != "VARCHAR" else None
        if keeps_raw(column):
            layer1.append(f"{text} AS {s}")
            layer2.append(s)
            raws.append(f"CASE WHEN {_raw_needed(column)} THEN {s} END AS {ident(raw_name(column.name))}")
        if direct is not None:
            layer1.append(f"{c}")
            typed = direct
        elif needs_slow_pass(column):
            # The fast parse reads the untrimmed cell: a padded value just takes the slow pass,
            # which trims (trimming every cell of 10M rows costs more than the parse).
            typed = fast_sql(column, scaled_text(s, src.scaled_columns.get(column.name, 0)),
                             column.name in src.wan_columns)
            if is_status:
                typed = f"CASE WHEN {s} IS NULL THEN 'valid' ELSE {typed} END"
        else:
            layer1.append(f"{trimmed(text)} AS {t}")
            if normalises_id(column):
                # an ASCII id without an apostrophe, a formula's ="…" or a trailing .0 (nearly every cell) is as
                # written: the translate and the regexes of id_text_sql, and the formula's unwrapping, run only on the
                # others (the hot path of a 1M-bid load; the unwrapping around the whole CASE repeated it four times:
                # 0.3 s of evaluations' three ids)
                typed = (f"CASE WHEN strlen({t}) = length({t}) AND NOT starts_with({t}, chr(39)) "
                         f"AND NOT starts_with({t}, '=') AND NOT ends_with({t}, '.0') THEN {t} "
                         f"ELSE {fast_sql(column, id_text_sql(t), column.name in src.wan_columns)} END")
            else:
                typed = fast_sql(column, t, column.name in src.wan_columns)
            if column.kind in ("id", "text") and not column.required:
                # 无, 暂无, /, —, #N/A in an optional attribute (a legal representative, a project manager) say it is
                # unknown: read as a value they made two firms "share" the legal representative 无. Blanked in a
                # projection of its own, before the parse: a CASE around the parse (a MAC's six substrings, an id's
                # normalisation) cost DuckDB 5x the two apart (0.45 s against 0.09 s for 95k MACs)
                placeholders.append(f"CASE WHEN {placeholder_sql(t)} THEN NULL ELSE {t} END AS {t}")
        layer2.append(f"CAST({typed} AS {column.sql_type}) AS {x}")
    if markers:
        shown = ", ".join(f for _, f in sorted(markers))  # as the row reads, left to right
        raws.append(f"nullif(concat_ws('、', {shown}), '') AS {ident(FAILED_MARKERS)}")
    for i, name in src.extras:
        layer1.append(f"c{i} AS {ident(name)}")
        layer2.append(ident(name))
        layer3.append(ident(name))
    cells = f"SELECT {', '.join(layer1)} FROM ({src.from_sql}) AS src"
    if placeholders:
        cells = f"SELECT * REPLACE ({', '.join(placeholders)}) FROM ({cells}) AS l0"
    return (
        f"CREATE OR REPLACE TABLE {ident(src.table.name)} AS SELECT {', '.join(layer3 + raws)} FROM ("
        f"SELECT {', '.join(layer2)} FROM ({cells}) AS l1"
        f") AS l2"
    )


def stage(con: duckdb.DuckDBPyConnection, src: Source) -> None:
    """Create the staged table of ``src`` (:func:`stage_sql`), numbered (:func:`number_rows`)."""
    con.execute(stage_sql(src))
    if src.numbered_after is not None:
        number_rows(con, src)


def number_rows(con: duckdb.DuckDBPyConnection, src: Source) -> None:
    """Give a CSV's staged table ``__row``, the file line of each record, and drop its blank rows.

    The table was created from the parallel CSV scan in file order (DuckDB keeps insertion order,
    ``preserve_insertion_order``), so a record's ordinal is its ``rowid`` less the first one. The
    number is written in place (an added column, one parallel UPDATE: less memory than a copy). Should
    the row ids not be one dense run, the ordinal comes from ``row_number()`` over the table instead
    (same order, one thread).
    """
    table, line = ident(src.table.name), int(src.numbered_after or 0)
    first, last, n, blanks = con.execute(
        f"SELECT min(rowid), max(rowid), count(*), count(*) FILTER (WHERE __blank) FROM {table}").fetchall()[0]
    con.execute(f"ALTER TABLE {table} ADD COLUMN __row BIGINT")
    dense = bool(n) and last - first + 1 == n
    line_shifts = src.empty_line_shifts
    empties = src.empty_line_shifts[-1][1] if src.empty_line_shifts else 0
    if src.physical_lines is not None and src.record_lines is not None and n < src.physical_lines - line - empties:
        # quoted cells with line breaks: each record's own line, where that count agrees with DuckDB's records (a
        # stray quote would make it wrong: then the empty lines alone count, as before)
        quoted, records = src.record_lines()
        if records == n:
            line_shifts = quoted
    if dense and not line_shifts:
        con.execute(f"UPDATE {table} SET __row = rowid - {int(first)} + {line + 1}")
    elif n:
        ordinal = f"rowid - {int(first)} + 1" if dense else "row_number() OVER (ORDER BY rowid)"
        numbered = f"SELECT rowid AS __rid, {ordinal} AS __rn FROM {table}"
        shift, joined, view = "0", f"({numbered}) s", None
        if line_shifts:
            import pyarrow as pa

            view = f"__bidwatch_empty_lines_{src.table.name}"
            ks, shifts = zip(*line_shifts, strict=True)
            con.register(view, pa.table({"k": list(ks), "shift": list(shifts)}))
            joined += f" ASOF LEFT JOIN {ident(view)} b ON s.__rn > b.k"
            shift = "coalesce(b.shift, 0)"
        try:
            con.execute(f"UPDATE {table} SET __row = n.__line FROM (SELECT s.__rid, s.__rn + {line} + {shift} "
                        f"AS __line FROM {joined}) n WHERE {table}.rowid = n.__rid")
        finally:
            if view is not None:
                con.unregister(view)
    if blanks:
        con.execute(f"DELETE FROM {table} WHERE __blank")
    con.execute(f"ALTER TABLE {table} DROP COLUMN __blank")


def slow_pass(con: duckdb.DuckDBPyConnection, src: Source) -> None:
    """Re-parse, with every accepted spelling, the cells the fast parse left NULL.

    Only those rows are touched (an UPDATE joined on ``__row``), and a column whose cells all
    took the fast parse costs one scan of a mostly-NULL column.
    """
    table = ident(src.table.name)
    candidates = []
    for column in src.table.columns:
        pos = src.positions.get(column.name)
        if pos is None or not needs_slow_pass(column) or not keeps_raw(column):
            continue
        src_type = src.types[pos] if pos < len(src.types) else "VARCHAR"
        if src_type != "VARCHAR" and _typed_direct(column, f"c{pos}", src_type) is not None:
            continue
        candidates.append(column)
    if not candidates:
        return
    if any(c.kind == "money" for c in candidates):
        ensure_words_function(con)  # before the query below: DuckDB takes no new work while a result is open
    pending_sql = [f"{ident(c.name)} IS NULL AND {ident(raw_name(c.name))} IS NOT NULL" for c in candidates]
    flags = con.execute("SELECT " + ", ".join(f"coalesce(bool_or({p}), false)" for p in pending_sql)
                        + f" FROM {table}").fetchone()
    for column, pending, flag in zip(candidates, pending_sql, flags or ()):
        if not flag:
            continue
        x, raw = ident(column.name), ident(raw_name(column.name))
        prep, final = slow_parts(column, "__t", column.name in src.wan_columns)
        if column.name == "status" and src.table.name == "bids":
            final = f"CASE WHEN __t IS NULL THEN 'valid' ELSE {final} END"  # blank after trimming
        if column.kind == "money":  # last, an amount in words (壹佰贰拾叁万肆仟伍佰元整: contract.words)
            final = f"coalesce({final}, bw_words_amount(__t))"
        cell = scaled_text(excel_text_sql(trimmed(raw)), src.scaled_columns.get(column.name, 0))
        source = f"SELECT __row, {cell} AS __t FROM {table} WHERE {pending}"
        value = layered_select((prep, final), source, "__row")
        con.execute(
            f"UPDATE {table} SET {x} = CAST(s.__value AS {column.sql_type}) FROM ({value}) AS s "
            f"WHERE {table}.__row = s.__row AND s.__value IS NOT NULL"
        )


def status_reasons(con: duckdb.DuckDBPyConnection, src: Source) -> None:
    """A bid's status written with its reason (否决（未按要求提交投标保证金）, 无效（资格不符）): the reason, in
    brackets after the status (:data:`bidwatch.contract.values.ENUM_NOTE_RE`), becomes the bid's ``disqualify_reason``
    where that column is empty — the evidence ``all_but_winner_disqualified`` and ``lowest_bid_disqualified`` show."""
    if src.table.name != "bids" or "status" not in src.positions:
        return
    from .values import ENUM_NOTE_RE

    raw = f"trim(CAST({ident(raw_name('status'))} AS VARCHAR))"
    reason = f"nullif(trim(regexp_extract({raw}, {lit(ENUM_NOTE_RE)}, 1)), '')"
    con.execute(f"UPDATE bids SET disqualify_reason = {reason} WHERE status = 'disqualified' "
                f"AND disqualify_reason IS NULL AND {ident(raw_name('status'))} IS NOT NULL AND {reason} IS NOT NULL")


def _raw_needed(column: Column) -> str:
    """When to keep the cell text: only for values validation may report (saves memory)."""
    x = ident(column.name)
    if column.name in _RAW_KEPT_NAMES:
        return "true"
    if column.kind == "money":
        return f"{x} IS NULL OR {x} < 0"
    if column.name == "share_pct":
        return f"{x} IS NULL OR {x} < 0 OR {x} > 100"
    return f"{x} IS NULL"


def finalize(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop ``__row`` and the raw copies, leaving the contract columns and the extras."""
    names = [r[0] for r in con.execute(f"DESCRIBE {ident(table)}").fetchall()]
    for name in names:
        if name == "__row" or name.startswith(RAW_PREFIX):
            con.execute(f"ALTER TABLE {ident(table)} DROP COLUMN {ident(name)}")
