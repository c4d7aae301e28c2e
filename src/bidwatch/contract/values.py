"""Cell parsing as DuckDB SQL expressions: money (万元), dates, timestamps, booleans, enumerations.

Every function takes the SQL text of a trimmed VARCHAR expression and returns the SQL text of the
typed value, NULL when the cell is empty *or* unparseable (validation tells the two apart by
looking at the raw cell).  Nothing here runs per row in Python.

Each kind has a *fast* parse (DuckDB's own casts, for the canonical spelling) and a *slow* one
(regular expressions for 万元, 2024年3月1日, full-width digits, offsets, …).  The loader applies the
fast parse while reading and the slow one afterwards, with an UPDATE of only the rows the fast one
left NULL: writing ``coalesce(fast, slow)`` in one projection looks lazy, but DuckDB's
common-subexpression pass hoists the slow parse's repeated parts and runs them on every row
(measured: 19 s instead of 2 s for 1M bids).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .schema import Column
from .sqltext import lit

#: Characters trimmed around every cell: ASCII whitespace, ideographic space, NBSP, BOM.
#: trimmed off every cell: spaces, the BOM, and the zero-width characters copied from web pages (C02\u200b)
WHITESPACE = " \t\r\n\u3000\u00a0\ufeff\u200b\u200c\u200d\u2060"

_FULL_WIDTH = "０１２３４５６７８９．－＋：／"
_HALF_WIDTH = "0123456789.-+:/"

#: TENDER_MODE codes of the 公共资源交易平台数据规范 (GGZY) that name a procedure of the contract
PLATFORM_PROCEDURE_CODES = {"open": "1", "invited": "2"}

# Accepted spellings beyond the contract's code and word (and the parts of a word written A/B).
ENUM_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "procedure": {"negotiated": ("竞争性磋商", "竞争性谈判/竞争性磋商", "竞争性谈判采购", "竞争性磋商采购"),
                  "single_source": ("单一来源采购",), "inquiry": ("询价采购",),
                  # as a 开标记录表 or a clerk writes them, and the codes of the 公共资源交易平台数据规范's TENDER_MODE
                  # (招标方式代码): 1 公开招标, 2 邀请招标 (its 9 其他 names no procedure of the contract: a problem)
                  "open": (PLATFORM_PROCEDURE_CODES["open"], "公开", "公开招标（资格后审）", "公开招标(资格后审)",
                           "公开招标（资格预审）", "公开招标(资格预审)"),
                  "invited": ("邀请", PLATFORM_PROCEDURE_CODES["invited"])},
    # 合理低价法 (the price nearest a computed benchmark wins) is not the lowest price: other
    # 评定分离 (a 定标委员会 chooses among the evaluators' candidates) is no price rule either: other
    "award_method": {"lowest_price": ("经评审最低投标价法", "最低投标价法", "最低评标价法", "最低价中标", "最低价法"),
                     "comprehensive": ("综合评分法", "综合评标法", "综合评审法"),
                     "other": ("合理低价法", "经评审的合理低价法", "评定分离")},
    "category": {"works": ("工程施工", "施工", "工程", "施工总承包", "工程总承包", "专业承包", "施工类", "工程类"),
                 "goods": ("货物采购", "货物类", "设备采购", "材料采购"),
                 "services": ("监理", "勘察", "设计", "勘察设计", "服务类", "服务采购")},
    # a 开标记录's 资格审查/符合性审查 column: 合格, 通过 / 不合格, 未通过 (a reason in brackets after it goes to
    # disqualify_reason: contract.stage.status_reasons)
    "status": {"valid": ("有效标", "有效投标", "合格", "通过"),
               "disqualified": ("否决投标", "被否决", "否决", "无效标", "无效投标", "废标", "无效", "不合格", "未通过",
                                "未通过资格审查", "未通过符合性审查", "未通过初步评审", "否决其投标"),
               "withdrawn": ("撤回投标", "撤标")},
    # a 信用 platform's measure as a 处罚决定 words it: a suspension or removal of the right to bid is a debarment
    "measure": {"debarment": ("暂停投标资格", "取消投标资格", "禁止参加投标", "限制投标", "禁止投标资格",
                              "取消参加依法必须进行招标的项目的投标资格")},
}

BOOL_TRUE = ("true", "1", "是", "y", "yes", "t", "√", "✓", "✔")
BOOL_FALSE = ("false", "0", "否", "n", "no", "f", "×", "✗", "✘")

_NUM = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
# 人民币 may also follow the amount (全国公共资源交易平台's 采购合同: ``28.38万元 人民币``)
# 人民币 (RMB) before the figure, after it or in brackets after its unit (``9.955万元（人民币）``, as 中国政府采购网 writes
# it); a colon after the currency sign or word (``￥:99,550.00元``, ``人民币：100万元``)
_MONEY_RE = (r"^(?:人民币|RMB|rmb)?[:：]?([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?(万元|万|元)?"
             r"(?:人民币|RMB|[(（](?:人民币|RMB)[)）])?$")
#: a number, with a per cent sign or the 分 of a score (85.5分)
_NUMBER_RE = rf"^({_NUM})(?:%|分)?$"
#: a rank as a candidates notice writes it: 第一中标候选人, 第2名, 第三, 一
_RANK_RE = r"^第?([0-9]+|[一二三四五六七八九十])(?:名|位)?(?:中标|成交)?(?:候选人|候选供应商)?$"
_DATE_RE = r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?$"
_DATE8_RE = r"^([0-9]{4})([0-9]{2})([0-9]{2})$"
#: the 公共资源交易平台数据规范's time, yyyyMMddHHmmss (20260914090000): read only where it is a valid date and time, so
#: that another 14-digit number stays a problem
_STAMP14_RE = r"^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$"
# A time of day as clerks write it: ``18:00``, ``18:00:05.5``, ``18时``, ``18时00分``, ``9点30分``,
# ``18时00分00秒``, zero-padded or not, optionally followed by 整 ("on the hour").  Groups: hour,
# minute, second, fraction.
_TIME = (r"([0-9]{1,2})\s*(?:[:时点]\s*([0-9]{1,2})\s*(?:[:分]\s*(?:([0-9]{1,2})(?:\.([0-9]+))?\s*秒?)?)?|[时点])"
         r"\s*整?")
_TIME_NOGROUP = re.sub(r"\((?!\?)", "(?:", _TIME)
# Between date and time: ``T`` or spaces, or nothing after 日 (``2025年6月13日18时``).
_DATE_TIME_SEP = r"(?:日?(?:[Tt]|\s+)|日\s*)"
# A date column also takes a timestamp (exports from Excel add 00:00:00); the time is dropped
# (with 日 when the time follows it directly: the date then ends in 月D, which _DATE_RE takes).
_DATE_TIME_TAIL = rf"(?:(?:[Tt]|\s+)(?:上午|下午|晚上|中午)?\s*{_TIME_NOGROUP}|日\s*(?:上午|下午|晚上|中午)?\s*{_TIME_NOGROUP})?"
# 上午/下午 before the time: 2024年3月26日上午9:30, 下午2:30 (a 12-hour clock, as notices write it)
_HALF_DAY = r"(上午|下午|晚上|中午)?\s*"
_TS_RE = (
    r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})"
    rf"(?:(?:{_DATE_TIME_SEP}{_HALF_DAY}|(上午|下午|晚上|中午)\s*){_TIME}\s*([AaPp][Mm])?|\s*日)?"
    r"\s*([Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?$"
)


#: a cell that begins or ends with whitespace: the only ones trimmed (:func:`trimmed`)
_PADDED_RE = f"^[{WHITESPACE}]|[{WHITESPACE}]$"


def trimmed(c: str) -> str:
    """Trimmed text, empty -> NULL.

    ``trim(c, chars)`` costs ~10x a byte test, so it only runs on a cell that begins or ends with whitespace. The
    test is one anchored RE2 match: measured on 1M bids' 9M bill lines, 0.93 s for two columns against 1.51 s for
    the first character's ``ascii`` and twelve ``ends_with`` it replaced (0.34 s untouched, 3.6 s trimming all);
    on the longer text of tenders and bid files too (0.56 against 0.74 s, 0.77 against 0.91 s).
    """
    return f"nullif(CASE WHEN regexp_matches({c}, {lit(_PADDED_RE)}) THEN trim({c}, {lit(WHITESPACE)}) ELSE {c} END, '')"


def _half_width(t: str) -> str:
    return f"translate({t}, {lit(_FULL_WIDTH)}, {lit(_HALF_WIDTH)})"


#: what :func:`_compact` removes: thousands separators, spaces, line breaks (a scraped cell: ``60\\n万元``), signs
_COMPACT_DROP = ",， ¥￥" + chr(0x3000) + chr(10) + chr(13) + chr(9) + "\u2009\u2007\u202f\u00a0"  # thin/figure spaces group digits


#: the separators :func:`_compact` drops between digits: a comma or a space groups thousands (1,234,500 and 1 234 500),
#: so one that is followed by other than three digits, or stands after the decimal point, is no thousands separator
#: (``90,5`` a decimal comma, ``12,34`` a slip, ``1.234,56`` a European amount): the cell is refused, never read as 905
_GROUPING_SEPARATORS = ",， \u3000\u00a0\u2009\u2007\u202f"
_BAD_GROUPING_RE = (rf"[0-9][{_GROUPING_SEPARATORS}](?:[0-9]{{1,2}}|[0-9]{{4,}})(?:[^0-9]|$)"
                    rf"|\.[0-9]+[{_GROUPING_SEPARATORS}][0-9]")


#: a money cell as Excel writes a number it displays in scientific notation (a column too narrow, or a cell formatted
#: 0.00E+00) into a CSV or a text cell: 5.05E+06 keeps three significant digits of 5,052,000. The digits cannot be
#: recovered, and two bids rounded alike would read as identical prices: refused (:data:`EXCEL_SCIENTIFIC_MONEY`), as
#: Excel's mangled ids are. Only Excel's spelling (upper-case E, a sign, two exponent digits): 1e+16 or 1.2345678E7
#: written by a program are exact and read.
EXCEL_SCIENTIFIC_RE = r"^[+-]?[0-9](?:[.][0-9]{1,6})?E[+][0-9]{2}$"
EXCEL_SCIENTIFIC_PY = re.compile(EXCEL_SCIENTIFIC_RE)


def _compact(t: str) -> str:
    """Full-width digits to ASCII; thousands separators, spaces, line breaks and currency signs removed; NULL where a
    separator between digits groups no thousands (:data:`_BAD_GROUPING_RE`)."""
    half = _half_width(t)
    return f"CASE WHEN regexp_matches({half}, {lit(_BAD_GROUPING_RE)}) THEN NULL ELSE translate({half}, {lit(_COMPACT_DROP)}, '') END"


_MONEY_PY = re.compile(_MONEY_RE)
_COMPACT_PY = str.maketrans(_FULL_WIDTH, _HALF_WIDTH, _COMPACT_DROP)
_HALF_WIDTH_PY = str.maketrans(_FULL_WIDTH, _HALF_WIDTH)
_BAD_GROUPING_PY = re.compile(_BAD_GROUPING_RE)


#: a qualifier in brackets after an amount that does not change it (``1,234,500.00元（含税）``), and a unit in brackets
#: (``1234500.00（元）``): the first dropped, the second unbracketed before the grammar reads the cell. Only these: a
#: number in brackets, (1,234.00), is an accountant's negative and stays refused
_MONEY_QUALIFIER_RE = r"[(（](?:含税|不含税|含增值税|含暂列金额|含安全文明施工费|小写|(?:含|其中|包括|包含)[^（）()]*)[)）]$"
_MONEY_BRACKET_UNIT_RE = r"[(（](万元|元)[)）]"
_MONEY_QUALIFIER_PY = re.compile(_MONEY_QUALIFIER_RE)
_MONEY_BRACKET_UNIT_PY = re.compile(_MONEY_BRACKET_UNIT_RE)


#: what a money cell copied from a notice may begin with: the figure's name and a colon (中标价：1234500元,
#: 最高投标限价：150万元), besides the column's own headers (:func:`_without_label`)
MONEY_LABELS = ("最高投标限价", "招标控制价", "控制价", "最高限价", "拦标价", "中标价", "中标金额", "中标价格", "成交价",
                "成交金额", "投标报价", "投标价", "投标总价", "报价", "合同金额", "合同价", "估算价", "金额", "价格", "总价",
                "合计", "小写")


def _without_label(t: str, column: Column) -> str:
    """The cell ``t`` without a leading label and colon where the label names a money figure (:data:`MONEY_LABELS`,
    the column's Chinese header and aliases): ``中标价：1234500元`` is 1234500元. Any other text before a colon stays
    (``暂定：…`` is no amount)."""
    # plain words only (a header with brackets or spaces is no label a notice writes, and its escapes are not RE2's)
    words = (*MONEY_LABELS, column.zh, *column.aliases)
    names = sorted({n for n in words if n and not n.isascii() and re.escape(n) == n}, key=len, reverse=True)
    label = "^(?:" + "|".join(names) + r")\s*[:：]\s*"
    return f"CASE WHEN contains({t}, '：') OR contains({t}, ':') THEN regexp_replace({t}, {lit(label)}, '') ELSE {t} END"


def _money_text(t: str) -> str:
    """The compacted cell (:func:`_compact`) without a qualifier and with its unit unbracketed: what the grammar reads;
    NULL for Excel's scientific display (:data:`EXCEL_SCIENTIFIC_RE`)."""
    return (f"CASE WHEN contains({t}, 'E+') AND regexp_matches(trim({t}), {lit(EXCEL_SCIENTIFIC_RE)}) THEN NULL ELSE "
            f"regexp_replace(regexp_replace({_compact(t)}, {lit(_MONEY_QUALIFIER_RE)}, ''), "
            f"{lit(_MONEY_BRACKET_UNIT_RE)}, '\\1') END")


def _money_match(text: str) -> re.Match[str] | None:
    """The loader's money grammar (:func:`money_parts`) on ``text`` in Python: the match where it reads an amount."""
    stripped = text.strip(WHITESPACE)
    if _BAD_GROUPING_PY.search(stripped.translate(_HALF_WIDTH_PY)) or EXCEL_SCIENTIFIC_PY.match(stripped):
        return None
    compact = _MONEY_QUALIFIER_PY.sub("", stripped.translate(_COMPACT_PY))
    m = _MONEY_PY.match(_MONEY_BRACKET_UNIT_PY.sub(r"\1", compact))
    return m if m and (m.group(2) or m.group(3)) else None


def money_like(text: str) -> bool:
    """Whether the loader reads ``text`` as an amount, for a writer that must not pass it a cell it would refuse
    (``bidwatch notices``: ``未提供``, ``/``, ``详见附件``)."""
    return _money_match(text) is not None


def money_decimal(text: str | None, default_wan: bool = False) -> Decimal | None:
    """The loader's reading of ``text`` (:func:`money_parts`) as an exact Decimal of yuan, or None where the loader
    would refuse it: for a writer that computes with the amount before the loader reads it (``bidwatch notices``:
    ceiling × (1 − 下浮率), to the fen). ``default_wan``: a bare number is in 万元."""
    m = _money_match(text) if text is not None else None
    if m is None:
        return None
    sign, whole, frac, exp, unit = m.groups()
    try:
        amount = Decimal(f"{sign}{whole or '0'}.{frac or '0'}e{exp or '0'}")
    except InvalidOperation:
        return None
    wan = unit.startswith("万") if unit else default_wan
    return amount.scaleb(4) if wan else amount


def _finite(x: str) -> str:
    # '1e999' parses to inf and try_cast takes 'nan'.
    return f"CASE WHEN isfinite({x}) THEN {x} END"


# --------------------------------------------------------------------------- fast parses


def fast_sql(column: Column, t: str, default_wan: bool = False) -> str:
    """The canonical spelling only (NULL otherwise); cheap enough for 10M rows."""
    kind = column.kind
    if kind == "money":
        # A bare number under a (万元) header must be shifted exactly: the slow parse does it.
        # Excel's scientific display (5.05E+06) goes to the slow parse, which refuses it
        return ("CAST(NULL AS DOUBLE)" if default_wan else
                f"CASE WHEN NOT contains({t}, 'E+') THEN {_finite(f'try_cast({t} AS DOUBLE)')} END")
    if kind == "number":
        return _finite(f"try_cast({t} AS DOUBLE)")
    if kind == "integer":
        # try_cast('3.5' AS BIGINT) rounds, so only text without a point takes the direct cast.
        return f"CASE WHEN NOT contains({t}, '.') THEN try_cast({t} AS BIGINT) END"
    if kind == "date":
        # DuckDB's cast takes YYYY-MM-DD and YYYY/MM/DD but also 5-digit years: require 4.
        iso_like = f"length({t}) = 10 AND substr({t}, 5, 1) IN ('-', '/')"
        return f"CASE WHEN {iso_like} THEN try_cast({t} AS DATE) END"
    if kind == "timestamp":
        # DuckDB's TIMESTAMP cast drops an offset instead of applying it: only offset-free text
        # (no '+', no 'Z', no '-' after the date) takes it.
        plain = (f"length({t}) BETWEEN 10 AND 26 AND substr({t}, 5, 1) IN ('-', '/') "
                 f"AND strpos({t}, '+') = 0 AND strpos(substr({t}, 9), '-') = 0 "
                 f"AND NOT ends_with({t}, 'Z') AND NOT ends_with({t}, 'z') "
                 # the cast ignores a 12-hour clock's AM/PM (2:30 PM read as 02:30): the slow parse reads it
                 f"AND NOT ends_with(upper({t}), 'M')")
        return f"CASE WHEN {plain} THEN try_cast({t} AS TIMESTAMP) END"
    if kind == "bool":
        return (f"CASE {t} WHEN 'true' THEN true WHEN 'false' THEN false "
                f"WHEN '1' THEN true WHEN '0' THEN false END")
    if kind == "enum":
        assert column.enum is not None
        return "CASE " + t + " " + " ".join(f"WHEN {lit(c)} THEN {lit(c)}" for c in column.enum) + " END"
    if column.name == "uscc":
        # as clerks copy it: 913411 00MA2M XT3B7X, 91-341124-…, full-width, an export's leading apostrophe
        return f"upper(translate({unwrap_formula_text_sql(t)}, {lit(USCC_FROM)}, {lit(USCC_TO)}))"
    if column.name == "mac":
        return mac_sql(t)
    if column.name == "text_path":
        return normalized_path_sql(t)
    if kind == "id":
        return unwrap_formula_text_sql(t)
    return t


def unwrap_formula_text_sql(t: str) -> str:
    """An id as Excel's CSV export writes a number kept as text: ``="913411001234567891"`` is 913411001234567891."""
    return f"CASE WHEN {t} LIKE '=\"%\"' THEN substr({t}, 3, length({t}) - 3) ELSE {t} END"


def excel_text_sql(t: str) -> str:
    """A value Excel was told to keep as text, as an export writes it: ``'2024-04-20`` (the apostrophe prefix, also
    typed as ‘ or ’ by a Chinese input method) and ``="2024-04-20"`` (the formula form) are 2024-04-20. Applied to the
    cells the fast parse could not read (:func:`bidwatch.contract.stage.slow_pass`): dates, amounts, counts,
    enumerations; an apostrophe anywhere else in the cell is left for the parse to refuse."""
    bare = f"CASE WHEN ascii({t}) IN (39, 8216, 8217) THEN substr({t}, 2) ELSE {t} END"
    return f"nullif(trim({unwrap_formula_text_sql(bare)}, {lit(WHITESPACE)}), '')"


#: what a credit code loses before its check (spaces, hyphens, apostrophes) and the full-width forms it is read in
USCC_FROM = "".join(chr(0xFF10 + i) for i in range(10)) + "".join(chr(0xFF21 + i) for i in range(26)) + \
    "".join(chr(0xFF41 + i) for i in range(26)) + " -－\u3000'’"
USCC_TO = "0123456789" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz"


def needs_slow_pass(column: Column) -> bool:
    return column.kind in ("money", "number", "integer", "date", "timestamp", "bool", "enum")


# --------------------------------------------------------------------------- slow parses

#: A slow parse: named intermediate values, each computed in its own projection from the
#: previous ones (so a regex is evaluated once and the SQL stays small), then the final value.
SlowParse = tuple[list[tuple[str, str]], str]


def slow_parts(column: Column, t: str, default_wan: bool = False) -> SlowParse:
    """Every accepted spelling of the column's kind, from the trimmed text column ``t``."""
    kind = column.kind
    if kind == "money":
        return money_parts(_without_label(t, column), default_wan)
    if kind in ("number", "integer"):
        n = f"try_cast(nullif(regexp_extract({_compact(t)}, {lit(_NUMBER_RE)}, 1), '') AS DOUBLE)"
        if kind == "number":
            return [("__n", n)], _finite("__n")
        whole = "isfinite(__n) AND __n = trunc(__n) AND abs(__n) < 9.0e15"
        integer = f"CASE WHEN {whole} THEN CAST(__n AS BIGINT) END"
        if column.name != "rank":
            return [("__n", n)], integer
        # a rank also as a candidates notice writes it: 第一中标候选人, 第2名, 第三
        ordinal = f"regexp_extract({_compact(t)}, {lit(_RANK_RE)}, 1)"
        digits = " ".join(f"WHEN {lit(zh)} THEN {i}" for i, zh in enumerate("一二三四五六七八九十", start=1))
        rank = (f"CASE WHEN regexp_matches(__o, '^[0-9]+$') THEN try_cast(__o AS BIGINT) "
                f"ELSE CASE __o {digits} END END")
        return [("__o", ordinal), ("__n", n)], f"coalesce({integer}, {rank})"
    if kind == "date":
        return date_parts(t)
    if kind == "timestamp":
        return timestamp_parts(t)
    if kind == "bool":
        return [], bool_sql(t)
    if kind == "enum":
        return [], enum_sql(t, column)
    return [], fast_sql(column, t, default_wan)


def money_parts(t: str, default_wan: bool = False) -> SlowParse:
    """Yuan as DOUBLE from ``1,234.50``, ``1234.5元``, ``123.45万元``, full-width digits, ``¥``.

    万 moves the decimal point 4 places (or adds 4 to an exponent) before the one cast, so
    ``123.45万元`` is exactly the double of ``1234500``.  ``default_wan``: the header said
    ``(万元)``, so a bare number is in 万元.
    """
    m = f"regexp_extract({_money_text(t)}, {lit(_MONEY_RE)}, ['sg', 'ip', 'fp', 'ex', 'unit'])"
    wan = "__m.unit <> '元'" if default_wan else "starts_with(__m.unit, '万')"
    ip = "CASE WHEN __m.ip = '' THEN '0' ELSE __m.ip END"
    frac4 = "(__m.fp || '0000')"
    shifted = f"__m.sg || {ip} || left({frac4}, 4) || '.' || substr({frac4}, 5) || '0'"
    exp_shifted = (f"__m.sg || {ip} || '.' || __m.fp || '0e' || "
                   f"CAST(try_cast(__m.ex AS INTEGER) + 4 AS VARCHAR)")
    plain = f"__m.sg || {ip} || '.' || __m.fp || '0' || CASE WHEN __m.ex = '' THEN '' ELSE 'e' || __m.ex END"
    value = (
        f"CASE WHEN __m.ip = '' AND __m.fp = '' THEN NULL "
        f"WHEN NOT ({wan}) THEN try_cast({plain} AS DOUBLE) "
        f"WHEN __m.ex = '' THEN try_cast({shifted} AS DOUBLE) "
        f"ELSE try_cast({exp_shifted} AS DOUBLE) END"
    )
    return [("__m", m), ("__v", value)], _finite("__v")


#: what a notice writes beside a date or time that is no part of it: the day of the week (（星期五）, 周六, 礼拜天) and the
#: time zone in words (（北京时间）); dropped before the parse, the weekday checked against the date afterwards
#: (:func:`bidwatch.contract.validate.weekday_notices`)
WEEKDAY_RE = r"(?:星期|礼拜|周)([一二三四五六日天七])"
_DATE_NOTES_RE = rf"[（(]\s*{WEEKDAY_RE}\s*[)）]|{WEEKDAY_RE}|[（(]\s*北京时间\s*[)）]|北京时间"


def _without_notes(t: str) -> str:
    """``t`` without a weekday or 北京时间 (:data:`_DATE_NOTES_RE`), only where the cell holds one of their words."""
    return (f"CASE WHEN regexp_matches({t}, '[星礼周京]') THEN regexp_replace({t}, {lit(_DATE_NOTES_RE)}, ' ', 'g') "
            f"ELSE {t} END")


def date_parts(t: str) -> SlowParse:
    """DATE from YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日, YYYYMMDD (+ an ignored time, weekday, 北京时间)."""
    # a period's end as a notice writes it: 至2025年12月31日, 截至2025年12月31日
    bare = f"regexp_replace({_without_notes(_half_width(t))}, '^(?:截至|截止|至|到)\\s*', '')"
    body = f"trim(regexp_replace({bare}, {lit(_DATE_TIME_TAIL + '$')}, ''))"

    def cast(s: str) -> str:
        return f"try_cast({s}.y || '-' || lpad({s}.m, 2, '0') || '-' || lpad({s}.d, 2, '0') AS DATE)"

    ymd = f"regexp_extract(__body, {lit(_DATE_RE)}, ['y', 'm', 'd'])"
    ymd8 = f"regexp_extract(__body, {lit(_DATE8_RE)}, ['y', 'm', 'd'])"
    # yyyyMMddHHmmss: the date of a valid timestamp (20260914250000 is no time, so no date either)
    stamp = f"CAST({_stamp14_sql('__body')} AS DATE)"
    return ([("__body", body), ("__a", ymd), ("__b", ymd8)],
            f"coalesce({cast('__a')}, {cast('__b')}, {stamp})")


def _stamp14_sql(t: str) -> str:
    """TIMESTAMP of a 14-digit yyyyMMddHHmmss cell (the 公共资源交易平台数据规范's times), NULL for anything else or an
    impossible date or time."""
    g = f"regexp_extract({t}, {lit(_STAMP14_RE)}, ['y', 'mo', 'd', 'h', 'mi', 's'])"
    text = f"{g}.y || '-' || {g}.mo || '-' || {g}.d || ' ' || {g}.h || ':' || {g}.mi || ':' || {g}.s"
    return f"CASE WHEN regexp_matches({t}, {lit(_STAMP14_RE)}) THEN try_cast({text} AS TIMESTAMP) END"


def timestamp_parts(t: str) -> SlowParse:
    """Naive TIMESTAMP in Asia/Shanghai local time; an explicit offset (``Z``, ``+00:00``) is converted; a weekday
    and 北京时间 written beside are dropped."""
    cell = f"trim(regexp_replace({_without_notes(_half_width(t))}, '\\s+', ' ', 'g'))"
    g = f"regexp_extract({cell}, {lit(_TS_RE)}, ['y', 'mo', 'd', 'ap', 'ap2', 'h', 'mi', 's', 'f', 'ampm', 'tz'])"

    def p2(x: str) -> str:
        return f"lpad(coalesce(nullif(__g.{x}, ''), '00'), 2, '0')"

    # 下午2:30 is 14:30; 下午12:30 stays 12:30 (noon), 中午1点 is 13:00
    # 2:30 PM is 14:30, 12:05 AM is 00:05; a 12-hour clock past 12 (13:30 PM) is no time
    hour = (f"CASE WHEN ((__g.ap || __g.ap2) IN ('下午', '晚上', '中午') OR upper(__g.ampm) = 'PM') "
            f"AND try_cast(__g.h AS INTEGER) < 12 THEN CAST(try_cast(__g.h AS INTEGER) + 12 AS VARCHAR) "
            f"WHEN upper(__g.ampm) = 'AM' AND try_cast(__g.h AS INTEGER) = 12 THEN '00' "
            f"WHEN __g.ampm <> '' AND try_cast(__g.h AS INTEGER) > 12 THEN '99' ELSE {p2('h')} END")
    base = (
        f"__g.y || '-' || {p2('mo')} || '-' || {p2('d')} || ' ' || {hour} || ':' || {p2('mi')}"
        f" || ':' || {p2('s')} || '.' || rpad(left(__g.f, 6), 6, '0')"
    )
    offset = (
        "CASE WHEN upper(__g.tz) = 'Z' THEN '+00:00' WHEN length(replace(__g.tz, ':', '')) = 3 "
        "THEN __g.tz || ':00' ELSE left(__g.tz, 3) || ':' || right(replace(__g.tz, ':', ''), 2) END"
    )
    value = (
        f"CASE WHEN __g.y = '' THEN NULL WHEN __g.tz = '' THEN try_cast({base} AS TIMESTAMP) "
        f"ELSE timezone('Asia/Shanghai', try_cast({base} || {offset} AS TIMESTAMPTZ)) END"
    )
    # yyyyMMddHHmmss (20260912100000) and yyyyMMdd (20260912: midnight), as the 公共资源交易平台数据规范 writes them
    ymd8 = f"regexp_extract({_half_width(t)}, {lit(_DATE8_RE)}, ['y', 'm', 'd'])"
    date8 = f"try_cast(__d8.y || '-' || __d8.m || '-' || __d8.d AS TIMESTAMP)"
    return [("__g", g), ("__d8", ymd8)], f"coalesce({value}, {_stamp14_sql(_half_width(t))}, {date8})"


def layered_select(parts: SlowParse, source: str, keep: str) -> str:
    """``SELECT keep, <value> AS __value FROM source`` with one projection per intermediate."""
    prep, value = parts
    sql = source
    for name, expr in prep:
        sql = f"SELECT *, {expr} AS {name} FROM ({sql})"
    return f"SELECT {keep}, {value} AS __value FROM ({sql})"


def bool_sql(t: str) -> str:
    k = f"lower({t})"
    yes = " ".join(f"WHEN {lit(v)} THEN true" for v in BOOL_TRUE)
    no = " ".join(f"WHEN {lit(v)} THEN false" for v in BOOL_FALSE)
    return f"CASE {k} {yes} {no} END"


def enum_key(text: str) -> str:
    """Python twin of the SQL key: case, spaces, ``_`` and ``-`` ignored."""
    return re.sub(r"[\s_\-\u3000]+", "", text).lower()


def enum_lookup(column: Column) -> dict[str, str]:
    """Every accepted spelling (normalised by :func:`enum_key`) -> canonical English code."""
    assert column.enum is not None
    out: dict[str, str] = {}
    for code, word in column.enum.items():
        spellings = [code, word, *word.split("/"), *ENUM_SYNONYMS.get(column.name, {}).get(code, ())]
        for s in spellings:
            out.setdefault(enum_key(s), code)
    return out


#: a note in brackets after an enumeration's value (否决（资格不符）, 综合评估法（技术标暗标）): not part of the value
ENUM_NOTE_RE = r"\s*[（(]([^（）()]*)[)）]$"


def enum_sql(t: str, column: Column) -> str:
    """The code of an enumeration's cell ``t`` by every accepted spelling (:func:`enum_lookup`), a note in brackets
    after it (:data:`ENUM_NOTE_RE`) set aside; NULL where it names none."""
    bare = f"CASE WHEN ends_with({t}, ')') OR ends_with({t}, '）') THEN regexp_replace({t}, {lit(ENUM_NOTE_RE)}, '') ELSE {t} END"
    key = f"translate(lower({bare}), {lit(' _-' + chr(0x3000))}, '')"
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in enum_lookup(column).items())
    return f"CASE {key} {whens} END"


def mac_sql(t: str) -> str:
    """A MAC in any common notation -> ``AA:BB:CC:DD:EE:FF``; anything else kept as written."""
    hexes = f"upper(translate({t}, '-:. ', ''))"
    # six substrings joined: a list comprehension here cost 5 s of the 1M-bid load (a lambda per cell)
    pretty = "concat_ws(':', " + ", ".join(f"substr({hexes}, {i}, 2)" for i in range(1, 13, 2)) + ")"
    return f"CASE WHEN regexp_full_match({hexes}, '[0-9A-F]{{12}}') THEN {pretty} ELSE {t} END"


USCC_PATTERN = "[0-9A-HJ-NP-RTUWXY]{18}"


def uscc_check_sql(u: str) -> str:
    """TRUE when the 18th character of ``u`` is its GB 32100-2015 check character (portable SQL:
    the Spark loader uses it through SQLGlot)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = " + ".join(
        f"(strpos({lit(alphabet)}, substr({u}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(weights)
    )
    check = f"substr({lit(alphabet)}, CAST((31 - ({total}) % 31) % 31 AS INTEGER) + 1, 1)"
    return f"substr({u}, 18, 1) = {check}"


def uscc_valid_sql(u: str) -> str:
    """TRUE when ``u`` is an 18-character USCC with a correct GB 32100-2015 check character.

    Portable like :func:`uscc_check_sql` (validation rules are transpiled for Spark): an anchored
    ``regexp_matches``, since ``regexp_full_match`` has no Spark twin. ``u`` is trimmed, so ``$`` (which
    in Java also matches before a final line break) means the end of the text on both engines."""
    return f"(regexp_matches({u}, '^{USCC_PATTERN}$') AND {uscc_check_sql(u)})"


def uscc_valid(code: str) -> bool:
    """The loader's USCC rule (:func:`uscc_valid_sql`, evaluated by DuckDB) for one code, for forms
    that check a code as it is typed. Pass the code trimmed and upper-cased, as the loader stages it."""
    import duckdb

    con = duckdb.connect()
    try:
        row = con.execute(f"SELECT {uscc_valid_sql(lit(code))}").fetchone()
    finally:
        con.close()
    return bool(row and row[0])


def normalized_path_sql(t: str) -> str:
    """Relative path with ``/`` separators and no leading ``./``."""
    return f"regexp_replace(replace({t}, '\\', '/'), '^(\\./)+', '')"
