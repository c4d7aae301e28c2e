"""Totals rows and signature or note rows in a clerk's table: recognised, removed, noticed.

A sheet kept by hand ends with a totals row (合计/小计/总计, the amounts summed) and a signature
block (填表人：…　审核人：…　填报日期：…, 备注：…).  Loaded as records they would become a tender
named 合计 whose summed amounts then raise alerts (issue 12), or a row of empty keys.  They are
recognised by two facts together:

* a cell holds only the marker (``合计``, ``合 计``, ``本页小计``, ``总计（元）``) or starts with a
  signature or note label (``填表人``, ``审核人：张三``, ``填报日期：2025年6月1日``, ``备注：…``);
* every required key of the table (the required ``id`` columns: ``tender_id``, ``bid_id``…) is
  empty or is that marker cell — a record always carries its key, so a tender whose title is
  "合计" stays a record.

Totals rows are removed wherever they are (subtotals per group sit between records); signature
and note rows only after the last record.  A signature or note row between records is a problem
(the clerk should move it below the table): removing it silently could hide a record typed
wrongly, keeping it would make a record of it.  Each removed row is a notice naming table (sheet)
and row.  Blank rows never reach here: the readers skip them.

A signature line in a CSV usually has fewer fields than the header and is a broken record to
DuckDB; :func:`trailing_reject_notices` turns such rejects after the last record into notices too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import duckdb

from bidwatch.i18n import chinese_first as _

from .problems import Problem
from .sources import Source
from .sqltext import ident, lit
from .stage import keeps_raw, raw_name
from .values import WHITESPACE

# 合计, 合 计, 本页小计, 合计（元）, 合计：1,234,567元, 合计金额, 汇总 (the total row of an Excel 表格 in Chinese Excel/WPS);
# a 开标记录表's summary lines: 有效投标报价算术平均值, 评标基准价
TOTALS_RE = (r"(?s)(?:(?:本页|本表|全部)?(?:[合小总]\s*计(?:金额)?|汇\s*总)\s*(?:[:：（(].*)?"
             r"|[^:：]{0,20}?(?:算术)?平均值\s*(?:[:：（(].*)?|评标基准价\s*(?:[:：（(].*)?)")
# the signature block of a table (填表人, 审核人 …) and of a 开标记录表 (招标人代表, 记录人, 监标人, 唱标人 …)
_LABELS = ("填表人|填报人|制表人|审核人|复核人|审批人|负责人|单位负责人|经办人|填表日期|填报日期|制表日期|"
           "填报单位|制表单位|填表单位|备注|招标人代表|投标人代表|记录人|监标人|唱标人|开标人|监督人|公证人")
# 填表人：张三, 填表人 张三, 审核人, 备注：…; 注/说明/日期 only with a colon (注册…, 说明书, 日期 are words);
# the end of a form: 以下空白, （以下无正文）
# a 开标记录表's closing lines, each with its colon (开标时间 alone is a column's header): 有效投标人数：3家, 最低投标报价：…元,
# 开标时间：…, 开标地点：…, and 投标人对开标过程无异议。
_FOOTER = (r"(?:有效)?投标(?:人|单位)?(?:数|家数|人数)\s*[:：].*|(?:最低|最高)投标(?:报价|价|总价)\s*[:：].*"
           r"|开标(?:时间|地点|日期|结果)\s*[:：].*|.{0,12}对开标(?:过程|结果|记录)?(?:无|没有)异议.*")
SIGNATURE_RE = rf"(?s)(?:(?:{_LABELS}).*|(?:注|说明|日期)\s*[:：].*|[（(]?\s*以下(?:空白|无正文)\s*[)）]?|{_FOOTER})"

# a heading inside the table that groups the records below it: 一标段：半塔镇小型农田水利工程（控制价138万元）, 第2包 …
GROUP_RE = (r"(?s)(?:(?:第\s*[0-9一二三四五六七八九十]+\s*(?:标段|包|标)|[0-9一二三四五六七八九十]+\s*(?:标段|包)"
            r"|标段\s*[0-9一二三四五六七八九十]+)\s*[:：、.．\s].+"
            # a page's title repeated in a printed export: 开标记录表（第2页）, 第 3 页 共 5 页
            r"|.{0,60}?[（(]?\s*第\s*[0-9一二三四五六七八九十]+\s*页.{0,20})")

TOTALS_SKIPPED = _("totals row skipped, not a record")
HEADER_REPEATED = _("the header repeated (a new page of a printed export): skipped, not a record")
GROUP_SKIPPED = _("group heading row skipped, not a record")
SIGNATURE_SKIPPED = _("signature or note row skipped, not a record")
SIGNATURE_INSIDE = _("a signature or note row between records: "
                     "move it below the table or delete it")
#: a note below the table that states the amounts' unit (注：金额单位为万元。, 说明：1.报价单位：万元；…)
_NOTE_UNIT_PY = re.compile(r"单位\s*(?:[:：为是]|[（(])\s*(?:人民币)?\s*(千万元|百万元|千元|亿元|万元|万)")
NOTE_UNIT = _("a note below the table gives the unit of the amounts ({info}), and the headers do not: write it in "
              "the header, e.g. 投标报价（万元）, or in a line above the table (单位：万元); the amounts were not read as yuan")
#: the notices of a row dropped as no record
TRAILER_NOTICES = frozenset({TOTALS_SKIPPED, HEADER_REPEATED, GROUP_SKIPPED, SIGNATURE_SKIPPED})

_TOTALS_PY = re.compile(TOTALS_RE)
_SIGNATURE_PY = re.compile(SIGNATURE_RE)
_GROUP_PY = re.compile(GROUP_RE)
#: the markers are Chinese: a cell is matched only if it starts with a non-ASCII character or holds one of these
#: words (FY2024-021有效投标报价算术平均值 starts with its tender's code)
_PRECHECK_WORDS = ("平均", "基准价")


def _cells(src: Source) -> list[str]:
    """SQL text of every cell of the staged table (contract columns as written, and extras), in
    the order of the file's columns."""
    return [sql for _, sql in _cells_at(src)]


def _cells_at(src: Source) -> list[tuple[int, str]]:
    """(file column, SQL text) of every cell of the staged table, in the order of the file's columns."""
    out: list[tuple[int, str]] = []
    for column in src.table.columns:
        pos = src.positions.get(column.name)
        if pos is None:
            continue
        if column.name == "status" and src.table.name == "bids":
            continue  # a blank status is staged as 'valid'
        x = ident(column.name)
        if keeps_raw(column):
            out.append((pos, f"coalesce({ident(raw_name(column.name))}, CAST({x} AS VARCHAR))"))
        else:
            out.append((pos, f"CAST({x} AS VARCHAR)"))
    out.extend((pos, f"CAST({ident(name)} AS VARCHAR)") for pos, name in src.extras)
    return sorted(out)


def drop_trailer_rows(con: duckdb.DuckDBPyConnection, src: Source) -> tuple[list[Problem], list[Problem]]:
    """Remove totals rows and trailing signature/note rows from the staged table.

    Returns (notices of the rows removed, problems for signature/note rows between records)."""
    keys = [c for c in src.table.columns if c.required and c.kind == "id" and c.name in src.positions]
    cells = _cells(src)
    if not keys or not cells:
        return [], []
    table = ident(src.table.name)

    def precheck(t: str) -> str:
        # Ids are mostly ASCII: the regex only runs on cells that start with a non-ASCII character (or name a
        # summary word, :data:`_PRECHECK_WORDS`)
        return "(" + " OR ".join([f"ascii({t}) > 127", *(f"contains({t}, {lit(w)})" for w in _PRECHECK_WORDS)]) + ")"

    def marker(cell: str, pattern: str) -> str:
        t = f"trim({cell}, {lit(WHITESPACE)})"
        return f"({precheck(t)} AND regexp_full_match({t}, {lit(pattern)}))"

    def key_marker(x: str) -> str:
        # keys are staged trimmed: no trim needed, and most rows stop at the ascii() test
        return (f"({precheck(x)} AND (regexp_full_match({x}, {lit(TOTALS_RE)}) "
                f"OR regexp_full_match({x}, {lit(SIGNATURE_RE)}) OR regexp_full_match({x}, {lit(GROUP_RE)})))")

    headers = [h.strip(WHITESPACE) for h in src.headers]
    key_header = {k.name: headers[src.positions[k.name]] for k in keys if src.positions[k.name] < len(headers)}

    def every_key(marker_test: Callable[[str], str]) -> str:
        """Every key empty, passing ``marker_test``, or its own header."""
        return " AND ".join(f"({ident(k.name)} IS NULL OR {marker_test(ident(k.name))}"
                            + (f" OR {ident(k.name)} = {lit(key_header[k.name])}" if key_header.get(k.name) else "")
                            + ")" for k in keys)

    # a row can only be a trailer where every key is empty, non-ASCII (a marker), or its header: in a clean export
    # no row is, and this one cheap pass saves compiling the markers' regexes once per cell (≈ 60 ms a table,
    # 1 s of a 10k-tender load)
    if con.execute(f"SELECT 1 FROM {table} WHERE {every_key(precheck)} LIMIT 1").fetchone() is None:
        return [], []
    keys_empty = every_key(key_marker)
    # the header again (a printed export repeats it on every page): most named cells equal their header
    named = [(sql, headers[pos]) for pos, sql in _cells_at(src) if pos < len(headers) and headers[pos]]
    same = " + ".join(f"CASE WHEN trim({sql}, {lit(WHITESPACE)}) = {lit(h)} THEN 1 ELSE 0 END" for sql, h in named)
    is_header = f"(({same}) * 2 >= {len(named)} AND ({same}) >= 2)" if len(named) >= 2 else "false"
    # a group heading: its first cell names the group, every other cell is empty
    alone = " AND ".join(f"nullif(trim({c}, {lit(WHITESPACE)}), '') IS NULL" for c in cells[1:]) or "true"
    is_totals = " OR ".join([*(marker(c, TOTALS_RE) for c in cells), f"({marker(cells[0], GROUP_RE)} AND {alone})",
                             is_header])
    is_group = f"CASE WHEN {is_header} THEN 2 WHEN ({marker(cells[0], GROUP_RE)} AND {alone}) THEN 1 ELSE 0 END"
    is_sign = " OR ".join(marker(c, SIGNATURE_RE) for c in cells)
    # the notice shows the row's filled cells as the user sees them, left to right
    shown = "concat_ws('  ', " + ", ".join(f"nullif(trim({c}, {lit(WHITESPACE)}), '')" for c in cells) + ")"
    candidates = (f"SELECT __row, CASE WHEN {is_totals} THEN {shown} END AS __tot, "
                  f"CASE WHEN {is_sign} THEN {shown} END AS __sig, {is_group} AS __group FROM {table} "
                  f"WHERE {keys_empty}")
    rows = con.execute(
        f"WITH c AS ({candidates}), m AS (SELECT __row FROM c WHERE __tot IS NOT NULL OR __sig IS NOT NULL) "
        f"SELECT c.__row, c.__tot, c.__sig, c.__group, (SELECT max(__row) FROM {table} "
        f"WHERE __row NOT IN (SELECT __row FROM m)) AS __last FROM c "
        f"WHERE c.__tot IS NOT NULL OR c.__sig IS NOT NULL ORDER BY c.__row"
    ).fetchall()
    notices: list[Problem] = []
    problems: list[Problem] = []
    drop: list[int] = []
    for row, tot, sig, group, last in rows:
        if tot is not None:
            why = HEADER_REPEATED if group == 2 else GROUP_SKIPPED if group == 1 else TOTALS_SKIPPED
            notices.append(Problem(src.table.name, int(row), None, tot, why))
        elif last is None or row > last:
            notices.append(Problem(src.table.name, int(row), None, sig, SIGNATURE_SKIPPED))
        else:
            problems.append(Problem(src.table.name, int(row), None, sig, SIGNATURE_INSIDE))
        drop.append(int(row))  # never a record: the other checks must not report it again
    if drop:
        con.execute(f"DELETE FROM {table} WHERE __row IN ({', '.join(map(str, drop))})")
    problems.extend(_unit_notes(src, [(int(row), sig) for row, tot, sig, _g, _l in rows if tot is None and sig]))
    return notices, problems


def _unit_notes(src: Source, notes: list[tuple[int, str]]) -> list[Problem]:
    """A note below the table (注：金额单位为万元) that gives a unit other than 元 to money columns whose header and title
    give none: refused, naming the row, since the figures above it were read as yuan (QA, 2026-12-07: 15370.8 万元 a
    bid of 15,370.8 yuan). A unit the headers or a title row state is theirs; a note saying 元 changes nothing."""
    from .sources import header_unit

    bare = [c.name for c in src.table.columns if c.kind == "money" and c.name in src.positions
            and src.positions[c.name] < len(src.headers) and header_unit(src.headers[src.positions[c.name]])[0] is None]
    if not bare or src.title_unit not in (None, "元"):
        return []
    out = []
    for row, text in notes:
        m = _NOTE_UNIT_PY.search(text)
        if m:
            unit = "万元" if m.group(1) == "万" else m.group(1)
            out.append(Problem(src.table.name, row, ",".join(bare), text, NOTE_UNIT.replace("{info}", unit)))
    return out


def line_is_trailer(text: str) -> str | None:
    """The notice for a raw CSV line that is a totals or signature line, else None."""
    return cells_are_trailer(f.strip(WHITESPACE + '"') for f in text.split(","))


def cells_are_trailer(cells: Iterable[str | None]) -> str | None:
    """The notice for a row whose cells make it a totals row (合计, 本页小计, …) or a signature or note row
    (制表人：, 审核人, 备注：…, by its first filled cell), else None."""
    filled = [c.strip(WHITESPACE) for c in cells if c and c.strip(WHITESPACE)]
    if not filled:
        return None
    if len(filled) == 1 and _GROUP_PY.fullmatch(filled[0]):
        return GROUP_SKIPPED
    if any(_TOTALS_PY.fullmatch(f) for f in filled) and not _SIGNATURE_PY.fullmatch(filled[0]):
        return TOTALS_SKIPPED
    if _SIGNATURE_PY.fullmatch(filled[0]):
        return SIGNATURE_SKIPPED
    return None


def trailing_reject_notices(table: str, rejects: list[Problem], last_row: int | None) -> tuple[list[Problem], list[Problem]]:
    """Split broken CSV records into (notices for trailing totals/signature lines, real problems).

    Only lines after the last record, each a totals or signature line, become notices."""
    notices: list[Problem] = []
    remaining = list(rejects)
    # walk back from the end: a trailer block ends the file
    while remaining:
        p = remaining[-1]
        why = line_is_trailer(p.value or "")
        if why is None or p.row is None or (last_row is not None and p.row <= last_row):
            break
        if not notices or notices[0].row != p.row:  # DuckDB may list a line once per error
            notices.insert(0, Problem(table, p.row, None, p.value, why))
        remaining.pop()
    return notices, remaining


__all__ = ["drop_trailer_rows", "trailing_reject_notices", "TRAILER_NOTICES", "TOTALS_SKIPPED", "SIGNATURE_SKIPPED",
           "SIGNATURE_INSIDE", "GROUP_SKIPPED", "HEADER_REPEATED"]
