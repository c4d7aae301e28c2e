"""What a dataset file becomes before SQL: a :class:`Source` mapped onto the contract.

Header matching: the English name (case, spaces and ``-`` ignored) or the Chinese alias, with
surrounding whitespace ignored; a trailing unit such as ``投标报价（万元）`` is stripped and, for a
money column, makes bare numbers count as 万元.

A clerk's sheet is not a clean table (招标投标活动的台账多由经办人在 Excel 中手工汇总): a title row
(often merged across the columns) sits above the header, a "单位：万元" line gives the unit of every
amount, totals rows (合计/小计/总计) and signature or note rows (填表人、审核人、填报日期、备注：…)
close the sheet.  :func:`find_header` picks the header row as the row among the first
:data:`HEADER_SEARCH_ROWS` that names the most contract columns; the rows above it become notices
(non-fatal messages with their place), never records.  Totals and signature rows are removed after
staging (:func:`bidwatch.contract.trailers.drop_trailer_rows`), also with a notice each.  Table files and sheets may be named by
the table's English name, its Chinese name or a common variant (:data:`TABLE_NAME_ALIASES`).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .problems import Problem
from .schema import PLATFORM_ALIASES, PLATFORM_UNIT_CODED, TABLES, Column, Table
from .values import WHITESPACE

# A header may carry the unit: 投标报价(万元), 投标报价（元）, 最高投标限价（单位：元）, 投标报价（人民币元）, 投标报价/万元;
# and 小写 (the figure, beside a 大写 column in words): 投标报价（小写）, 投标报价(小写)(元).
# 千元, 百万元, 千万元 and 亿元 too (a 开标记录 of large works gives 投标报价（千元）): each unit a power of ten (UNIT_POWERS).
UNIT_RE = re.compile(r"(?:[（(/／][^（）()/／]*?|\s+)(?<![单公])(千万元|百万元|千元|亿元|亿|万元|万|元)(?:[^（）()万元]*[）)])?$")
#: the power of ten of a yuan amount's unit: bare numbers under 投标报价（千元） are thousands of yuan
UNIT_POWERS = {"元": 0, "千元": 3, "万": 4, "万元": 4, "百万元": 6, "千万元": 7, "亿": 8, "亿元": 8}
# what may stand between a header's bracket and its unit: 单位：, 人民币 and the qualifiers of :data:`_FIGURE_RE`
# (投标报价（单位：人民币元）, 最高投标限价（含税，万元）); anything else before 元 (美元, 百元, 港元) is a unit the loader does
# not know
_UNIT_LEAD_RE = re.compile(r"[（(/／\s]*(?:(?:单位|人民币|RMB|小写|含税|不含税|含增值税|含暂列金额|含安全文明施工费)"
                           r"\s*[:：，,、;；]?\s*)*")
# qualifiers that do not change the column: （小写） beside a 大写 column in words, （含税）, （含暂列金额）
_FIGURE_RE = re.compile(r"\s*[（(]\s*(?:小写|含税|不含税|含增值税|含暂列金额|含安全文明施工费)\s*[）)]")
# A title row may give the unit of every amount of the sheet: 单位：万元, 金额单位：万元.
_TITLE_UNIT_RE = re.compile(r"单位\s*(?:[:：]|[（(])\s*(?:人民币)?\s*(千万元|百万元|千元|亿元|万元|万|元)")

#: Rows searched for the header: title rows, a unit line and blank rows rarely exceed a few.
HEADER_SEARCH_ROWS = 20

#: Names a table's file or sheet may have besides its English and Chinese (``Table.zh``) names:
#: what clerks and platform exports call them.  A name also matches with a leading number
#: (``1.企业``, ``表2 投标``, ``附表3、合同``) and a trailing 表/信息/明细/名单/台账/一览表/汇总表.
#: Ambiguous words (投标人 — the companies or their bids?) are deliberately absent.
TABLE_NAME_ALIASES: dict[str, tuple[str, ...]] = {
    "companies": ("企业", "企业库", "公司", "单位", "主体", "投标企业信息"),
    "people": ("人员", "关联人员", "人员关系信息", "股东高管"),
    "projects": ("项目", "建设项目", "工程"),
    "tenders": ("标段", "招标", "招标标段", "招标项目标段", "标段（包）", "标段(包)", "项目标段"),
    "bids": ("投标记录", "投标情况", "开标记录", "开标一览", "投标报价"),
    "bid_files": ("电子特征", "投标文件特征", "文件特征"),
    "bid_items": ("清单", "工程量清单报价", "清单单价"),
    "bonds": ("保证金", "保证金缴纳", "保证金缴纳记录"),
    "evaluations": ("评分", "评标评分", "专家评分", "评标打分明细", "打分"),
    "experts": ("专家", "专家库"),
    "contracts": ("合同备案",),
    "sanctions": ("惩戒记录", "失信记录", "信用惩戒", "黑名单", "不良行为记录", "失信惩戒"),
}

_NAME_PREFIX_RE = re.compile(r"^(?:附?表\s*)?[0-9一二三四五六七八九十]+\s*[.．、:：_\-)）]?\s*|^[（(][0-9一二三四五六七八九十]+[)）]\s*")
_NAME_SUFFIXES = ("信息表", "明细表", "一览表", "汇总表", "登记表", "统计表", "表", "信息", "明细", "名单", "名录", "台账",
                  "汇总", "数据")
_NAME_SUFFIX_RE = re.compile(f"(?:{'|'.join(_NAME_SUFFIXES)})$")
#: a year before the name (2024年开标记录) and a bracket after it (招标项目（2024年）, 开标记录 (2): Excel's copy of a sheet)
_NAME_YEAR_RE = re.compile(r"^[0-9]{4}\s*年度?")
_NAME_BRACKET_RE = re.compile(r"\s*[（(][^（()）]*[)）]$")


@dataclass
class Source:
    """One table's file, mapped onto the contract."""

    table: Table
    path: Path
    fmt: str
    from_sql: str = ""
    headers: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)  # contract column -> position
    extras: list[tuple[int, str]] = field(default_factory=list)  # (position, kept name)
    wan_columns: set[str] = field(default_factory=set)
    #: money columns whose bare numbers are in another unit than 元 or 万元 (千元 3, 百万元 6, 亿元 8): the power of ten
    scaled_columns: dict[str, int] = field(default_factory=dict)
    #: money columns given beside an amount in words (投标报价（小写） and 投标报价（大写）): column → the extra holding the
    #: words, checked against it after the parse (:mod:`bidwatch.contract.words`)
    words_columns: dict[str, str] = field(default_factory=dict)
    rejects_table: str | None = None
    problems: list[Problem] = field(default_factory=list)
    #: non-fatal messages with their place (title rows skipped, totals rows skipped, …)
    notices: list[Problem] = field(default_factory=list)
    #: row number of the header (below title rows it is not 1)
    header_row: int = 1
    #: the sheet's name in a workbook (problems name the sheet the user sees), else None
    sheet: str | None = None
    #: 单位：万元 in a title row: bare numbers of every money column are 万元
    title_wan: bool = False
    #: the unit a title row gives (单位：千元), 元 or 万元 included; None when none does
    title_unit: str | None = None
    #: a CSV read in parallel: ``from_sql`` yields ``__blank`` instead of ``__row`` and the staged
    #: table is numbered afterwards from the file order (:func:`bidwatch.contract.stage.number_rows`);
    #: the header's line, and per record ordinal the empty lines above it (``(k, shift)`` pairs)
    numbered_after: int | None = None
    empty_line_shifts: list[tuple[int, int]] = field(default_factory=list)
    #: the CSV's physical lines, and a function giving the ``(k, shift)`` pairs counting the lines of quoted cells
    #: with line breaks too, with the number of records that count finds (``reader._record_lines``)
    physical_lines: int | None = None
    #: a workbook's numeric cells of 1e15 or more below the header, (row, file column, text): in an id column Excel
    #: has cut them to 15 significant digits (:data:`bidwatch.contract.validate.EXCEL_MANGLED_ID`)
    big_numbers: list[tuple[int, int, str]] = field(default_factory=list)
    #: a workbook in the 1904 date system (Excel for Mac): serial number 0 is 1904-01-01, not 1899-12-30
    date1904: bool = False
    record_lines: Callable[[], tuple[list[tuple[int, int]], int]] | None = None


@dataclass
class Scratch:
    """Temporary things a load creates, all removed at the end, success or not."""

    con: duckdb.DuckDBPyConnection
    _dir: tempfile.TemporaryDirectory[str] | None = None
    _undo: list[Callable[[], None]] = field(default_factory=list)

    def temp_path(self, name: str) -> Path:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="bidwatch-load-")
        return Path(self._dir.name) / name

    def on_close(self, fn: Callable[[], None]) -> None:
        self._undo.append(fn)

    def close(self) -> None:
        for fn in reversed(self._undo):
            try:
                fn()
            except Exception:  # noqa: BLE001 - best-effort cleanup must not hide the real error
                pass
        if self._dir is not None:
            self._dir.cleanup()


def table_by_file_stem() -> dict[str, Table]:
    """English and Chinese table names -> table (the exact names; :func:`table_for_name` also takes
    the variants)."""
    out: dict[str, Table] = {}
    for t in TABLES.values():
        out[t.name] = t
        out[t.zh] = t
    return out


def accepted_names(table: Table) -> tuple[str, ...]:
    """The file or sheet names a table is recognised by, as a message lists them."""
    return (table.name, table.zh, *TABLE_NAME_ALIASES.get(table.name, ()))


def _name_key(name: str) -> str:
    name = name.strip(WHITESPACE)
    if name.isascii():
        return re.sub(r"[\s\-]+", "_", name.lower())
    return re.sub(r"[\s\u3000]+", "", name)


#: a sheet or file named after one 标段 or 包 (一标段, 01标段, 第2标段, 标段3, 一标段（开标记录）): a clerk's sheet per lot,
#: which holds that lot's bids — not the tenders table, as 标段 with its number stripped would say
SECTION_NAME_RE = re.compile(r"^(?:第\s*)?[0-9０-９一二三四五六七八九十]+\s*(?:标段|包|标)(?:\s*[（(].*[)）])?$"
                             r"|^(?:标段|包)\s*[0-9０-９一二三四五六七八九十]+(?:\s*[（(].*[)）])?$")


def section_name(name: str) -> bool:
    """Whether a file stem or sheet name names one 标段 (:data:`SECTION_NAME_RE`)."""
    return SECTION_NAME_RE.fullmatch(_name_key(name)) is not None


def table_for_name(name: str) -> Table | None:
    """The table a file stem or sheet name stands for: ``bids``, ``投标``, ``投标信息表``,
    ``2.投标记录``…, or None (also for a sheet named after one 标段: :func:`section_name`)."""
    if section_name(name):
        return None
    lookup = {_name_key(n): t for t in TABLES.values() for n in accepted_names(t)}
    key = _name_key(name)
    candidates = [key]
    bare = _NAME_YEAR_RE.sub("", _NAME_BRACKET_RE.sub("", key)) or key
    for k in dict.fromkeys((key, bare)):
        unnumbered = _NAME_PREFIX_RE.sub("", k, count=1)
        candidates += [k, unnumbered]
        for k2 in (k, unnumbered):
            stripped = k2
            while (shorter := _NAME_SUFFIX_RE.sub("", stripped)) != stripped and shorter:
                candidates.append(shorter)
                stripped = shorter
            # each suffix on its own too: 开标一览表 is 开标一览 (an alias) + 表, not 开标 + 一览表
            candidates += [k2[: -len(x)] for x in _NAME_SUFFIXES if k2.endswith(x) and len(k2) > len(x)]
    for k in candidates:
        if k in lookup:
            return lookup[k]
    return None


def missing_table_problem(table: Table, workbook: str | None, unrecognised: list[str]) -> Problem:
    """A required table that no file (or, in a workbook, no sheet) gives, with the names accepted."""
    names = "、".join(accepted_names(table))
    # all the Chinese, then all the English (the web shows the half of the page's language): the names in both
    if workbook is None:
        zh, en = (f"文件名（.csv、.txt、.parquet 或 .xlsx）可为：{names}",
                  f"file name (.csv, .txt, .parquet or .xlsx) may be: {names}")
    else:
        zh, en = f"工作表名可为：{names}", f"sheet name may be: {names}"
    if unrecognised:
        listed = "、".join(unrecognised)
        zh += f"；未识别的{'工作表' if workbook else '文件'}：{listed}"
        en += f"; not recognised: {listed}"
    return Problem(table.name, None, None, None,
                   f"缺少必需的表 {table.name}（{table.zh}）；{zh} / required table missing; {en}")


def first_line(exc: BaseException) -> str:
    if isinstance(exc, zipfile.BadZipFile) or "not a zip file" in str(exc):
        # openpyxl's and zipfile's own words for a file renamed .xlsx or .zip, or cut short
        return ("文件内容不是 .xlsx/.zip 格式（扩展名与内容不符，或文件已损坏）/ the file is not in .xlsx or .zip format "
                "(its name does not match its content, or it is damaged)")
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def header_lookup(table: Table) -> dict[str, Column]:
    """The contract's own headers (name, Chinese header, aliases) of ``table``'s columns, by header key."""
    return _lookups(table)[0]


def platform_lookup(table: Table) -> dict[str, Column]:
    """The platforms' further headers (:data:`PLATFORM_ALIASES`) that are not already contract headers."""
    return _lookups(table)[1]


def any_lookup(table: Table) -> dict[str, Column]:
    """Every header that names a column of ``table``: the contract's and the platforms'."""
    return _lookups(table)[2]


_LOOKUPS: dict[int, tuple[Table, tuple[dict[str, Column], dict[str, Column], dict[str, Column]]]] = {}


def _lookups(table: Table) -> tuple[dict[str, Column], dict[str, Column], dict[str, Column]]:
    """The three lookups of ``table``, built once (header detection asks for them on every candidate row)."""
    cached = _LOOKUPS.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    own: dict[str, Column] = {}
    for c in table.columns:
        for h in (c.name, c.zh, *c.aliases):
            own[_header_key(h)] = c
    platform = {k: table.column(col) for col, headers in PLATFORM_ALIASES.get(table.name, {}).items()
                for k in map(_header_key, headers) if k not in own}
    out = (own, platform, {**platform, **own})
    _LOOKUPS[id(table)] = (table, out)
    return out


def header_key(h: str) -> str:
    """The form in which a header is matched: surrounding spaces dropped; ASCII case, spaces and ``-``
    ignored."""
    return _header_key(h)


def _header_key(h: str) -> str:
    h = h.strip(WHITESPACE)
    if h.isascii():
        h = re.sub(r"[\s\-]+", "_", h.lower())
    else:
        # a header typed over two lines in its cell (Alt+Enter: 最高投标⏎限价) or spaced (标段 编号), its qualifiers
        # (小写, 含税) and a unit left behind them (最高投标限价（元）（含暂列金额）)
        h = UNIT_RE.sub("", _FIGURE_RE.sub("", re.sub(r"[\u3000\t\r\n]+|(?<=\S) (?=\S)", "", h)))
        h = re.sub(r"\s+", "", h)
    return h


def header_score(table: Table, cells: list[str | None]) -> int:
    """How many distinct contract columns of ``table`` the cells name (as headers)."""
    lookup = any_lookup(table)
    named = set()
    for c in cells:
        if c is None:
            continue
        h = c.strip(WHITESPACE)
        col = lookup.get(_header_key(UNIT_RE.sub("", h)))
        if col is not None:
            named.add(col.name)
    return len(named)


def find_header(table: Table, rows: list[list[str | None]], numbers: list[int] | None = None) -> tuple[int, int]:
    """(index in ``rows``, 1 or 2 rows) of the header among the first non-blank rows of a sheet or
    file: the row naming the most contract columns, the earliest on a tie; or two adjacent rows
    (``numbers``: their row numbers) read together when that names more (:func:`two_row_header`).
    (0, 1) when no row names any: the first row then is the header, and the missing columns are
    reported against it."""
    best, depth, best_score = 0, 1, 0
    head = rows[:HEADER_SEARCH_ROWS]
    if _plain_header(table, head):
        head = head[:2]  # the first row names every one of its cells and the next is a record: the search is over
    for i, cells in enumerate(head):
        score = header_score(table, cells)
        if score > best_score:
            best, depth, best_score = i, 1, score
        adjacent = i + 1 < len(head) and (numbers is None or numbers[i + 1] == numbers[i] + 1)
        if adjacent:
            score = header_score(table, two_row_header(table, cells, head[i + 1]))
            if score > best_score and score > header_score(table, head[i + 1]):
                best, depth, best_score = i, 2, score
    if depth == 1 and best + 1 < len(head) and (numbers is None or numbers[best + 1] == numbers[best] + 1) \
            and _sub_header(head[best], head[best + 1]):
        depth = 2
    return best, depth


def _plain_header(table: Table, head: list[list[str | None]]) -> bool:
    """Whether ``head`` starts as an exported file does: a first row of at least two cells, each naming another
    contract column, above a row that names none and has no more cells than it. No later row or pair of rows can
    then name more columns (a record does not name columns), so :func:`find_header` need not score the next
    twenty rows cell by cell (0.4 s of a 12-table load)."""
    if len(head) < 2:
        return False
    filled = [c for c in head[0] if c is not None and c.strip(WHITESPACE)]
    below = [c for c in head[1] if c is not None and c.strip(WHITESPACE)]
    return (len(filled) >= 2 and header_score(table, head[0]) == len(filled) and len(below) <= len(filled)
            and header_score(table, head[1]) == 0)


#: a cell that is a unit and nothing else: 单位：元, （万元）, 万元, 元
_UNIT_MARK = re.compile(r"(?:单位\s*[:：]?\s*)?[（(]?\s*(?:人民币)?\s*(千万元|百万元|千元|亿元|万元|万|元)\s*[）)]?")


def _sub_header(upper: list[str | None], lower: list[str | None]) -> bool:
    """Whether ``lower`` is the second row of a merged header that names no contract column of its own (投标报价
    merged over 报价（万元） | 下浮率(%), every other header merged down): text only, under fewer than half of the
    upper row's headers, and some of it under an empty upper cell (the continuation of a cell merged across)."""
    def filled(c: str | None) -> bool:
        return bool(c and c.strip(WHITESPACE))

    ups = [filled(c) for c in upper]
    downs = [(i, c.strip(WHITESPACE)) for i, c in enumerate(lower) if filled(c)]  # type: ignore[union-attr]
    if downs and all(_UNIT_MARK.fullmatch(c) for _, c in downs):
        return True  # a row of units under the header (单位：元, （万元）): the header's, never a record
    if not downs or len(downs) * 2 > sum(ups):
        return False
    if any(re.search(r"[0-9０-９]", c) for _, c in downs):
        return False  # a figure or an id (B001, 1298765.43元): a record, not a header's label
    return any(i >= len(ups) or not ups[i] for i, _ in downs)


def two_row_header(table: Table, upper: list[str | None], lower: list[str | None]) -> list[str | None]:
    """A header in two rows (投标人 over 企业编号 | 企业名称, while 投标编号 is merged down over both):
    per column the cell that names a contract column, the lower one first, else the lower cell
    when it has text, else the upper one.

    An upper cell merged across columns (投标报价 over 下浮率 | 金额（元）) is empty in every column but its first: it
    heads each of them. Where it names a money column and no lower cell does, the column whose lower cell is the
    amount (金额, 小写, 报价, 元 — not a 率 or 大写) is that column, with the lower cell's unit (报价（万元） → 万元); the
    others keep both names (投标报价·下浮率) as extra columns."""
    lookup = any_lookup(table)

    def key(c: str | None) -> Column | None:
        return lookup.get(_header_key(UNIT_RE.sub("", c.strip(WHITESPACE)))) if c else None

    def text(c: str | None) -> bool:
        return bool(c and c.strip(WHITESPACE))

    n = max(len(upper), len(lower))
    ups = [upper[i] if i < len(upper) else None for i in range(n)]
    downs = [lower[i] if i < len(lower) else None for i in range(n)]
    # the column each upper cell heads: its own, or the merged cell's first column to its left
    head = list(range(n))
    for i in range(1, n):
        if not text(ups[i]) and text(downs[i]) and text(downs[i - 1]) and text(ups[head[i - 1]]):
            head[i] = head[i - 1]
    out: list[str | None] = []
    for i in range(n):
        u, d = ups[head[i]], downs[i]
        group = [j for j in range(n) if head[j] == head[i]]
        col = key(u)
        if len(group) > 1 and col is not None and col.kind == "money" and not any(key(downs[j]) for j in group):
            amounts = [j for j in group if re.search(r"金额|小写|报价|价格|元", downs[j] or "")
                       and not re.search(r"率|[%％]|大写", downs[j] or "")]
            chosen = amounts[0] if amounts else group[0]
            if i == chosen:
                unit = UNIT_RE.search((d or "").strip(WHITESPACE))
                out.append(f"{u.strip(WHITESPACE)}（{unit.group(1)}）" if unit else u)  # type: ignore[union-attr]
            else:
                out.append(f"{u.strip(WHITESPACE)}·{(d or '').strip(WHITESPACE)}")  # type: ignore[union-attr]
            continue
        unit = _UNIT_MARK.fullmatch(d.strip(WHITESPACE)) if text(d) else None  # type: ignore[union-attr]
        if unit and key(ups[i]):
            out.append(f"{ups[i].strip(WHITESPACE)}（{unit.group(1)}）")  # type: ignore[union-attr]
        elif key(d):
            out.append(d)
        elif key(ups[i]):
            out.append(ups[i])
        else:
            out.append(d if text(d) else ups[i])
    return out


def note_title_rows(src: Source, titles: list[tuple[int, list[str | None]]]) -> None:
    """Notices for the rows above the header, and the unit a "单位：万元" line gives."""
    if not titles:
        return
    for row, cells in titles:
        text = " ".join(c.strip(WHITESPACE) for c in cells if c and c.strip(WHITESPACE))
        unit = _TITLE_UNIT_RE.search(text)
        skipped = (f"表头在第 {src.header_row} 行，其上方的标题行已跳过 / header found on row "
                   f"{src.header_row}, title row above it skipped")
        if unit and src.title_unit in (None, "元"):
            src.title_unit = unit.group(1)
        if unit and unit.group(1) != "元":
            name = "万元" if unit.group(1) == "万" else unit.group(1)
            src.title_wan = name == "万元"
            skipped = (f"{skipped.split(' / ')[0]}；标题行写明“单位：{name}”，表头未注明单位的金额列按{name}读取 / "
                       f"{skipped.split(' / ')[1]}; it gives the unit {name}: money columns whose header names "
                       f"no unit are read as {name}")
        src.notices.append(Problem(src.table.name, row, None, text, skipped))


@dataclass(frozen=True)
class HeaderRead:
    """How one header of a file is read: the column it names (None: an extra column) and how."""

    column: Column | None
    #: "own" (a contract header), "platform" (a platform's header), "duplicate" (a second contract header of the
    #: column: a problem), "shadowed" (a platform's header of the column, which another header gives: the file's
    #: column is kept as an extra one), "extra" (names no column)
    how: str
    #: for "duplicate" and "shadowed": the header that gives the column
    other: str | None = None


def read_headers(table: Table, headers: list[str]) -> list[HeaderRead]:
    """The reading of each header (stripped) of ``table``'s file, shared by the DuckDB and the Spark loaders.

    A contract header names its column (a second one of the same column is a duplicate); a platform's header
    (:data:`PLATFORM_ALIASES`) names it only when no other header of the file does."""
    lookup, platform = header_lookup(table), platform_lookup(table)
    keys = [_header_key(UNIT_RE.sub("", h)) for h in headers]
    own: dict[str, str] = {}  # column -> the first of the file's headers that is a contract header of it
    for k, h in zip(keys, headers, strict=True):
        if k in lookup:
            own.setdefault(lookup[k].name, h)
    given: dict[str, str] = {}
    out: list[HeaderRead] = []
    for key, h in zip(keys, headers, strict=True):
        col, how = lookup.get(key), "own"
        if col is None and key in platform:
            col, how = platform[key], "platform"
            if col.name in own or col.name in given:
                out.append(HeaderRead(col, "shadowed", own.get(col.name) or given[col.name]))
                continue
        if col is None:
            out.append(HeaderRead(None, "extra"))
        elif col.name in given:
            out.append(HeaderRead(col, "duplicate", given[col.name]))
        else:
            given[col.name] = h
            out.append(HeaderRead(col, how))
    return out


def shadowed_notice(table: str, row: int | None, column: str, header: str, other: str) -> Problem:
    return Problem(table, row, column, header,
                   f"“{header}”亦可读作 {column}，但已由“{other}”列提供，本列作为附加列原样保留 / "
                   f"“{header}” could be {column}, which “{other}” gives: kept as an extra column")


def duplicate_problem(table: str, row: int | None, column: str, header: str, other: str) -> Problem:
    return Problem(table, row, column, header,
                   f"列重复：“{other}”与“{header}”都对应 {column} / duplicate column: both headers map to {column}")


def map_headers(src: Source, headers: list[str]) -> None:
    """Fill ``positions``/``extras``/``wan_columns``; duplicate columns become problems."""
    used_names = {"__row", *src.table.column_names, *("__raw__" + c for c in src.table.column_names)}
    src.headers = [h.strip(WHITESPACE) for h in headers]
    for i, (h, read) in enumerate(zip(src.headers, read_headers(src.table, src.headers), strict=True)):
        col = read.column
        if read.how == "duplicate":
            src.problems.append(duplicate_problem(src.table.name, src.header_row, col.name, h, read.other))
            continue
        if read.how == "shadowed":
            src.notices.append(shadowed_notice(src.table.name, src.header_row, col.name, h, read.other))
            col = None
        if col is not None:
            src.positions[col.name] = i
            if col.kind == "money":
                _money_unit(src, col, h)
            continue
        name = h or f"column{i + 1}"
        base, n = name, 2
        while name in used_names:
            name, n = f"{base}_{n}", n + 1
        used_names.add(name)
        src.extras.append((i, name))
        coded = PLATFORM_UNIT_CODED.get(src.table.name, {}).get(h.upper())
        if coded is not None:  # kept, but not read: its unit is a code in another column (12500 with PRICE_UNIT 1)
            src.notices.append(Problem(
                src.table.name, src.header_row, coded[0], h,
                f"{h} 的单位由 {coded[1]} 代码给出（0 = 元，1 = 万元），装载器不读取单位代码：该列未读作 {coded[0]}，"
                f"按原样保留；请把金额换算为元，或放在注明单位的表头下（如“招标控制价（万元）”），或用 bidwatch notices "
                f"导入 / {h} gives its unit as a code in {coded[1]}, which the loader does not read: not read as "
                f"{coded[0]}, kept as written; give the amount in yuan or under a header naming its unit"))
    _pair_words_columns(src)
    # a bid-opening record (开标记录) names its bidders, without the ids the contract keys them by: bidwatch notices
    # reads it as it is and makes the ids
    named = src.table.name == "bids" and any(header_key(name) in OPENING_BIDDER_HEADERS for _, name in src.extras)
    for col in src.table.columns:
        if col.required and col.name not in src.positions:
            hinted = named and col.name in ("bid_id", "company_id")
            zh = "；表中有投标人名称而无编号，像是开标记录：可用 bidwatch notices 导入，编号自动生成" if hinted else ""
            en = ("; the table names its bidders without ids, as a bid-opening record (开标记录) does: `bidwatch "
                  "notices FILE --out DIR` imports it and makes the ids") if hinted else ""
            src.problems.append(Problem(src.table.name, None, col.name, None,
                                        f"缺少必填列 {col.name}（{col.zh}）{zh} / required column missing{en}"))


#: a bidder's name as a bid-opening record heads it (brackets and spaces aside)
OPENING_BIDDER_HEADERS = frozenset({"投标人", "投标人名称", "投标单位", "投标单位名称", "投标人全称", "单位名称",
                                    "供应商名称", "投标供应商"})


def _pair_words_columns(src: Source) -> None:
    """An extra column of an amount in words (投标报价（大写）) goes with its money column: beside the figure it is
    checked against it row by row (:func:`bidwatch.contract.words.check_words_columns`); without the figure it is read
    as the column (the slow parse reads amounts in words)."""
    from .words import figure_header

    lookup = any_lookup(src.table)
    for i, name in list(src.extras):
        figure = figure_header(src.headers[i]) if i < len(src.headers) else None
        col = lookup.get(_header_key(UNIT_RE.sub("", figure))) if figure else None
        if col is None or col.kind != "money" or col.name in src.words_columns:
            continue
        if col.name in src.positions:
            src.words_columns[col.name] = name
        else:
            src.extras.remove((i, name))
            src.positions[col.name] = i
            _money_unit(src, col, src.headers[i])


def header_unit(header: str) -> tuple[str | None, str | None]:
    """(the unit a money header names — 元, 万元, 千元, 百万元, 千万元, 亿元 —, or None; the bracket it could not read).

    ``投标报价（美元）`` or ``投标报价（百元）`` give (None, ``（美元）``): 元 after a word the loader does not know as a
    unit's lead (:data:`_UNIT_LEAD_RE`) is another unit, which read as yuan would make every bid wrong by its factor."""
    h = _FIGURE_RE.sub("", header.strip(WHITESPACE))
    m = UNIT_RE.search(h)
    if m is None:
        return None, None
    lead = h[m.start(0):m.start(1)]
    if not _UNIT_LEAD_RE.fullmatch(lead):
        return None, h[m.start(0):]
    return ("万元" if m.group(1) == "万" else "亿元" if m.group(1) == "亿" else m.group(1)), None


def unknown_unit_problem(table: str, row: int | None, column: str, header: str, unit: str) -> Problem:
    return Problem(table, row, column, header,
                   f"无法识别的金额单位“{unit}”：请写为元、千元、万元、百万元或亿元，或换算为元 / unknown unit of an "
                   f"amount “{unit}”: write 元, 千元, 万元, 百万元 or 亿元, or convert the figures to yuan")


def _money_unit(src: Source, col: Column, header: str) -> None:
    """The unit of a money column's bare numbers, from its header, else from a title row (单位：千元): 万元 goes to
    ``wan_columns`` (the parse shifts the point exactly), 千元/百万元/千万元/亿元 to ``scaled_columns``; a unit the
    loader does not know is a problem naming the header, never read as yuan."""
    unit, unknown = header_unit(header)
    if unknown is not None:
        src.problems.append(unknown_unit_problem(src.table.name, src.header_row, col.name, header, unknown))
        return
    if unit is None and src.title_unit is not None:
        unit = "万元" if src.title_unit == "万" else src.title_unit
    power = UNIT_POWERS.get(unit or "元", 0)
    if power == 4:
        src.wan_columns.add(col.name)
    elif power:
        src.scaled_columns[col.name] = power
