"""Amounts written in words (大写金额: 壹佰贰拾叁万肆仟伍佰元整), as a 开标记录表 or 投标函 gives a price beside its figure.

《评标委员会和评标方法暂行规定》第十九条: 投标文件中的大写金额与小写金额不一致的，以大写金额为准. The loader therefore

- reads a money cell written in words where the figure is missing or is itself written in words (:func:`words_amount`,
  registered in DuckDB as ``bw_words_amount`` and tried last by the slow parse, on the cells nothing else read);
- checks a figure against the amount in words of the same row where a sheet gives both (``投标报价（大写）`` beside
  ``投标报价（小写）``): where they differ the amount in words stands, with a notice naming the row and both values
  (:func:`check_words_columns`); an amount in words it cannot read is a notice too (the figure stands, unchecked).

The grammar: an optional 人民币/RMB/￥ and colon; digits 零〇壹贰叁肆伍陆柒捌玖 (and 一二三四五六七八九, 两); units 拾佰仟 (十百千)
within a section, 万 and 亿 between sections (萬, 億, 圆 as written in traditional forms); 元/圆 then 角 and 分; a final
整 or 正. Anything else — two digits without a unit between them, a unit twice, a stray character — is no amount (None):
an amount in words is read exactly or not at all.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import duckdb

from .problems import Problem
from .sqltext import ident

_DIGITS = {"零": 0, "〇": 0, "壹": 1, "一": 1, "贰": 2, "貳": 2, "二": 2, "两": 2, "叁": 3, "參": 3, "三": 3, "肆": 4,
           "四": 4, "伍": 5, "五": 5, "陆": 6, "陸": 6, "六": 6, "柒": 7, "七": 7, "捌": 8, "八": 8, "玖": 9, "九": 9}
_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_SECTIONS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_LEAD = re.compile(r"^(?:人民币|RMB|rmb|[¥￥])?\s*[:：]?\s*")
_SPACES = re.compile(r"[\s\u3000]+")

#: what a header says of a column that holds an amount in words: 投标报价（大写）, 大写金额, 投标总价·大写
WORDS_HEADER = re.compile(r"大写")
#: the header of the figure it goes with, once the word is taken out: 投标报价（大写） → 投标报价
_WORDS_QUALIFIER = re.compile(r"\s*(?:[（(]\s*大写\s*[）)]|[·・]\s*大写|大写)\s*")


def figure_header(header: str) -> str | None:
    """The header of the figure an amount-in-words column goes with (``投标报价（大写）`` → ``投标报价``), or None when
    ``header`` does not name an amount in words."""
    if not WORDS_HEADER.search(header):
        return None
    rest = _WORDS_QUALIFIER.sub("", header).strip()
    return rest or None


def _integer(text: str) -> int | None:
    """The whole yuan of 壹佰贰拾叁万肆仟伍佰 (no 元): sections joined by 万 and 亿, each of digits with 仟佰拾."""
    total = section = 0
    digit: int | None = None  # the digit waiting for its unit
    last_unit = 10**5  # units fall within a section: 仟 then 佰 then 拾
    wan_done = False  # 万 closes the section below 亿 once
    for ch in text:
        if ch in _DIGITS:
            d = _DIGITS[ch]
            if d == 0:
                if digit is not None:
                    return None  # 伍零: a digit left without its unit
                continue  # 零 marks a skipped place
            if digit is not None:
                return None  # 壹贰: two digits without a unit
            digit = d
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= last_unit:
                return None  # 佰仟, 拾拾: units out of order
            if digit is None:
                if unit != 10 or section or total:
                    return None  # 佰 without its digit (拾 alone opens an amount: 拾万 = 100,000)
                digit = 1
            section += digit * unit
            digit, last_unit = None, unit
        elif ch in _SECTIONS:
            part = section + (digit or 0)
            if _SECTIONS[ch] == 10**8:
                if not part and not total:
                    return None
                total, wan_done = (total + part) * 10**8, False
            else:
                if wan_done or not part:
                    return None  # 万万, or 万 without its digits
                total, wan_done = total + part * 10**4, True
            section, digit, last_unit = 0, None, 10**5
        else:
            return None
    return total + section + (digit or 0)


#: words and figure in one cell, as a 中标公告 writes a price: 人民币壹佰万元整（¥1,000,000.00）, ¥1,000,000.00（大写：壹佰万元整）
_WORDS_THEN_FIGURE = re.compile(r"^(.+?)[（(]\s*(?:小写\s*[:：]?)?\s*([^（）()]+?)\s*[)）]$")
_FIGURE_THEN_WORDS = re.compile(r"^([^（）()]+?)\s*[（(]\s*(?:大写\s*[:：]?)?\s*([^（）()]+?)\s*[)）]$")


@lru_cache(maxsize=65536)
def words_and_figure(text: str | None) -> tuple[float, float] | None:
    """(the amount in words, the figure) of a cell that gives both, one in brackets after the other; None otherwise
    (either part that is no amount: 壹佰万元整（见附件）)."""
    from .values import money_decimal

    if not text or not re.search(r"[（(]", text):
        return None
    t = str(text).strip()
    for pattern, words_first in ((_WORDS_THEN_FIGURE, True), (_FIGURE_THEN_WORDS, False)):
        m = pattern.match(t)
        if m is None:
            continue
        words, figure = (m.group(1), m.group(2)) if words_first else (m.group(2), m.group(1))
        value, number = _plain_words_amount(words), money_decimal(figure)
        if value is not None and number is not None:
            return value, float(number)
    return None


@lru_cache(maxsize=65536)
def words_amount(text: str | None) -> float | None:
    """Yuan of an amount written in words (``壹佰贰拾叁万肆仟伍佰元整`` → 1234500.0; ``人民币伍拾万零叁佰元伍角`` →
    500300.5), or None where the text is no such amount. A cell giving the words and the figure
    (:func:`words_and_figure`) is read by its words (第十九条: the amount in words stands)."""
    plain = _plain_words_amount(text)
    if plain is not None:
        return plain
    both = words_and_figure(text)
    return both[0] if both else None


def words_conflict(text: str | None) -> str | None:
    """``figure ≠ words`` (both in yuan) where a cell gives both and they differ by a fen or more, else None."""
    both = words_and_figure(text)
    if both is None or abs(both[0] - both[1]) < 0.005:
        return None
    return f"{both[1]:,.2f} ≠ {both[0]:,.2f}"


def _plain_words_amount(text: str | None) -> float | None:
    if not text:
        return None
    t = _SPACES.sub("", _LEAD.sub("", str(text).strip()))
    if t.endswith(("整", "正")):
        t = t[:-1]
    if not t or not any(ch in _DIGITS or ch in _UNITS for ch in t):
        return None
    yuan_text, sep, cents_text = t.replace("圆", "元").partition("元")
    if not sep and not re.search(r"[角分]", t):
        return None  # no 元, 角 or 分: a count, not an amount (拾伍)
    if not sep:
        yuan_text, cents_text = "", t
    whole = _integer(yuan_text) if yuan_text else 0
    if whole is None:
        return None
    cents = 0
    m = re.fullmatch(r"零?(?:([零〇壹一贰貳二两叁參三肆四伍五陆陸六柒七捌八玖九])角)?零?(?:([壹一贰貳二两叁參三肆四伍五陆陸六柒七捌八玖九])分)?",
                     cents_text)
    if m is None:
        return None
    if m.group(1):
        cents += 10 * _DIGITS[m.group(1)]
    if m.group(2):
        cents += _DIGITS[m.group(2)]
    if not yuan_text and not cents:
        return None
    return float(Decimal(whole) + Decimal(cents) / 100)


def _udf(text: str) -> float | None:
    return words_amount(text)


def _conflict_udf(text: str) -> str | None:
    return words_conflict(text)


def ensure_words_function(con: duckdb.DuckDBPyConnection) -> None:
    """Register :func:`words_amount` as ``bw_words_amount(VARCHAR) -> DOUBLE`` and :func:`words_conflict` as
    ``bw_words_conflict(VARCHAR) -> VARCHAR`` on ``con`` (once per connection)."""
    try:
        con.create_function("bw_words_amount", _udf, ["VARCHAR"], "DOUBLE", null_handling="special",
                            side_effects=False)
        con.create_function("bw_words_conflict", _conflict_udf, ["VARCHAR"], "VARCHAR", null_handling="special",
                            side_effects=False)
    except duckdb.Error as exc:  # already there: a second load into the same connection
        if "already" not in str(exc):
            raise


#: the notice of a row whose amount in words and figure differ (the amount in words stands)
WORDS_DIFFER = ("大写金额与小写金额不一致，以大写金额为准（《评标委员会和评标方法暂行规定》第十九条） / the amount in words and "
                "the figure differ: the amount in words stands")
#: the notice of an amount in words the loader cannot read (the figure stands, unchecked)
WORDS_UNREAD = ("大写金额无法识别，未与小写金额核对，按小写金额读取 / the amount in words could not be read: the figure is "
                "kept, unchecked")
#: the notice of a row whose figure is empty and whose amount in words is read
WORDS_ONLY = ("小写金额为空，按大写金额读取 / the figure is empty: the amount in words is read")


def check_words_columns(con: duckdb.DuckDBPyConnection, table: str, pairs: dict[str, str]) -> list[Problem]:
    """Check each money column of ``table`` against its amount-in-words column (``pairs``: column → the staged extra
    column holding the words) row by row; where they differ or the figure is empty the amount in words is written in
    its place. Returns the notices (row, column, both values). Only the rows with words are read into Python."""
    notices: list[Problem] = []
    t = ident(table)
    for column, words_column in pairs.items():
        c, w = ident(column), ident(words_column)
        rows = con.execute(f"SELECT __row, {c}, CAST({w} AS VARCHAR) FROM {t} "
                           f"WHERE nullif(trim(CAST({w} AS VARCHAR)), '') IS NOT NULL ORDER BY __row").fetchall()
        fixes = []
        for row, figure, words in rows:
            value = words_amount(words.strip())
            if value is None:
                notices.append(Problem(table, int(row), column, words, WORDS_UNREAD))
            elif figure is None:
                fixes.append((row, value))
                notices.append(Problem(table, int(row), column, words, WORDS_ONLY))
            elif abs(float(figure) - value) >= 0.005:
                fixes.append((row, value))
                notices.append(Problem(table, int(row), column, f"{figure:,.2f} ≠ {words}（{value:,.2f}）",
                                       WORDS_DIFFER))
        if fixes:
            import pyarrow as pa

            view = f"__bidwatch_words_{table}"
            con.register(view, pa.table({"r": [int(r) for r, _ in fixes], "v": [v for _, v in fixes]}))
            try:
                con.execute(f"UPDATE {t} SET {c} = s.v FROM {ident(view)} s WHERE {t}.__row = s.r")
            finally:
                con.unregister(view)
    return notices
