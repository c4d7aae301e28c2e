"""Validation rules as SQL over the staged tables; each rule yields ``(__row, val, info)`` rows.

The rules are written once, in the DuckDB dialect, over a *staged relation* of one table: ``__row``
(the record's number in its file), the typed contract columns, and ``__raw__<col>`` (the cell as
written, at least where the typed value is NULL or out of range) for the columns where
:func:`~bidwatch.contract.stage.keeps_raw` holds. The local loader runs them on DuckDB; the Spark
loader (``engine/spark_load.py``) stages the same layout and runs the same rules transpiled by
SQLGlot. So they use only what SQLGlot carries to Spark: ``regexp_matches`` with explicit anchors
(not ``regexp_full_match``), ``trim(x, chars)``, ``IS DISTINCT FROM`` and plain comparisons.

Every rule runs once over its table (anti-joins for foreign keys, GROUP BY for duplicate keys), so
the cost is a few column scans per table whatever the number of bad rows.  A rule that matches
more than ``cap`` rows reports the first ``cap`` and one summary problem with the total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

from bidwatch.i18n import chinese_first as _

from .problems import Problem
from .schema import EXPERT_MEASURES, TABLES, Column, Table
from .sources import Source
from .sqltext import ident, lit
from .stage import keeps_raw, raw_name
from .values import EXCEL_SCIENTIFIC_RE, WHITESPACE, uscc_valid_sql

EXPECTED_BY_KIND = {
    "money": _("an amount in yuan, e.g. 1234.50, 1,234.50元 or 123.45万元"),
    "number": _("a number"),
    "integer": _("an integer"),
    "date": _("a date YYYY-MM-DD"),
    "timestamp": _("a timestamp YYYY-MM-DD HH:MM[:SS] or ISO-8601"),
    "bool": _("a boolean: 是/否, true/false, 1/0, Y/N"),
}
#: A money cell that holds a rate: 下浮率 5%, 5%, 费率3.5% (platform notices and clerks write the
#: bid as a discount on the ceiling price or a fee rate); the amount cannot be known from it alone.
RATE_NOT_AMOUNT = _("this is a rate (fee or discount rate), "
                    "not an amount: give the amount in yuan")
RATE_PATTERN = "[%％‰]|下浮|费率|折扣|优惠率|让利"
#: an amount as Excel displays it in scientific notation (values.EXCEL_SCIENTIFIC_RE): its digits are lost
EXCEL_SCIENTIFIC_MONEY = _("Excel wrote this amount in scientific notation and kept only the digits it showed: format "
                           "the column as a number (not scientific) in Excel and export it again")
#: A date cell that Excel wrote as its serial number (days since 1899-12-30: 45418 is 2024-05-06), as happens when a
#: clerk copies or exports a column not formatted as dates. Not read as that date (a 5-digit number could be anything
#: else), but told as what it most likely is, with the date it would be (20000–99999: 1954-10-03 .. 2173-10-13).
EXCEL_SERIAL = _("looks like an Excel date serial number (= {info}): format the column as dates in Excel and "
                 "export again")
EXCEL_SERIAL_PATTERN = "^[2-9][0-9]{4}([.][0-9]+)?$"
#: A date cell that a platform's API wrote as a Unix timestamp (剑鱼's publishTime: 1741309200 is 2025-03-07 09:00 in
#: Beijing): seconds (10 digits) or milliseconds (13) from 2001-09-09 to 2033-05-18. Told with the Beijing time it
#: would be, not read as it (a number is no date in the contract's spelling); integer arithmetic only, so that the
#: rule transpiles to Spark as it is.
UNIX_TIME = _("looks like a Unix timestamp (= {info} Beijing time): give the date and time as YYYY-MM-DD HH:MM")
UNIX_TIME_PATTERN = "^1[0-9]{9}([0-9]{3})?$"


def _unix_time_info(raw: str) -> str:
    seconds = (f"(CAST(floor(CAST({raw} AS DOUBLE) / (CASE WHEN length({raw}) = 13 THEN 1000 ELSE 1 END)) AS BIGINT)"
               " + 28800)")
    day = f"CAST(date_add(DATE '1970-01-01', CAST(floor({seconds} / 86400) AS INTEGER)) AS VARCHAR)"
    hour = f"lpad(CAST(CAST(floor(({seconds} % 86400) / 3600) AS INTEGER) AS VARCHAR), 2, '0')"
    minute = f"lpad(CAST(CAST(floor(({seconds} % 3600) / 60) AS INTEGER) AS VARCHAR), 2, '0')"
    return f"{day} || ' ' || {hour} || ':' || {minute}"
#: An id that Excel kept as a number: it shows 341100202403250000 as 3.411E+17 and keeps 15 significant digits, so the
#: id is lost (two tenders may even become one). Told, never read: the digits cannot be recovered from the file.
EXCEL_MANGLED_ID = ("Excel 已按数字保存，精度丢失（15位有效数字），请将该列设为文本后重新录入 / Excel stored this id as a "
                    "number and kept only 15 significant digits: format the column as text and enter the ids again")
#: an id in Excel's scientific notation (3.411E+17, 9.13411E+17): Excel writes a number of 12 or more digits so
MANGLED_ID_PATTERN = "^[0-9]([.][0-9]+)?[eE][+]?(1[1-9]|[2-9][0-9])$"


def mangled_id_column(column: Column) -> bool:
    """Whether ``column`` holds ids that Excel mangles when it takes them as numbers: keys, credit codes, accounts."""
    return column.kind == "id" and (column.name.endswith("_id") or column.name in ("uscc", "payer_account"))


#: A time of day without its date (08:10, 8时10分): Excel shows a time-formatted cell so when the clerk typed only the
#: time. The date cannot be guessed (a bid may come in the day before the opening), so the message says what is missing.
TIME_WITHOUT_DATE = ("只有时间，缺少日期：请写成日期和时间，如 2024-03-25 08:10 / a time of day without its date: give "
                     "the date and the time, e.g. 2024-03-25 08:10")
TIME_ONLY_PATTERN = "^[0-9]{1,2}[:：时点][0-9]{1,2}(分|[:：][0-9]{1,2}([.][0-9]+)?|分[0-9]{1,2}秒)?$"
REQUIRED = _("required, must not be empty")
PRICE_REQUIRED = _("required unless status is withdrawn")
NEGATIVE = _("must not be negative")
SHARE_PCT = _("a percentage between 0 and 100")
REGION_CODE = _("a 6-digit region code")
USCC = _("an 18-character unified social credit "
         "code with a valid check character (GB 32100-2015)")
SANCTION_SUBJECT = _("one of company_id, uscc, person_id is required")
SANCTION_EXPERT = _("a measure on an evaluation expert names the expert: person_id (the experts table's "
                    "expert_id) is required")
DUPLICATE_KEY = _("duplicate primary key (first at row {info})")
DANGLING = _("not found in {ref}")


#: The problems whose text is what the cell should be (a type or format: 日期 YYYY-MM-DD, 18 位统一社会信用代码…), which
#: a report may introduce with 应为 ("should be"); every other text says what is wrong (在 … 中找不到, 主键重复, 像是 Excel
#: 的日期序列号…) and reads as it is. An allowlist, so that a new diagnosis is never printed as an expectation.
EXPECTATIONS = frozenset((*EXPECTED_BY_KIND.values(), REGION_CODE, USCC))
_ENUM_EXPECTED_PREFIX = "取值之一："


def states_expectation(expected: str) -> bool:
    """Whether a problem's ``expected`` text describes what the value should be (:data:`EXPECTATIONS`, an
    enumeration's values), rather than diagnose the fault."""
    return expected in EXPECTATIONS or expected.startswith(_ENUM_EXPECTED_PREFIX)


def enum_expected(column: Column) -> str:
    assert column.enum is not None
    listed = ", ".join(f"{code} {word}" for code, word in column.enum.items())
    codes = ", ".join(column.enum)
    return f"{_ENUM_EXPECTED_PREFIX}{listed} / one of: {codes}"


@dataclass(frozen=True)
class Check:
    table: str
    column: str | None
    expected: str  # may use {info}
    sql: str  # SELECT __row, val, info …


def _blank(raw: str) -> str:
    return f"coalesce(trim({raw}, {lit(WHITESPACE)}), '') = ''"


def _select(relation: str, val: str, where: str, info: str = "CAST(NULL AS VARCHAR)") -> str:
    return f"SELECT __row, CAST({val} AS VARCHAR) AS val, {info} AS info FROM {relation} WHERE {where}"


def row_checks(src: Source | Any, relation: Callable[[str], str] = ident) -> list[Check]:
    """Per-cell rules of one table: required, parseable, enumerations, ranges, USCC.

    ``src`` is anything with ``.table`` and ``.positions`` (the contract columns present), the local
    loader's source or the Spark loader's; ``relation`` names the staged relation of a table in the SQL.
    """
    table = src.table
    name = table.name
    checks: list[Check] = []
    staged = relation(name)
    for col in table.columns:
        if col.name not in src.positions:
            continue
        x = ident(col.name)
        raw = ident(raw_name(col.name)) if keeps_raw(col) else None
        shown = f"coalesce({raw}, '')" if raw else "''"
        if col.required:
            where = f"{x} IS NULL" + (f" AND {_blank(raw)}" if raw else "")
            checks.append(Check(name, col.name, REQUIRED, _select(staged, shown, where)))
        mangled = f"regexp_matches({x}, {lit(MANGLED_ID_PATTERN)})"
        if mangled_id_column(col):
            checks.append(Check(name, col.name, EXCEL_MANGLED_ID, _select(staged, x, f"{x} IS NOT NULL AND {mangled}")))
        if raw is None:
            continue
        if col.kind in EXPECTED_BY_KIND or col.kind == "enum":
            expected = enum_expected(col) if col.kind == "enum" else EXPECTED_BY_KIND[col.kind]
            where = f"{x} IS NULL AND NOT {_blank(raw)}"
            if col.kind == "money":
                rate = f"regexp_matches({raw}, {lit(RATE_PATTERN)})"
                checks.append(Check(name, col.name, RATE_NOT_AMOUNT, _select(staged, raw, f"{where} AND {rate}")))
                where += f" AND NOT {rate}"
                sci = f"regexp_matches(trim({raw}), {lit(EXCEL_SCIENTIFIC_RE)})"
                checks.append(Check(name, col.name, EXCEL_SCIENTIFIC_MONEY, _select(staged, raw, f"{where} AND {sci}")))
                where += f" AND NOT {sci}"
            if col.kind in ("date", "timestamp"):
                serial = f"regexp_matches({raw}, {lit(EXCEL_SERIAL_PATTERN)})"
                epoch = "1904-01-01" if getattr(src, "date1904", False) else "1899-12-30"  # Excel for Mac's dates
                day = (f"CAST(date_add(DATE '{epoch}', CAST(floor(CAST({raw} AS DOUBLE)) AS INTEGER)) AS VARCHAR)")
                checks.append(Check(name, col.name, EXCEL_SERIAL, _select(staged, raw, f"{where} AND {serial}", day)))
                where += f" AND NOT {serial}"
                unix = f"regexp_matches({raw}, {lit(UNIX_TIME_PATTERN)})"
                checks.append(Check(name, col.name, UNIX_TIME,
                                    _select(staged, raw, f"{where} AND {unix}", _unix_time_info(raw))))
                where += f" AND NOT {unix}"
                clock = f"regexp_matches({raw}, {lit(TIME_ONLY_PATTERN)})"
                checks.append(Check(name, col.name, TIME_WITHOUT_DATE, _select(staged, raw, f"{where} AND {clock}")))
                where += f" AND NOT {clock}"
            checks.append(Check(name, col.name, expected, _select(staged, raw, where)))
        if col.kind == "money":
            checks.append(Check(name, col.name, NEGATIVE, _select(staged, raw, f"{x} < 0")))
        if col.name == "share_pct":
            checks.append(Check(name, col.name, SHARE_PCT, _select(staged, raw, f"{x} < 0 OR {x} > 100")))
        if col.name == "region_code":
            where = f"{x} IS NOT NULL AND NOT regexp_matches({x}, '^[0-9]{{6}}$')"
            checks.append(Check(name, col.name, REGION_CODE, _select(staged, raw, where)))
        if col.name == "uscc":
            where = f"{x} IS NOT NULL AND NOT {uscc_valid_sql(x)} AND NOT {mangled}"
            checks.append(Check(name, col.name, USCC, _select(staged, raw, where)))
    if name == "bids" and "price" in src.positions:
        raw_price = ident(raw_name("price"))
        where = f"price IS NULL AND {_blank(raw_price)} AND status IS DISTINCT FROM 'withdrawn'"
        shown_price = f"coalesce({raw_price}, '')"
        checks.append(Check(name, "price", PRICE_REQUIRED, _select(staged, shown_price, where)))
    if name == "sanctions":
        where = "company_id IS NULL AND uscc IS NULL AND person_id IS NULL"
        checks.append(Check(name, "company_id/uscc/person_id", SANCTION_SUBJECT, _select(staged, "''", where)))
        experts = ", ".join(lit(m) for m in EXPERT_MEASURES)
        checks.append(Check(name, "person_id", SANCTION_EXPERT,
                            _select(staged, "measure", f"measure IN ({experts}) AND person_id IS NULL")))
    return checks


#: dates of one tender that cannot come in this order: (first, then, notice). Not an error — the tender loads and
#: the other indicators judge it — but the period indicators do not judge it (an end before its start is no short
#: period), and the reader is told where.
DATE_ORDER = (
    (("docs_from", "announced_on"), "bid_deadline",
     "投标截止时间早于招标文件发出（或公告发布）日期：日期有误，投标期限类指标不判断此标段 / the bid deadline is before the "
     "documents were issued (or the notice published): the dates are wrong, the bid-period indicator does not judge "
     "this tender"),
    (("docs_from",), "docs_until",
     "招标文件发售截止日期早于发售起始日期：日期有误，发售期指标不判断此标段 / the document sale ends before it starts: "
     "the dates are wrong, the document-sale indicator does not judge this tender"),
    (("candidates_published_on",), "publicity_until",
     "公示截止日期早于中标候选人公示日期：日期有误，公示期指标不判断此标段 / the publicity ends before the candidates were "
     "published: the dates are wrong, the publicity indicator does not judge this tender"),
)


def order_notices(src: Source | Any, relation: Callable[[str], str] = ident) -> list[Check]:
    """Rules whose rows are notices, not problems: dates of a tender in an order that cannot be (:data:`DATE_ORDER`).
    The value shown is ``then < first`` as read."""
    if src.table.name != "tenders":
        return []
    checks: list[Check] = []
    for firsts, then, notice in DATE_ORDER:
        present = [f for f in firsts if f in src.positions]
        if then not in src.positions or not present:
            continue
        first = f"coalesce({', '.join(f'CAST({ident(f)} AS DATE)' for f in present)})"
        later = f"CAST({ident(then)} AS DATE)"
        shown = f"CAST({later} AS VARCHAR) || ' < ' || CAST({first} AS VARCHAR)"
        checks.append(Check("tenders", then, notice, _select(relation("tenders"), shown, f"{later} < {first}")))
    return checks


#: money columns of a works contract's figures: under 1万元 they are rare in construction tendering, and a bare number
#: of 万元 written without its unit (``30.0`` for 30万元) reads as that many yuan. A notice, not a problem: the row loads.
SMALL_AMOUNT_COLUMNS = {"tenders": ("estimate", "ceiling_price", "award_price"), "bids": ("price",),
                        "contracts": ("amount",)}
SMALL_AMOUNT_YUAN = 10_000
SMALL_AMOUNT = ("金额不足1万元，工程招投标中少见：若是以万元填写的，请在表头注明单位（如“投标报价（万元）”）或在数字后写“万元” / "
                "under 10,000 yuan, rare in construction tendering: if the figure is in 万元, name the unit in the "
                "header (投标报价（万元）) or after the number")


def amount_notices(src: Source | Any, relation: Callable[[str], str] = ident) -> list[Check]:
    """Notices for amounts under :data:`SMALL_AMOUNT_YUAN` in the columns of :data:`SMALL_AMOUNT_COLUMNS`; not for a
    table that names its currency (OCDS input: another money's amounts are not yuan)."""
    name = src.table.name
    columns = [c for c in SMALL_AMOUNT_COLUMNS.get(name, ()) if c in src.positions]
    named = {n.lower() for _, n in getattr(src, "extras", [])} | set(src.positions)
    if not columns or named & {"currency", "币种", "货币"}:
        return []
    return [Check(name, c, SMALL_AMOUNT, _select(relation(name), ident(c),
                                                 f"{ident(c)} > 0 AND {ident(c)} < {SMALL_AMOUNT_YUAN}"))
            for c in columns]


DUPLICATE_USCC = ("统一社会信用代码与第{info}行的企业相同：两个企业编号是同一法人，同一标段中按一个投标人计算，请核对是否重复登记 / "
                  "the same credit code as the company of row {info}: the two company ids are one legal person, counted "
                  "as one bidder in a tender; please check whether it was registered twice")


def uscc_notices(src: Source | Any, relation: Callable[[str], str] = ident) -> list[Check]:
    """Notices for companies whose 统一社会信用代码 an earlier row already gives (QA, 2026-12-07: 丙建设 as C3 and C4
    made one firm two bidders without a word). A notice, not a problem: the rows load, and the indicators that count
    bidders count legal persons."""
    if src.table.name != "companies" or "uscc" not in src.positions:
        return []
    sql = repeated_rows_sql(relation("companies"), ["uscc"], "d.uscc")
    return [Check("companies", "uscc", DUPLICATE_USCC, sql)]


DUPLICATE_BIDDER = ("同一企业在本标段的第二条投标记录（第一条在第{info}行）：同一投标人提交两个以上不同的投标报价的，评标委员会应当"
                    "否决（实施条例 第51条第(四)项）；如是重复录入请删除一条 / the same company's second bid in this tender "
                    "(the first at row {info}): two bids of one bidder must be rejected (条例 第51条(四)); if it was "
                    "entered twice, delete one")


def bidder_notices(src: Source | Any, relation: Callable[[str], str] = ident) -> list[Check]:
    """Notices for a company's second (non-withdrawn) bid in one tender (QA, 2026-12-07: it passed without a word).
    A notice: the rows load, and the indicators count the company once."""
    if src.table.name != "bids" or not {"tender_id", "company_id"} <= set(src.positions):
        return []
    sql = repeated_rows_sql(relation("bids"), ["tender_id", "company_id"], "d.company_id",
                            where="coalesce(status, 'valid') <> 'withdrawn'")
    return [Check("bids", "company_id", DUPLICATE_BIDDER, sql)]


WEEKDAY_MISMATCH = ("星期与日期不符（该日为{info}）：按日期读取，请核对 / the weekday written beside the date is not its "
                    "weekday ({info}): the date is read as written; please check")
_WEEKDAY_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7}


def weekday_notices(src: Source) -> list[Check]:
    """Notices for a date or time written with its weekday (2024年4月20日（星期五）) where the weekday is not the date's:
    one of the two is a slip, and the date is what the loader reads (:data:`bidwatch.contract.values.WEEKDAY_RE`).
    The local loader's only: it reads the cell as written (``__raw__``), which Spark's canonical reading has no
    weekday in."""
    from .values import WEEKDAY_RE

    checks = []
    for col in src.table.columns:
        if col.kind not in ("date", "timestamp") or col.name not in src.positions:
            continue
        x, raw = ident(col.name), ident(raw_name(col.name))
        day = f"regexp_extract({raw}, {lit(WEEKDAY_RE)}, 1)"
        written = "CASE " + day + " " + " ".join(f"WHEN {lit(k)} THEN {v}" for k, v in _WEEKDAY_NUMBER.items()) + " END"
        actual = "'星期' || " + "CASE isodow(" + x + ") " + " ".join(
            f"WHEN {i} THEN {lit(z)}" for i, z in enumerate("一二三四五六日", start=1)) + " END"
        where = f"{raw} IS NOT NULL AND {x} IS NOT NULL AND {day} <> '' AND isodow({x}) <> {written}"
        checks.append(Check(src.table.name, col.name, WEEKDAY_MISMATCH, _select(ident(src.table.name), raw, where,
                                                                                  actual)))
    return checks


WORDS_IN_CELL_DIFFER = ("本格大写金额与小写金额不一致（{info}），以大写金额为准（《评标委员会和评标方法暂行规定》第十九条） / the "
                        "amount in words and the figure in this cell differ ({info}): the amount in words stands")


def words_in_cell_notices(src: Source) -> list[Check]:
    """Notices for a money cell giving its amount in words and its figure (人民币壹佰万元整（¥1,010,000.00）) that
    differ: the words were read (:func:`bidwatch.contract.words.words_amount`), the figure is shown. The local loader's
    only (its ``__raw__`` cells and the ``bw_words_conflict`` function registered by the slow pass)."""
    checks = []
    for col in src.table.columns:
        if col.kind != "money" or col.name not in src.positions:
            continue
        x, raw = ident(col.name), ident(raw_name(col.name))
        conflict = f"bw_words_conflict(CAST({raw} AS VARCHAR))"
        where = f"{raw} IS NOT NULL AND {x} IS NOT NULL AND regexp_matches({raw}, '[（(]') AND {conflict} IS NOT NULL"
        checks.append(Check(src.table.name, col.name, WORDS_IN_CELL_DIFFER,
                            _select(ident(src.table.name), raw, where, conflict)))
    return checks


def table_problems(src: Source) -> list[Problem]:
    """Rules about the table's shape rather than its cells."""
    if src.table.name == "bids" and src.from_sql and "price" not in src.positions:
        return [Problem("bids", None, "price", None, "缺少必填列 price（投标报价） / required column missing")]
    return []


def key_checks(sources: Mapping[str, Source | Any], usable: set[str],
               relation: Callable[[str], str] = ident) -> list[Check]:
    """Duplicate primary keys and dangling foreign keys, over tables whose cells could be read.

    ``sources`` maps a table name to anything with ``.table`` and ``.positions`` (the local
    loader's sources or the Spark loader's); ``relation`` names the staged relation of a table in
    the SQL (the Spark loader transpiles these checks and passes its own staged views).
    """
    checks: list[Check] = []
    for name, src in sources.items():
        if name not in usable:
            continue
        table = src.table
        if table.primary_key and all(k in src.positions for k in table.primary_key):
            checks.append(_duplicate_key_check(table, relation(name)))
        for fk in table.foreign_keys:
            parent = sources.get(fk.ref_table)
            if parent is None or fk.ref_table not in usable:
                continue
            if not all(c in src.positions for c in fk.columns):
                continue
            if not all(c in parent.positions for c in fk.ref_columns):
                continue
            on = " AND ".join(f"p.{ident(r)} = c.{ident(k)}" for k, r in zip(fk.columns, fk.ref_columns))
            notnull = " AND ".join(f"c.{ident(k)} IS NOT NULL" for k in fk.columns)
            val = _joined("c", fk.columns)
            sql = (f"SELECT c.__row, {val} AS val, NULL AS info FROM {relation(name)} c WHERE {notnull} "
                   f"AND NOT EXISTS (SELECT 1 FROM {relation(fk.ref_table)} p WHERE {on})")
            ref = f"{fk.ref_table}.{','.join(fk.ref_columns)}"
            checks.append(Check(name, ",".join(fk.columns), DANGLING.replace("{ref}", ref), sql))
    return checks


def _joined(alias: str, cols: Iterable[str]) -> str:
    cols = list(cols)
    if len(cols) == 1:
        return f"{alias}.{ident(cols[0])}"
    return "concat_ws(',', " + ", ".join(f"{alias}.{ident(c)}" for c in cols) + ")"


def repeated_rows_sql(t: str, keys: list[str], shown: str, where: str = "true") -> str:
    """``SELECT __row, val, info`` of the rows of ``t`` (where ``where``) whose ``keys`` an earlier row already has;
    ``info`` is that earlier row, ``val`` the SQL ``shown`` over the keys of the subquery ``d``.

    Grouping 10M composite VARCHAR keys is the costliest check, so it groups a 64-bit hash of the
    key first and compares the actual keys only within the (rare) repeated hashes: the duplicate primary keys, a
    repeated credit code, a company's second bid in one tender.
    """
    kl = ", ".join(ident(k) for k in keys)
    rows = " AND ".join([*(f"{ident(k)} IS NOT NULL" for k in keys), f"({where})"])
    return (
        f"SELECT __row, {shown} AS val, CAST(__first AS VARCHAR) AS info FROM ("
        f"SELECT __row, {kl}, min(__row) OVER (PARTITION BY {kl}) AS __first FROM {t} "
        f"WHERE {rows} AND hash({kl}) IN (SELECT hash({kl}) AS __h FROM {t} WHERE {rows} "
        f"GROUP BY __h HAVING count(*) > 1)) AS d WHERE __row > __first"
    )


def _duplicate_key_check(table: Table, t: str) -> Check:
    """Rows whose key was already seen on an earlier row."""
    keys = table.primary_key
    return Check(table.name, ",".join(keys), DUPLICATE_KEY, repeated_rows_sql(t, keys, _joined("d", keys)))


def too_long(limit: int) -> str:
    """The problem of a value longer than a consumer stores whole (an id: never cut)."""
    return _("longer than %(n)s characters ({info}): the platform stores this value whole and never cuts it, "
             "so it cannot be imported", n=limit)


def kept_shortened(limit: int) -> str:
    """The notice of a text longer than a consumer keeps (a name: cut, and said)."""
    return _("longer than %(n)s characters ({info}): only the first %(n)s are kept on import", n=limit)


def length_checks(src: Source | Any, limits: Mapping[str, int], expected: Callable[[int], str],
                  relation: Callable[[str], str] = ident) -> list[Check]:
    """Cells of ``src``'s table longer than ``limits[column]`` characters (the columns present), each told
    with ``expected(limit)`` and its length: what a consumer of the dataset cannot store as it is (the web
    import's fields, ``load_dataset(max_lengths=…, cut_lengths=…)``)."""
    name = src.table.name
    checks = []
    for column, limit in limits.items():
        if column in src.positions:
            x = f"CAST({ident(column)} AS VARCHAR)"
            checks.append(Check(name, column, expected(limit),
                                _select(relation(name), x, f"length({x}) > {int(limit)}", f"length({x})")))
    return checks


def run_checks(con: duckdb.DuckDBPyConnection, checks: Iterable[Check], cap: int | None) -> list[Problem]:
    """Run rules in one query (a UNION ALL), keeping the first ``cap`` rows of each."""
    checks = list(checks)
    if not checks:
        return []
    union = " UNION ALL ".join(
        f"SELECT {i} AS __chk, __row, CAST(val AS VARCHAR) AS val, CAST(info AS VARCHAR) AS info "
        f"FROM ({c.sql})" for i, c in enumerate(checks)
    )
    keep = "" if cap is None else f"WHERE __rn <= {cap}"
    rows = con.execute(
        f"SELECT __chk, __row, val, info, __n FROM (SELECT *, "
        f"row_number() OVER (PARTITION BY __chk ORDER BY __row) AS __rn, "
        f"count(*) OVER (PARTITION BY __chk) AS __n FROM ({union})) {keep} ORDER BY __chk, __row"
    ).fetchall()
    problems: list[Problem] = []
    totals: dict[int, int] = {}
    for chk, row, val, info, total in rows:
        check = checks[chk]
        expected = check.expected.replace("{info}", "" if info is None else str(info))
        problems.append(Problem(check.table, int(row), check.column, val, expected))
        totals[chk] = int(total)
    for chk, total in totals.items():
        if cap is not None and total > cap:
            check = checks[chk]
            problems.append(Problem(
                check.table, None, check.column, None,
                f"另有 {total - cap} 行同类问题未列出（共 {total} 行）：{_plain(check.expected)} / "
                f"{total - cap} more rows with this problem not listed ({total} in all)",
            ))
    return problems


def _plain(expected: str) -> str:
    return expected.split(" / ")[0].replace("{info}", "…")


def sort_problems(problems: list[Problem]) -> list[Problem]:
    order = {name: i for i, name in enumerate(TABLES)}

    def key(p: Problem) -> tuple[int, str, int, int]:
        table = TABLES.get(p.table)
        col_order = table.column_names.index(p.column) if table and p.column in table else 999
        return (order.get(p.table, -1), p.table, -1 if p.row is None else p.row, col_order)

    return sorted(problems, key=key)


__all__ = ["Check", "row_checks", "key_checks", "run_checks", "sort_problems", "table_problems",
           "length_checks", "too_long", "kept_shortened"]
