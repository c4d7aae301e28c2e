"""Platform notices → contract tables: 中标候选人公示, 中标结果公告 and 开标记录 (``bidwatch notices``).

Public resource trading platforms (公共资源交易平台) publish, for each tender, the candidates
notice (中标候选人公示, 招标投标法实施条例 第54条: the first three candidates, at least 3 days) and
the result notice (中标结果公告).  Scraped or exported, they arrive as a flat table: one row per
candidate, with the project, the section, the tenderer, the agency, the rank, a price or a 下浮率,
and dates (or one row per notice with the candidates side by side: 第一中标候选人, 第一中标候选人
报价, …, read as one row per candidate).  That is not the contract's shape and it is not the whole
bid list, so this module:

* reads one export or several (files, and folders of them: a month's candidates and result notices in two files),
  merged as a workbook's sheets are, each row named in the log by its file (and sheet) and row; a web page saved as
  ``.xls`` (a platform's "导出Excel") is read as its tables (contract/htmltable.py);
* groups the rows into tenders: the 标段编号 when given, else a stable id from the project and
  section names (a numbered 标段 written one way: 第二标段 = （二标段） = 2标段), else from the notice title with the notice-type words removed, brackets of either width dropped and
  a numbered 标段 written one way (``XX工程（一标段）中标候选人公示``, ``XX工程(第1标段)中标公告`` and
  ``XX工程一标段中标结果公告`` are the same tender), so both notices of a tender meet and a re-import gives the same ids;
* reads a bid-opening record (开标记录: every bid read out, 法 第36条) as the whole bid list, ``all``, where its
  type or title, or the file's name or title row, says so (bidders and prices alone do not); one tender key opened on
  two dates is a re-tender (重新招标): each opening a tender of its own (the first keeps the key's id, a later one
  the id + ``-YYYYMMDD``), a candidates or result notice joining the latest opening on or before its date (none
  guessed without a date); a bidder read out twice with two prices is no bid, and the list no whole one (``none``);
* sets ``tenders.bid_list``: ``candidates`` when a candidates notice lists bidders (counting and
  comparing indicators must not judge a tender by its top three), ``none`` when only a result
  notice names the winner (no bids are made up for it);
* makes companies of candidates, winners and tenderers (id: the 统一社会信用代码 when given,
  else a stable id from the name; a code given to a second, other name stays the first's, and the second is a company
  of its own by its name, logged);
* keeps cells as written (dates, 万元, Chinese words are parsed by the contract loader, with its
  messages), but for a price in words (``人民币壹佰贰拾万元整（¥1,200,000.00）``: read as the loader reads it, words.py, and
  written as the figure; where words and figure disagree, not imported) and a name with its price in brackets
  (``甲公司（投标报价：235.00万元）``: split); a price given only as a rate (下浮率 5%) is not an amount: the candidate is listed in
  ``import_log.csv`` and left out of ``bids`` unless ``price_from_rate`` asks to compute
  最高投标限价 × (1 − 下浮率), which is then said on each such bid (column ``价格来源``);
* writes every row it could not use, and every choice it made, to ``import_log.csv``
  (``file,row,what``) — nothing is dropped silently.

The output folder is an ordinary dataset: ``bidwatch scan OUT`` reads it. The command writes nothing, and exits 2,
where an input cannot be read (a UTF-16 file is read; a damaged or renamed workbook is said so), where ``--out`` is a
file, an input's own folder or a folder of data files that is no earlier import
(:func:`unusable_out`), and where no tender could be imported (the reasons are then said on screen).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bidwatch.i18n import chinese_first as _

from .problems import Problem
from .schema import PRICE_UNIT_CODES
from .sources import _TITLE_UNIT_RE, HEADER_SEARCH_ROWS, first_line
from .textfiles import decode_text
from .trailers import cells_are_trailer
from .values import WHITESPACE, money_decimal, money_like, uscc_valid
from .words import words_amount, words_conflict

#: Input columns of a notices export -> accepted headers (matching ignores spaces and brackets).
NOTICE_COLUMNS: dict[str, tuple[str, ...]] = {
    "notice_no": ("公告编号", "公示编号", "公告号", "notice_no"),
    "notice_title": ("公告标题", "公示标题", "公告名称", "标题", "notice_title"),
    "notice_type": ("公告类型", "公示类型", "信息类型", "类型", "notice_type"),
    "project_id": ("项目编号", "招标项目编号", "TENDER_PROJECT_CODE", "project_id"),
    "project_name": ("项目名称", "招标项目名称", "工程名称", "TENDER_PROJECT_NAME", "project_name"),
    "tender_id": ("标段编号", "标段(包)编号", "标段号", "BID_SECTION_CODE", "tender_id"),
    # a lot of a 政府采购 notice (包号 1包, 分包号 2) is a tender of its own, as a 标段 is
    "section": ("标段名称", "标段(包)名称", "标段", "标段(包)", "包号", "分包号", "包件号", "标包", "分包", "包组", "采购包",
                "BID_SECTION_NAME", "section"),
    # 政府采购's notices name the tenderer 采购人 and its agency 采购代理机构
    "tenderer": ("招标人", "招标单位", "建设单位", "采购人", "采购单位", "采购人名称", "TENDERER_NAME", "tenderer"),
    "agency": ("招标代理机构", "招标代理", "代理机构", "招标机构", "采购代理机构", "TENDER_AGENCY_NAME", "agency"),
    "ceiling_price": ("最高投标限价", "招标控制价", "控制价", "最高限价", "CONTROL_PRICE", "ceiling_price"),
    "bid_bond": ("投标保证金", "投标保证金金额", "MARGIN_AMOUNT", "bid_bond"),
    "procedure": ("招标方式", "TENDER_MODE", "procedure"),
    # 评定分离 (深圳): the committee hands the tenderer its 定标候选人, the candidates of the notice
    "company": ("中标候选人", "候选人", "候选人名称", "中标候选人名称", "定标候选人", "定标候选人名称", "投标人",
                "投标人名称", "中标人", "中标单位", "中标人名称", "中标供应商", "成交供应商", "中标(成交)供应商",
                "中标供应商名称", "成交供应商名称", "供应商名称", "WIN_CANDIDATE_NAME", "WIN_BIDDER_NAME", "company"),
    "uscc": ("统一社会信用代码", "信用代码", "WIN_CANDIDATE_CODE", "WIN_BIDDER_CODE", "uscc"),
    # a code that may be the 统一社会信用代码 or a platform's own number: used as the uscc only where it is a valid one
    "company_code": ("候选人代码", "中标候选人代码", "中标人代码", "投标人代码"),
    "rank": ("排名", "名次", "排序", "候选人排名", "中标候选人排名", "候选人排序", "中标候选人排序", "候选人顺序",
             "中标候选人顺序", "推荐排名", "推荐顺序", "推荐名次",
             "WIN_CANDIDATE_ORDER", "rank"),
    # the dataset loader's names of a bid's price (schema.PLATFORM_ALIASES) too; a cell holding rates and one amount
    # (勘察费下浮率 0.26%，…/4214214.48 元) gives that amount
    "price": ("投标报价", "报价", "投标价", "投标价格", "投标总价", "投标总报价", "投标下浮率及投标报价", "下浮率及投标报价",
              "投标报价及下浮率", "中标价", "中标金额", "中标价格", "成交金额", "成交价", "成交价格", "中标(成交)金额",
              "总成交金额", "BID_PRICE", "BID_AMOUNT", "price"),
    # a result notice's award stated in words of the winner's offer (宜昌's 中标价(报价承诺): 含税单价为6400元/吨…，总价为
    # 3905110元…): its one amount (unit prices aside) is the award price where the award price column is empty
    "award_text": ("中标价(报价承诺)", "报价承诺", "中标价说明", "中标(成交)价说明"),
    # the unit codes of the 公共资源交易平台数据规范 (schema.PRICE_UNIT_CODES), per row
    "price_unit": ("PRICE_UNIT",),
    "ceiling_unit": ("CONTROL_PRICE_UNIT",),
    "bond_unit": ("MARGIN_AMOUNT_UNIT",),
    "rate": ("下浮率", "投标下浮率", "费率", "优惠率", "折扣率", "rate"),
    "score": ("综合得分", "得分", "评标得分", "评审得分", "score"),
    "project_manager": ("项目经理", "项目负责人", "总监理工程师", "拟派项目负责人", "拟派项目经理", "拟派项目负责人姓名",
                        "拟派项目经理姓名", "项目负责人姓名", "项目经理姓名", "PROJECT_LEAD", "BID_MANAGER",
                        "project_manager"),
    "published_on": ("公示开始日期", "公示开始时间", "发布日期", "发布时间", "公告日期", "公告发布日期",
                     "PUBLICITY_START_TIME", "published_on"),
    "publicity_until": ("公示截止日期", "公示截止时间", "公示结束日期", "公示结束时间", "PUBLICITY_END_TIME",
                        "publicity_until"),
    # the publicity period in one cell: ``2025年6月13日至2025年6月16日`` (split into its start and end)
    "publicity_period": ("公示期", "公示期限", "公示期间", "公示起止时间", "publicity_period"),
    "bid_deadline": ("开标时间", "开标日期", "投标截止时间", "投标文件递交截止时间", "BID_DOC_REFER_END_TIME",
                     "BID_OPEN_TIME", "bid_deadline"),
    "awarded_on": ("中标通知书日期", "中标通知书发出日期", "WIN_NOTICE_SEND_TIME", "awarded_on"),
}

CANDIDATES = "candidates"
RESULT = "result"
#: a 开标记录 (开标一览表, 唱标记录): every bid read out at the opening (法 第36条), the whole bid list with its prices
OPENING = "opening"
_OPENING_WORDS = re.compile(r"开标记录|开标一览表|开标结果|开标情况|唱标记录|唱标一览表")
#: An export with neither a notice type nor a title column holds one kind of notice, which its company column's
#: header may name: the candidates of 中标候选人公示 (GGZY's GY_TENDER_CANDIDATE: WIN_CANDIDATE_NAME) or the winner of
#: 中标结果公告 (GY_WIN_RESULT_ANNO: WIN_BIDDER_NAME). 投标人 says neither. (Where the export mixes both notices, the
#: header is only a name for the column and the rows still need their type or title.)
_COMPANY_HEADER_KIND = {**{h: CANDIDATES for h in ("中标候选人", "候选人", "候选人名称", "中标候选人名称", "定标候选人",
                                                   "定标候选人名称", "WIN_CANDIDATE_NAME")},
                        **{h: RESULT for h in ("中标人", "中标单位", "中标人名称", "中标供应商", "成交供应商",
                                               "中标(成交)供应商", "中标供应商名称", "成交供应商名称",
                                               "WIN_BIDDER_NAME")}}
_TYPE_WORDS = re.compile(r"(开标记录表|开标记录|开标一览表|开标结果公示|开标结果|开标情况|唱标记录|中标候选人公示|中标候选人公告|评标结果公示|候选人公示|中标结果公告|中标结果公示|中标公告|"
                         r"中标[(（]成交[)）]结果公告|中标[(（]成交[)）]结果公示|中标[(（]成交[)）]公告|中标[(（]成交[)）]结果|"
                         r"成交结果公告|成交结果公示|成交公告|成交公示|结果公告|结果公示|中标结果|中标公示|公示|公告)$")
#: what a notice title carries beside the tender's name: the publishing agency's "XX公司关于" before it, a platform's
#: code in brackets and a dash or 的 before the notice-type words after it
_TITLE_AGENCY = re.compile(r"^(?:.{0,60}?(?:公司|中心|集团|局|院|所|处|站|委员会|办公室))?关于")
_TITLE_CODE = re.compile(r"[\[【(（][A-Za-z0-9_-]{6,}[\]】)）]$")
_TITLE_TAIL = re.compile(r"[-－—_的]+$")
_UNIT = re.compile(r"[（(]\s*(万元|万|元|%|％)\s*[）)]$")
_RANKS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_RATE = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*[%％]")
#: a cell that is a rate and nothing else: ``5%``, ``下浮率：5%``, ``折扣率为 95%`` (not ``按…收费标准的50%计取``)
_RATE_CELL = re.compile(r"^(?:投标)?(?:下浮率?|让利率?|优惠率?|折扣率?|费率)?\s*[:：为]?\s*([0-9]+(?:\.[0-9]+)?)\s*[%％]$")
#: what separates the two dates of a period written in one cell (a hyphen only with spaces: dates use it)
_PERIOD_SEP = re.compile(r"\s*(?:至|到|~|～|—|–|\s-\s|(?<=日)\s*[-－]\s*(?=[0-9０-９]))\s*")
#: names of the winner's and the award price's own columns, where an export also has candidates' ones
_WINNER_HEADERS = ("中标人", "中标单位", "中标人名称", "中标供应商", "成交供应商", "中标(成交)供应商", "中标供应商名称",
                   "成交供应商名称", "WIN_BIDDER_NAME")
_AWARD_PRICE_HEADERS = ("中标价", "中标金额", "中标价格", "成交金额", "成交价", "成交价格", "中标(成交)金额", "总成交金额")
#: a company name longer than this is a paragraph scraped into the column (评标情况…), not a name
MAX_NAME_CHARS = 80
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")

LOG_FILE = "import_log.csv"
#: a zip file that holds no workbook (its parts are not an .xlsx's)
_NOT_XLSX = ("文件内容不是 .xlsx 格式（扩展名与内容不符，或文件已损坏）/ the file is not in .xlsx format (its name does not "
             "match its content, or it is damaged)")

#: the reasons a whole row is not imported (also what the hints of :func:`cmd_notices` look for)
KIND_UNKNOWN = ("无法判断公告类型（中标候选人公示、中标结果公告或开标记录），整行未导入 / notice type unknown (candidates, "
                "result or bid opening): row not imported")
NO_TENDER = ("没有标段编号、项目名称或公告标题，无法确定标段，整行未导入 / no tender id, project name or notice title: "
             "row not imported")
#: a date in an opening time or a notice's date: 2024-03-10 09:30, 2024/3/10, 2024年3月10日, 20240310
_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|^(\d{4})(\d{2})(\d{2})(?:\d{6})?(?!\d)")
_FULL_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


class NoticesUnreadable(Exception):
    """The export cannot be mapped at all (no header naming a company, unreadable file)."""


@dataclass
class NoticeImport:
    """The contract tables made from a notices export, and the log of what was done."""

    tables: dict[str, list[dict[str, str | None]]]
    log: list[tuple[str, int | None, str]] = field(default_factory=list)
    wan_price: bool = False  # the price header said 万元
    #: the input file, and where each record and each tender field came from in it: table -> id -> its row, and
    #: (table, id, column) -> the row that gave the value, so that a problem of the loader names the input's row
    source: str = ""
    origins: dict[str, dict[str, int]] = field(default_factory=dict)
    field_origins: dict[tuple[str, str, str], int] = field(default_factory=dict)
    #: where a workbook's several sheets were read: the sheet (``book.xlsx［二标段］``) each record and field came from
    record_sources: dict[tuple[str, str], str] = field(default_factory=dict)
    field_sources: dict[tuple[str, str, str], str] = field(default_factory=dict)
    #: per table written (:func:`write_import`): the id of the record that starts on each line of its file
    lines: dict[str, dict[int, str]] = field(default_factory=dict)
    #: (file, row) of the input rows not imported at all (type unknown, no tender, no opening to attach to),
    #: and of the rows whose company was not imported as a bid or winner (no price, …): counted on screen
    rows_not_imported: set[tuple[str, int]] = field(default_factory=set)
    bidders_not_imported: set[tuple[str, int]] = field(default_factory=set)
    #: how many records below the header were read (trailers included)
    rows_read: int = 0
    #: the dated openings of each tender key its opening-record rows give (a re-tender: more than one)
    opening_days: dict[str, set[str]] = field(default_factory=dict)
    #: the tenders whose bid list was found not whole (``bid_list = none`` whatever another sheet gives)
    incomplete: set[str] = field(default_factory=set)
    #: the 标段编号 each name of a tender (:func:`_aliases`) has on this sheet's rows
    named: dict[str, set[str]] = field(default_factory=dict)
    #: whether a row gives no 标段编号 (and may take one another sheet or file gives)
    lacks_id: bool = False

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}


def _key(h: str) -> str:
    return re.sub(r"[\s\u3000（）()]", "", h.strip(WHITESPACE)).lower()


_LOOKUP = {_key(a): name for name, aliases in NOTICE_COLUMNS.items() for a in aliases}


def _match(header: str) -> str | None:
    h = _UNIT.sub("", header.strip(WHITESPACE))
    return _LOOKUP.get(_key(h))


def stable_id(prefix: str, *parts: str) -> str:
    """An id from text that stays the same on every import: ``prefix`` + 12 hex digits of SHA-1."""
    text = "\x1f".join(re.sub(r"[\s\u3000]+", "", p) for p in parts)
    return prefix + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12].upper()


def _name_key(name: str) -> str:
    """A company name as its id is made from: full- and half-width brackets alike (``某某（中国）有限公司`` and
    ``某某(中国)有限公司`` are one company)."""
    return name.replace("（", "(").replace("）", ")")


def _same_name(a: str, b: str) -> bool:
    """Whether two company names are one name: spaces aside, full- and half-width brackets alike."""
    return re.sub(r"[\s\u3000]+", "", _name_key(a)) == re.sub(r"[\s\u3000]+", "", _name_key(b))


def _code_conflict(code: str, first: str, first_at: object, name: str, where: str = "") -> str:
    """The log's note of a 统一社会信用代码 given to a second, other name (the first's row ``first_at``, in the sheet or
    file ``where`` if not the same one)."""
    at = f"（{where + ' ' if where else ''}第{first_at}行）" if first_at is not None else ""
    at_en = f" ({where + ' ' if where else ''}row {first_at})" if first_at is not None else ""
    return (f"统一社会信用代码 {code} 已是“{first}”{at}的代码，又写给了“{name}”：两个名称不作为同一单位合并，代码保留给“{first}”，"
            f"“{name}”按名称另立单位（不带代码），请核对代码 / the unified social credit code {code} is “{first}”'s{at_en} "
            f"and is given to “{name}” too: the two are not merged; the code stays “{first}”'s and “{name}” is a "
            f"company of its own by its name (without the code); check the code")


Rows = list[tuple[int, list[str | None]]]


def _rows(path: Path, sheet: int = 0, label: str | None = None) -> Read:
    """Header, (row number, cells) of the records below it, the rows above it and the header's row number, of a
    CSV (UTF-8 or GB18030)
    or of the ``sheet``-th sheet of an .xlsx; the header is the row among the first ones naming the most notice
    columns (title rows above). A CSV record's number is its first line in the file (a quoted cell may hold
    line breaks)."""
    raw: list[tuple[int, list[str | None]]] = []
    if path.suffix.lower() == ".xlsx":
        from .xlsx import _cell_text

        wb = _open_book(path, label)
        try:
            ws = wb.worksheets[sheet]
            for r, values in enumerate(ws.iter_rows(values_only=True, max_col=64), start=1):
                raw.append((r, [_cell_text(v) for v in values]))
        finally:
            wb.close()
    else:
        try:  # UTF-16 with its BOM (Excel's "Unicode 文本"), UTF-8 or GB18030, as the dataset loader reads them
            text = decode_text(path.read_bytes())
        except UnicodeDecodeError:
            raise NoticesUnreadable(f"{label or path.name}: 文件编码无法识别（不是 UTF-8、GB18030 或带 BOM 的 UTF-16），请另存为 UTF-8 "
                                    f"CSV / the file's encoding is none of UTF-8, GB18030 or UTF-16 with its BOM: save "
                                    f"it as a UTF-8 CSV") from None
        first = text.split("\n", 1)[0]
        delim = "\t" if "\t" in first and "," not in first else ","
        reader = csv.reader(text.splitlines(), delimiter=delim)
        line = 0
        for cells in reader:
            raw.append((line + 1, list(cells)))
            line = reader.line_num
    raw = [(r, cells) for r, cells in raw if any(c and c.strip(WHITESPACE) for c in cells)]
    if not raw:
        raise NoticesUnreadable(f"{label or path.name}: 文件为空 / empty file")
    scores = [len({_match(c) for c in cells if c} - {None}) for _, cells in raw[:HEADER_SEARCH_ROWS]]
    h = max(range(len(scores)), key=lambda i: (scores[i], -i))
    # a header of two rows (.xlsx: 第一中标候选人 merged over 单位名称 | 投标报价（万元） | 项目经理): read as one
    for upper in (h, h - 1):
        if upper < 0 or upper + 1 >= len(raw):
            continue
        combined = _two_row_header(raw[upper][1], raw[upper + 1][1])
        if combined is not None:
            joined = next(c for c in combined if _WIDE.match(_UNIT.sub("", c)))
            note = (f"表头为两行（第{raw[upper][0]}、{raw[upper + 1][0]}行）：下一行的字段名并入其上的候选人列（如“{joined}”）"
                    f" / a header of two rows: the field names of the lower row join the candidate column above them")
            return combined, raw[upper + 2:], raw[:upper], raw[upper][0], [(raw[upper][0], note)]
    header = [c or "" for c in raw[h][1]]
    return header, raw[h + 1:], raw[:h], raw[h][0], []


def _is_field_name(text: str) -> bool:
    """Whether a header cell names a candidate's field (单位名称, 投标报价（万元）, 项目经理, …)."""
    bare = _key(_UNIT.sub("", text.strip(WHITESPACE)))
    words = {_key(w) for w in _FIELD_WORDS} | {_key(w) for _n, ws in _WIDE_FIELDS for w in ws if w}
    return bool(bare) and (bare in words or _match(text) is not None)


def _two_row_header(upper: list[str | None], lower: list[str | None]) -> list[str] | None:
    """The header of two rows as one — a candidate's column over its fields (``第一中标候选人`` merged over ``单位名称``,
    ``投标报价（万元）``, ``项目经理``: ``第一中标候选人单位名称``, …) — where at least two cells of ``lower`` name a field under
    a candidate's cell merged across columns (blank after it); else None. A column named in one row only keeps that
    name."""
    n = max(len(upper), len(lower))
    up = [(upper[i] or "").strip(WHITESPACE) if i < len(upper) else "" for i in range(n)]
    lo = [(lower[i] or "").strip(WHITESPACE) if i < len(lower) else "" for i in range(n)]
    group, header, joined = "", [], 0
    for i in range(n):
        if up[i]:  # a merged cell is read in its first column, the blanks after it are its own (one alone: no group)
            spans = i + 1 < n and not up[i + 1]
            group = up[i] if spans and _WIDE.match(_UNIT.sub("", up[i])) else ""
        if lo[i] and group and _is_field_name(lo[i]):
            header.append(group + lo[i])
            joined += 1
        else:
            header.append(up[i] or lo[i])
    return header if joined >= 2 else None


def _open_book(path: Path, name: str | None = None):  # type: ignore[no-untyped-def]
    """The workbook of an .xlsx, read-only; :class:`NoticesUnreadable`, said as the file ``name`` the user gave, where
    the file is no workbook (a file renamed .xlsx: ``cp README.md r.xlsx``, one cut short, a zip of something else)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, EOFError) as exc:
        why = _NOT_XLSX if isinstance(exc, KeyError) else first_line(exc)
        raise NoticesUnreadable(f"{name or path.name}: {why}") from None


def _filled_sheets(path: Path, name: str | None = None) -> list[tuple[int, str]]:
    """(index, name) of a workbook's sheets that hold any value; [] for a CSV file."""
    if path.suffix.lower() != ".xlsx":
        return []
    wb = _open_book(path, name)
    try:
        return [(i, ws.title) for i, ws in enumerate(wb.worksheets)
                if any(v not in (None, "") for row in ws.iter_rows(values_only=True, max_col=64) for v in row)]
    finally:
        wb.close()


#: names of a candidate's fields as a sideways table lists them down its first column (肇庆's 评审结果: 单位名称,
#: 项目负责人, 投标报价（元） in rows, one candidate per column), beside the notice columns' own headers
_FIELD_WORDS = ("单位名称", "企业名称", "投标人名称", "投标单位", "投标报价", "项目负责人", "项目经理", "综合得分",
                "排名", "工期", "质量标准")


def _transposed(header: list[str], rows: Rows) -> list[str] | None:
    """The field names down the first column when the table is laid out sideways (fields as rows, candidates as
    columns), else None: at least three of its first cells name a field, and at least half of its records begin
    with one. A flat export's first column holds values (a title, a name, a number), never mostly field names."""
    words = {_key(w) for w in _FIELD_WORDS}

    def field_name(cell: str | None) -> str | None:
        text = _clean(cell)
        if text is None or len(text) > 20:
            return None
        bare = _UNIT.sub("", text)
        return text if _match(text) or _key(bare) in words else None

    names = [n for n in (field_name(header[0] if header else None),
                         *(field_name(cells[0] if cells else None) for _, cells in rows)) if n]
    starting = sum(1 for _, cells in rows if field_name(cells[0] if cells else None))
    return names if len(names) >= 3 and rows and 2 * starting >= len(rows) else None


# A wide export: one row per notice, candidates side by side (第一中标候选人, 第一中标候选人报价, …).
#: also ``第一名, 第一名报价（万元）`` (the rank alone, 候选人 left unsaid)
_WIDE = re.compile(r"^第\s*([一二三四五六七八九十]|[0-9]+)\s*(?:名\s*(?:(?:中标|成交)?候选人)?|(?:中标|成交)?候选人)\s*(.*)$")
_WIDE_FIELDS = (("uscc", ("统一社会信用代码", "信用代码")), ("rate", ("下浮率", "费率", "优惠率")),
                ("price", ("投标报价", "报价", "投标价", "价格", "金额")), ("score", ("综合得分", "得分")),
                ("project_manager", ("项目经理", "项目负责人")), ("company", ("", "名称", "单位名称", "单位")))


def _expand_wide(header: list[str], rows: list[tuple[int, list[str | None]]]
                 ) -> tuple[list[str], list[tuple[int, list[str | None]]], list[str]]:
    """A wide export as the long one: each notice row becomes one row per named candidate, with
    its rank (the row number stays the notice's). A field's header repeated after each candidate's column
    (``第一中标候选人, 投标报价（元）, 第二中标候选人, 投标报价（元）, …``) is the candidate's before it. Also the notes of
    what was read so."""
    per_rank: dict[int, dict[str, int]] = {}
    units: dict[str, str] = {}
    shared: list[int] = []
    own = {_key(x) for x in (*_WINNER_HEADERS, *_AWARD_PRICE_HEADERS)}
    bare = [_key(_UNIT.sub("", h.strip(WHITESPACE))) for h in header]
    repeated = {b for b in bare if b and bare.count(b) > 1 and b not in own}
    candidate_fields = {name for name, _ in _WIDE_FIELDS} - {"company"}
    current: int | None = None  # the rank of the candidate column last seen
    notes: dict[str, list[str]] = {}
    for i, h in enumerate(header):
        m = _WIDE.match(_UNIT.sub("", h.strip(WHITESPACE)))
        if not m:
            name = _match(h)
            if (current is not None and bare[i] in repeated and name in candidate_fields
                    and name not in per_rank.get(current, {})):
                per_rank.setdefault(current, {})[name] = i
                unit = _UNIT.search(h.strip(WHITESPACE))
                if unit:
                    units[name] = unit.group(1)
                notes.setdefault(h.strip(WHITESPACE), []).append(str(current))
                continue
            shared.append(i)
            continue
        rank = int(m.group(1)) if m.group(1).isdigit() else _RANKS[m.group(1)]
        current = rank
        rest = _key(m.group(2))
        for name, words in _WIDE_FIELDS:
            if rest in {_key(w) for w in words}:
                per_rank.setdefault(rank, {}).setdefault(name, i)
                unit = _UNIT.search(h.strip(WHITESPACE))
                if unit:
                    units[name] = unit.group(1)
                break
        else:
            shared.append(i)
    if not any("company" in f for f in per_rank.values()):
        return header, rows, []
    fields = [name for name, _ in _WIDE_FIELDS]
    # a notice-level column for a candidate field (报价 beside 第一中标候选人报价…) would shadow it; the winner's and
    # the award price's own columns (中标人, 中标金额) are the result notice's and stay
    shared = [i for i in shared if _match(header[i]) not in (*fields, "rank")
              or _key(_UNIT.sub("", header[i].strip(WHITESPACE))) in own]
    new_header = [header[i] for i in shared] + ["rank"] + [
        f"{name}（{units[name]}）" if name in units else name for name in fields]
    out: list[tuple[int, list[str | None]]] = []
    for r, cells in rows:
        base = [cells[i] if i < len(cells) else None for i in shared]
        for rank in sorted(per_rank):
            cols = per_rank[rank]
            name_at = cols.get("company")
            if name_at is None or name_at >= len(cells) or not _clean(cells[name_at]):
                continue
            out.append((r, base + [str(rank)] + [
                cells[cols[f]] if f in cols and cols[f] < len(cells) else None for f in fields]))
    said = [f"表头“{h}”重复 {len(ranks)} 次，每个归属于其前的候选人列（第{'、'.join(ranks)}中标候选人）/ the header “{h}” is "
            f"repeated {len(ranks)} times: each belongs to the candidate column before it (ranks {', '.join(ranks)})"
            for h, ranks in notes.items()]
    return new_header, out, said


def _clean(v: str | None) -> str | None:
    if v is None:
        return None
    v = v.strip(WHITESPACE)
    return v or None


def _rank(v: str | None) -> str | None:
    """``1``, ``第一``, ``第一名``, ``第一中标候选人`` -> ``1``; anything else as written."""
    if v is None:
        return None
    m = re.search(r"([0-9]+)|第?([一二三四五六七八九十])", v)
    if m and m.group(1):
        return m.group(1)
    if m and m.group(2):
        return str(_RANKS[m.group(2)])
    return v


def _notice_type(row: dict[str, str | None], by_header: str | None = None, header_decides: bool = True) -> str | None:
    """The notice a row comes from: by its type or title; where their words say neither (广东's ``…评标报告``
    and a bare title), by a rank written as a candidate's (``第一中标候选人``), else by ``by_header`` (what the company
    column's header says, :data:`_COMPANY_HEADER_KIND`) when the export has no type or title (``header_decides``) or
    the row gives a rank (a ranked company under a 中标候选人 header is a candidate); else None."""
    text = " ".join(x for x in (row.get("notice_type"), row.get("notice_title")) if x)
    if _OPENING_WORDS.search(text):  # before 结果: 开标结果 is the opening's, not the award's
        return OPENING
    # 评标报告: the evaluation committee's report, which names the candidates it recommends (条例 第53条)
    if "候选人" in text or "评标结果" in text or "评标报告" in text:
        return CANDIDATES
    if "结果" in text or "中标公告" in text or "成交" in text:
        return RESULT
    if _key(row.get("notice_type") or "") in ("中标", "中标成交"):  # 剑鱼's types: 招标, 中标, 成交, 合同
        return RESULT
    rank = row.get("rank") or ""
    if "候选人" in rank:
        return CANDIDATES
    if "中标公示" in text and by_header in (CANDIDATES, RESULT):
        # 中标公示 is the result's in one county and the candidates' in the next: the company column's header says which
        # (中标单位 → the winner; 中标候选人 → candidates)
        return by_header
    return by_header if header_decides or rank else None


def _tender_key(row: dict[str, str | None]) -> tuple[str, str] | None:
    """(tender id, title) of a notice row, or None when nothing names the tender."""
    section = row.get("section")
    named = " ".join(x for x in (row.get("project_name"), section) if x)  # 项目名 标段名, as the title says it
    if row.get("tender_id"):
        bare = _bare_title(row["notice_title"]) if row.get("notice_title") else None  # type: ignore[arg-type]
        return row["tender_id"], named or bare or row["tender_id"]  # type: ignore[return-value]
    if row.get("project_name") or row.get("project_id"):
        project = row.get("project_id") or row.get("project_name") or ""
        return stable_id("NT", project, _section_key(section)), named or project
    if row.get("notice_title"):
        title = _bare_title(row["notice_title"])  # type: ignore[arg-type]
        return stable_id("NT", _title_key(title), ""), title
    return None


#: a 标段 numbered in its title: 第二标段, 二标段, 2标段, 第2标段, 第十一标段 (the number read, the 第 dropped)
_SECTION_NO = re.compile(r"第?([0-9０-９]+|[一二三四五六七八九十]+)标段")
_BRACKETS = re.compile(r"[()（）\[\]【】〔〕〈〉《》<>]")


def _numeral(text: str) -> int | None:
    """10 of ``十``, 23 of ``二十三``, 7 of ``7``; None of what is no number below 100."""
    text = text.translate(_FULL_DIGITS)
    if text.isdigit():
        return int(text)
    tens, _sep, ones = text.partition("十")
    if not _sep:
        return _RANKS.get(text) if len(text) == 1 else None
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_RANKS[tens] if tens else 1) * 10 + (_RANKS[ones] if ones else 0)


def _title_key(title: str) -> str:
    """A bare notice title (:func:`_bare_title`) as the tender's key is made from: brackets of either width dropped
    (``施工（二标段）``, ``施工(二标段)``, ``（施工二标段）`` are ``施工二标段``) and a numbered 标段 written one way
    (``第二标段``, ``2标段``, ``第2标段`` are ``二标段``; from 11 on in digits), so that one tender's notices, titled each in
    its own way, meet; 一标段 and 二标段 stay two."""
    def section(m: re.Match[str]) -> str:
        n = _numeral(m.group(1))
        if n is None:
            return m.group(0)
        return f"{'一二三四五六七八九十'[n - 1] if 1 <= n <= 10 else n}标段"

    return _SECTION_NO.sub(section, _BRACKETS.sub("", title))


def _section_key(section: str | None) -> str:
    """A 标段 name as a tender's key is made from, written one way as in a title (:func:`_title_key`): ``第二标段``,
    ``（二标段）`` and ``2标段`` are ``二标段``; spaces dropped; ``""`` for none."""
    return _title_key(re.sub(r"[\s\u3000]+", "", section)) if section else ""


def _bare_title(text: str) -> str:
    """A notice title as the tender's name: spaces gone, without the agency's "XX公司关于", a
    platform code, the notice-type words (twice: 中标候选人公示公告) and a dash or 的 before them — so that the
    candidates notice and the result notice of one tender, or one result published twice (by the tenderer and by
    its agency), name the same tender."""
    squashed = re.sub(r"[\s\u3000]+", "", text)
    title = _TITLE_CODE.sub("", squashed)
    for _ in range(2):
        title = _TITLE_TAIL.sub("", _TYPE_WORDS.sub("", _TITLE_TAIL.sub("", title)))
    return _TITLE_AGENCY.sub("", title) or title or squashed


def _aliases(row: dict[str, str | None]) -> list[str]:
    """Names a notice row gives its tender, most specific first: the title without the notice-type words, the
    project and section names together, the section's, the project's (spaces removed)."""
    def squash(text: str | None) -> str:
        return re.sub(r"[\s\u3000]+", "", text or "")

    out = []
    if row.get("notice_title"):
        out.append("T:" + _title_key(_bare_title(row["notice_title"])))  # type: ignore[arg-type]
    project, section = squash(row.get("project_name")), _section_key(row.get("section"))
    if project and section:
        out.append("PS:" + project + "\x1f" + section)
    out += [f"N:{x}" for x in (section, project) if x]
    return out


def _day(text: str | None) -> str | None:
    """The date (``YYYY-MM-DD``) a cell begins with or holds (``2024-03-10 09:30``, ``2024年3月10日9时30分``,
    ``20240310093000``), else None."""
    import datetime as dt

    if not text:
        return None
    m = _DAY.search(text.translate(_FULL_DIGITS).strip(WHITESPACE))
    if m is None:
        return None
    y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def _same_amount(a: str | None, b: str | None) -> bool:
    """Whether two price cells say the same amount (``1,180,000.00`` and ``1180000``, ``118万元`` and
    ``1180000``)."""
    x, y = money_decimal(a), money_decimal(b)
    return x == y if x is not None and y is not None else a == b


def _rate(v: str | None, percent: bool = False) -> Decimal | None:
    """A discount rate as a fraction: ``5%``, ``下浮率 5%``, ``5`` (a bare number above 1 in a
    下浮率 column is percent; any bare number under a header whose unit is ``（%）``: ``0.03`` is 0.03 %);
    None for a fee rate (费率), a bare number up to 1 under a header without the unit (0.05: a fraction
    or 0.05 %? not guessed) or a sentence holding a per cent (``按《…收费管理规定》…收费标准的50%计取``:
    a fee standard, not a discount)."""
    if v is None or "费率" in v:
        return None
    m = _RATE_CELL.match(re.sub(r"[\s\u3000]+", "", v))
    if m:
        return Decimal(m.group(1)) / 100
    if _NUMBER.match(v) and (percent or Decimal(v) > 1):
        return Decimal(v) / 100
    return None


#: the files a folder given to ``bidwatch notices`` is read for (each of them, sorted by name)
INPUT_SUFFIXES = (".csv", ".xlsx", ".xls", ".txt")

#: a sheet's header, its records, the rows above the header, the header's row, and notes on how the header was read
Read = tuple[list[str], Rows, Rows, int, list[tuple[int, str]]]


@dataclass
class _Part:
    """A sheet (or a CSV file) to map: its name in the log (``label``), the name that may say it is a bid-opening
    record (``stem``), its rows, and whether it failing to map fails the whole import (a lone file's first sheet)."""

    label: str
    stem: str
    read: Read
    required: bool = False


def map_notices(path: str | Path | Iterable[str | Path], *, price_from_rate: bool = False) -> NoticeImport:
    """Read a notices export — or several, merged: one month's exports (the candidates notice and the result notice of
    one tender in two files) — and build the contract tables (see the module docstring). A workbook's every sheet that
    holds values is read (a 开标记录 workbook with a sheet per 标段), each named in the log and in the problems as
    ``book.xlsx［二标段］``; a sheet after the first that names no candidate or bidder is listed as not read. Of several
    files, each row is named by its file (and sheet); a file that cannot be read at all is listed as not read (the
    import fails only where none can be)."""
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    names = [p.name for p in paths]
    labels = [str(p) if names.count(p.name) > 1 else p.name for p in paths]  # a.csv, or x/a.csv beside y/a.csv
    several = len(paths) > 1
    parts: list[_Part] = []
    passed: list[tuple[str, str, str]] = []  # (label, why, 文件/工作表) of what was not read
    for p, label in zip(paths, labels, strict=True):
        try:
            got, skipped = _file_parts(p, label, required=not several)
        except NoticesUnreadable as exc:
            if not several:
                raise
            passed.append((label, str(exc).split(": ", 1)[-1], "file"))
            continue
        parts += got
        passed += [(f"{label}［{title}］", why, "sheet") for title, why in skipped]
    name = "、".join(labels)
    if not parts:
        raise NoticesUnreadable("；".join(f"{label}: {why}" for label, why, _k in passed) or f"{name}: 没有可读的文件 / "
                                "no readable file")
    return _map_parts(name, parts, passed, price_from_rate)


def _file_parts(path: Path, label: str, required: bool) -> tuple[list[_Part], list[tuple[str, str]]]:
    """The sheets of one input file to map (one for a CSV file), read into memory; an old .xls is converted once to
    the .xlsx it reads as (contract/xls.py). Also (sheet, why) of the sheets that hold nothing readable."""
    if path.suffix.lower() != ".xls":
        return _sheets_of(path, path, label, required)
    import tempfile

    from .htmltable import html_to_xlsx
    from .reader import web_page_as_xls
    from .xls import xls_to_xlsx

    disguised = web_page_as_xls(path)
    with tempfile.TemporaryDirectory(prefix="bidwatch-xls-") as folder:
        converted = Path(folder) / f"{path.stem}.xlsx"
        if disguised is not None and "HTML" in disguised.expected:
            # a platform's "导出Excel": the page's table under an .xls name, read as the sheet it looks like
            refused = html_to_xlsx(path, converted)
        elif disguised is not None:  # an Excel 2003 XML spreadsheet: the loader's advice (save it as .xlsx)
            refused = disguised
        else:
            refused = xls_to_xlsx(path, converted)
        if refused is not None:
            raise NoticesUnreadable(f"{label}: {refused.expected}")
        parts, skipped = _sheets_of(converted, path, label, required)
    if disguised is not None and parts:
        note = ("文件是网页（HTML 表格，平台“导出Excel”常见），以 .xls 命名：按其中的表格读取 / the file is a web page (an HTML "
                "table) named .xls: its table was read")
        parts[0].read[4].insert(0, (parts[0].read[3], note))
    return parts, skipped


def _sheets_of(readable: Path, path: Path, label: str, required: bool) -> tuple[list[_Part], list[tuple[str, str]]]:
    """The parts of ``readable`` (a CSV file or an .xlsx), named as the file ``path`` the user gave (``label``)."""
    sheets = _filled_sheets(readable, label)
    if len(sheets) <= 1:  # a CSV file, or a workbook's one filled sheet (not always its first), named as the file
        index, title = sheets[0] if sheets else (0, "")
        return [_Part(label, f"{path.stem} {title}".strip(), _rows(readable, index, label), required)], []
    parts, skipped = [], []
    for n, (index, title) in enumerate(sheets):
        try:
            read = _rows(readable, index, f"{label}［{title}］")
        except NoticesUnreadable as exc:  # an empty sheet, as a sheet that maps to nothing, is listed as not read
            if n == 0 and required:
                raise
            skipped.append((title, str(exc).split(": ", 1)[-1]))
            continue
        parts.append(_Part(f"{label}［{title}］", f"{path.stem} {title}", read, required and n == 0))
    return parts, skipped


def _map_parts(name: str, parts: list[_Part], passed: list[tuple[str, str, str]], price_from_rate: bool
               ) -> NoticeImport:
    """The parts (sheets, files) mapped and merged as one import (:func:`_merged`); a lone part as it is."""
    if len(parts) == 1 and not passed:
        part = parts[0]
        return _map_sheet(part.label, part.stem, part.read, price_from_rate)

    def each(other_days: dict[str, set[str]] | None, other_named: dict[str, set[str]] | None
             ) -> tuple[list[NoticeImport], list[tuple[str, str, str]]]:
        results: list[NoticeImport] = []
        skipped = list(passed)
        for part in parts:
            try:
                results.append(_map_sheet(part.label, part.stem, part.read, price_from_rate, other_days, other_named))
            except NoticesUnreadable as exc:
                if part.required:
                    raise
                skipped.append((part.label, str(exc).split(": ", 1)[-1], "sheet" if "［" in part.label else "file"))
        return results, skipped

    results, skipped = each(None, None)
    if not results:
        raise NoticesUnreadable("；".join(f"{label}: {why}" for label, why, _k in skipped))
    # a tender opened again on another sheet or file (首次开标, 重新招标): every part splits it by the openings of all;
    # a notice without the 标段编号 takes the one another part's notice of the same tender gives
    days: dict[str, set[str]] = {}
    named: dict[str, set[str]] = {}
    for r in results:
        for base, dated in r.opening_days.items():
            days.setdefault(base, set()).update(dated)
        for alias, ids in r.named.items():
            named.setdefault(alias, set()).update(ids)
    if any(len(dated) > 1 for dated in days.values()) or any(r.lacks_id and r.named != named for r in results):
        results, skipped = each(days, named)
    return _merged(name, results, skipped)


def _map_sheet(label: str, stem: str, read: Read, price_from_rate: bool,
               other_days: dict[str, set[str]] | None = None, other_named: dict[str, set[str]] | None = None
               ) -> NoticeImport:
    """One sheet's (or file's) rows as contract tables; ``label`` names it in the log and the problems, ``stem`` is
    the name that may say it is a bid-opening record; ``other_days``: the opening dates of each tender key that
    the workbook's other sheets give (a re-tender's opening record on a sheet of its own); ``other_named``: the 标段编号
    each name of a tender has on the other sheets or files (:func:`_aliases`)."""
    header, rows, above, header_row, header_notes = read
    fields = _transposed(header, rows)
    if fields is not None:
        raise NoticesUnreadable(
            f"{label}: 表格是横排的：第一列是字段名（{'、'.join(fields[:5])}…），每个候选人占一列；请转置（每个候选人"
            f"一行、字段名作表头）后再导入 / the table is laid out sideways (field names down the first column, one "
            f"candidate per column): transpose it and import again")
    original = list(header)
    header, rows, wide_notes = _expand_wide(header, rows)
    columns: dict[str, int] = {}
    # the winner's and the award price's own columns beside the candidates' (中标候选人 … 中标人, 投标报价 … 中标价)
    winner_at: int | None = None
    award_at: int | None = None
    winners, awards = {_key(x) for x in _WINNER_HEADERS}, {_key(x) for x in _AWARD_PRICE_HEADERS}
    for i, h in enumerate(header):
        name = _match(h)
        bare = _key(_UNIT.sub("", h.strip(WHITESPACE)))
        if name == "company" and winner_at is None and bare in winners:
            winner_at = i
        if name == "price" and award_at is None and bare in awards:
            award_at = i
        if name and name not in columns:
            columns[name] = i

    def unit_at(i: int | None) -> str:
        """The unit a column's header names (``投标报价（万元）``), else ""."""
        found = _UNIT.search(header[i].strip(WHITESPACE)) if i is not None else None
        return found.group(1) if found else ""

    # the candidates' columns: the first company / price column that is not the winner's / award's, if any
    candidate_at = next((i for i, h in enumerate(header) if _match(h) == "company" and i != winner_at),
                        columns.get("company"))
    bid_price_at = next((i for i, h in enumerate(header) if _match(h) == "price" and i != award_at),
                        columns.get("price"))
    if "company" not in columns:
        accepted = "、".join(NOTICE_COLUMNS["company"])
        raise NoticesUnreadable(f"{label}: 找不到中标候选人/中标人列（可用列名：{accepted}） / no column naming "
                                f"the candidate or winner")
    # an export without type or title columns holds one kind of notice: its company header may say which
    header_decides = "notice_type" not in columns and "notice_title" not in columns
    company_header = _UNIT.sub("", header[columns["company"]].strip(WHITESPACE))
    by_header = next((kind for h, kind in _COMPANY_HEADER_KIND.items() if _key(h) == _key(company_header)), None)
    # a bid-opening record says so in its file's name or its title row (XX工程一标段开标记录表): 投标人 and 投标报价 alone
    # say nothing of the kind, so nothing else makes one
    title_rows = [" ".join(c.strip(WHITESPACE) for c in cells if c and c.strip(WHITESPACE)) for _, cells in above]
    opening_title = next((t for t in title_rows if _OPENING_WORDS.search(t)), None)
    if by_header is None and (opening_title or _OPENING_WORDS.search(stem)):
        by_header = OPENING
    # a 费率 column holds fee rates, not discounts: never turned into a price
    fee_rates = "rate" in columns and "费率" in header[columns["rate"]]
    # a title row above the header may give the unit of every amount (金额单位：万元), as in the dataset loader
    title_wan = None
    for r, cells in above:
        text = " ".join(c for c in cells if c)
        unit = _TITLE_UNIT_RE.search(text)
        if unit and title_wan is None:
            title_wan = (r, unit.group(1).startswith("万"))
    bid_unit = unit_at(bid_price_at)
    award_unit = unit_at(award_at) if award_at is not None else bid_unit

    def wan(unit: str) -> bool:
        return unit.startswith("万") or (not unit and title_wan is not None and title_wan[1])

    wan_price, wan_award, wan_ceiling = wan(bid_unit), wan(award_unit), wan(unit_at(columns.get("ceiling_price")))
    wan_bond = wan(unit_at(columns.get("bid_bond")))
    # a rate column whose header gives the unit （%） holds per cents: 0.03 is 0.03 %
    pct_rate = "rate" in columns and unit_at(columns["rate"]) in ("%", "％")
    out = NoticeImport(tables={"companies": [], "projects": [], "tenders": [], "bids": []}, wan_price=wan_price,
                       source=label)
    log = out.log
    log.extend((label, at, note) for at, note in header_notes)
    log.extend((label, header_row, note) for note in wide_notes)
    unused = [h.strip(WHITESPACE) for h in header if h.strip(WHITESPACE) and _match(h) is None]
    if unused:
        log.append((label, header_row, f"未使用的列：{'、'.join(unused)} / columns not used: {', '.join(unused)}"))
    if title_wan is not None and title_wan[1]:
        log.append((label, title_wan[0], "标题行写明“单位：万元”：表头未注明单位的金额按万元读取 / the title row gives "
                                             "the unit 万元: amounts whose header names no unit are read in 万元"))
    discount_paid = "rate" in columns and "折扣" in header[columns["rate"]]
    companies: dict[str, dict[str, str | None]] = {}
    projects: dict[str, dict[str, str | None]] = {}
    tenders: dict[str, dict[str, str | None]] = {}
    bids: dict[str, dict[str, str | None]] = {}
    kinds: dict[str, set[str]] = {}
    # an opening record's bidders named and read as bids, per tender: a bidder left out (no price) leaves the list
    # incomplete, and a count of its bidders would be wrong
    read_out: dict[str, list[int]] = {}

    def born(table: str, key: str, r: int) -> None:
        out.origins.setdefault(table, {}).setdefault(key, r)

    def company(name: str, uscc: str | None, r: int) -> str:
        key = uscc.upper() if uscc else None
        first = companies.get(key) if key else None
        if first is not None and not _same_name(str(first["name"]), name):
            # two names under one code: one of them is miswritten, which is not guessed; the code stays the first
            # name's, the other is a company of its own (by its name), so that no bid is given to the wrong company
            log.append((label, r, _code_conflict(key, str(first["name"]), out.origins["companies"].get(key), name)))
            key = None
        cid = key or stable_id("NC", _name_key(name))
        known = companies.get(cid)
        if known is None:
            companies[cid] = {"company_id": cid, "name": name, "uscc": key}
            born("companies", cid, r)
        return cid

    def unit_code(row: dict[str, str | None], name: str, default: bool, r: int) -> bool | None:
        """Whether the amounts a unit code column governs are 万元 on this row (the code, else ``default``, the
        header's unit); None, logged with the column and the value, for a code the spec does not define."""
        code = row.get(name)
        if code is None:
            return default
        unit = PRICE_UNIT_CODES.get(code)
        if unit is None:
            head = header[columns[name]].strip(WHITESPACE)
            log.append((label, r, f"{head}“{code[:20]}”不是公共资源交易平台数据规范的金额单位代码（0 = 元，1 = 万元），"
                                      f"相应金额未导入 / {head} “{code[:20]}” is no unit code of the platform data "
                                      "spec (0 = yuan, 1 = 10,000 yuan): its amount is not imported"))
            return None
        return unit == "万元"

    def fill(target: dict[str, str | None], col: str, value: str | None, r: int) -> None:
        """Set a tender field; a second notice giving another value is logged, the first kept."""
        if value is None:
            return
        if target.get(col) is None:
            target[col] = value
            out.field_origins[("tenders", str(target["tender_id"]), col)] = r
        elif target[col] != value:
            log.append((label, r, f"{target['tender_id']} {col}: 两份公告不一致，保留“{target[col]}”，"
                                      f"忽略“{value}” / notices disagree, first value kept"))

    def cell(cells: list[str | None], i: int | None) -> str | None:
        return _clean(cells[i]) if i is not None and i < len(cells) else None

    # a notice without the 标段编号 takes the one another notice of the same tender gives (宜昌's candidates notices
    # omit it, its result notices give it): matched by the notice title without its type words, or by the project and
    # section names, where exactly one 标段编号 goes with that name
    parsed = [(r, cells, {name: cell(cells, i) for name, i in columns.items()}) for r, cells in rows]
    named: dict[str, set[str]] = {}
    for _, _, row in parsed:
        if row.get("tender_id"):
            for alias in _aliases(row):
                named.setdefault(alias, set()).add(row["tender_id"])  # type: ignore[arg-type]
    out.named = {alias: set(ids) for alias, ids in named.items()}
    out.lacks_id = any(not row.get("tender_id") for _, _, row in parsed)
    for alias, ids in (other_named or {}).items():
        named.setdefault(alias, set()).update(ids)
    given = {alias: next(iter(ids)) for alias, ids in named.items() if len(ids) == 1}

    def place(row: dict[str, str | None]) -> tuple[str | None, tuple[str, str] | None, str | None]:
        """A row's notice type, its tender key (:func:`_tender_key`) and the 标段编号 it takes from another
        notice of the same tender (None if it gives its own or none is known); sets those in ``row``."""
        found = None
        if not row.get("tender_id") and given:
            found = next((given[a] for a in _aliases(row) if a in given), None)
            if found is not None:
                row["tender_id"] = found
        kind = _notice_type(row, by_header, header_decides)
        if kind is None:
            return None, None, found
        naming = ("tender_id", "project_name", "section", "notice_title")
        if kind == OPENING and opening_title and not any(row.get(k) for k in naming):
            row["notice_title"] = opening_title  # the record's title row names its tender (XX工程一标段开标记录表)
        return kind, _tender_key(row), found

    # a tender opened on two dates was re-tendered (重新招标, 法 第28条; 条例 第44条): each opening is a tender of its own
    # with its whole bid list. The first keeps the key's id, a later one is the key + its opening date, so that a
    # re-import, or a later export holding the re-tender too, gives the same ids.
    openings: dict[str, dict[str | None, int]] = {}
    for r, cells, row in parsed:
        if cells_are_trailer(cells) is None:
            kind, key, _found = place(dict(row))
            if kind == OPENING and key is not None:
                openings.setdefault(key[0], {}).setdefault(_day(row.get("bid_deadline")), r)
    retender: dict[str, dict[str, str]] = {}  # the key's id -> opening date -> that opening's tender id
    for base in [*openings, *(k for k in other_days or {} if k not in openings)]:
        days = openings.get(base, {})
        out.opening_days[base] = {d for d in days if d}
        dated = sorted(out.opening_days[base] | (other_days or {}).get(base, set()))
        if len(dated) > 1:
            retender[base] = {d: base if i == 0 else f"{base}-{d.replace('-', '')}" for i, d in enumerate(dated)}
            ids = "、".join(retender[base].values())
            here = [d for d in dated if d in days]
            if here:  # said by each sheet holding one of its openings
                log.append((label, days[here[-1]], f"{base} 同一标段的开标记录有 {len(dated)} 个开标日期"
                                                   f"（{'、'.join(dated)}），视为重新招标：每次开标导入为一个标段（{ids}），"
                                                   f"各有其投标名单 / the opening record gives {len(dated)} opening "
                                                   f"dates of one tender: a re-tender, each opening imported as a "
                                                   f"tender with its own bid list"))

    def opening_of(base: str, kind: str, row: dict[str, str | None]) -> tuple[str | None, str]:
        """(opening date, why) of a row of a re-tendered key: its own opening time, else (a candidates or result
        notice) the latest opening on or before the notice's date; (None, why not) where neither tells."""
        days = retender[base]
        listed = "、".join(days)
        own = _day(row.get("bid_deadline"))
        if own in days:
            return own, ""
        if kind == OPENING:
            return None, (f"{base} 开标记录行没有可读的开标时间，而该标段开标 {len(days)} 次（{listed}）：无法判断属于哪一次，"
                          f"整行未导入；各次开标的投标名单因此不完整：bid_list = none / an opening record's row without "
                          f"a readable opening time, of a tender opened {len(days)} times: not imported, and no "
                          f"opening's bid list is whole (bid_list = none)")
        if own is not None:
            return None, (f"{base} 公告的开标时间 {own} 不是该标段任何一次开标（{listed}）的日期：无法判断属于哪一次开标，整行未"
                          f"导入 / the notice's opening date {own} is none of the tender's openings ({listed}): row "
                          f"not imported")
        dated = _day(row.get("published_on")) or _day(row.get("awarded_on")) or _day(row.get("publicity_until"))
        if dated is None:
            return None, (f"{base} 该标段开标 {len(days)} 次（{listed}，重新招标），公告没有发布日期或开标时间：无法判断属于哪一次"
                          f"开标，整行未导入 / the tender was opened {len(days)} times and the notice gives no date: "
                          f"which opening it belongs to is not guessed, row not imported")
        before = [d for d in days if d <= dated]
        if not before:
            return None, (f"{base} 公告日期 {dated} 早于该标段的每一次开标（{listed}）：无法判断属于哪一次开标，整行未导入 / "
                          f"the notice's date {dated} is before every opening of the tender: row not imported")
        return before[-1], (f"{base} 该标段开标 {len(days)} 次（{listed}）：公告（{dated}）归入其前最近一次开标 {before[-1]}，"
                            f"即标段 {days[before[-1]]} / the notice ({dated}) is attached to the latest opening "
                            f"before it, {before[-1]}")

    # the tenders whose bid list cannot be trusted whole (a bidder read out with two prices, a row of no known
    # opening); an opening's bid -> the (row, price) of each row reading it out (one bidder, two prices: a conflict)
    incomplete: set[str] = set()
    read_prices: dict[str, list[tuple[int, str | None]]] = {}
    conflicts: set[str] = set()

    for r, cells, row in parsed:
        out.rows_read += 1
        trailer = cells_are_trailer(cells)
        if trailer is not None:  # 合计 / 制表人 rows of a workbook (the dataset loader skips them too)
            log.append((label, r, trailer))
            continue
        kind, key, found = place(row)
        if found is not None:
            log.append((label, r, f"标段编号取自同一标段的另一份公告：{found} / the tender id is taken from "
                                      "another notice of the same tender"))
        code = row.pop("company_code", None)
        if code is not None and not row.get("uscc"):
            if _uscc_valid(code.upper()):
                row["uscc"] = code.upper()
            else:
                log.append((label, r, f"{header[columns['company_code']].strip(WHITESPACE)}“{code[:30]}”不是有效的统一"
                                          "社会信用代码，未作单位编号 / the code is no valid unified social credit "
                                          "code: not used as the company's id"))
        period = row.pop("publicity_period", None)
        if period:
            parts = [p for p in _PERIOD_SEP.split(period) if p]
            if len(parts) == 2:
                row["published_on"] = row.get("published_on") or parts[0]
                row["publicity_until"] = row.get("publicity_until") or parts[1]
            else:
                log.append((label, r, f"公示期“{period[:40]}”不是“起…至…止”两个日期，未使用 / the publicity period "
                                          "is not two dates: not used"))
        if kind == RESULT:
            row["company"] = cell(cells, winner_at) or cell(cells, candidate_at)
            row["price"] = cell(cells, award_at) or cell(cells, bid_price_at)
        elif kind in (CANDIDATES, OPENING):
            row["company"] = cell(cells, candidate_at) or cell(cells, winner_at)
            row["price"] = cell(cells, bid_price_at) or cell(cells, award_at)
        if row.get("company"):
            split = _name_and_price(row["company"])  # type: ignore[arg-type]
            if split is not None:  # 甲建设集团有限公司（投标报价：235.00万元）
                row["company"], amount = split
                if row.get("price") is None:
                    row["price"] = amount
                    log.append((label, r, f"单位名称与报价写在同一单元格：单位“{split[0]}”，报价“{amount}” / the name and the "
                                          f"price are in one cell: split"))
                elif not _same_amount(row["price"], amount):
                    log.append((label, r, f"单位“{split[0]}”的报价列“{row['price']}”与名称单元格中的“{amount}”不一致：无法判断"
                                          f"哪一个是其报价，未导入报价 / the price column and the price in the name's cell "
                                          f"disagree: no price imported"))
                    row["price"] = None
        if kind is None:
            log.append((label, r, KIND_UNKNOWN))
            out.rows_not_imported.add((label, r))
            continue
        if key is None:
            log.append((label, r, NO_TENDER))
            out.rows_not_imported.add((label, r))
            continue
        tender_id, title = key
        if tender_id in retender:
            day, why = opening_of(tender_id, kind, row)
            if day is None:
                log.append((label, r, why))
                out.rows_not_imported.add((label, r))
                if kind == OPENING:
                    incomplete.update(retender[tender_id].values())
                continue
            if why:
                log.append((label, r, why))
            tender_id, title = retender[tender_id][day], f"{title}（{day} 开标）"
        if tender_id not in tenders:
            born("tenders", tender_id, r)
        t = tenders.setdefault(tender_id, {"tender_id": tender_id, "title": title})
        kinds.setdefault(tender_id, set()).add(kind)
        if row.get("project_name") or row.get("project_id"):
            pid = row.get("project_id") or stable_id("NP", row["project_name"] or "")
            if pid not in projects:
                born("projects", pid, r)
            projects.setdefault(pid, {"project_id": pid, "name": row.get("project_name") or pid,
                                      "owner_name": row.get("tenderer")})
            fill(t, "project_id", pid, r)
        if row.get("tenderer"):
            fill(t, "tenderer_id", company(row["tenderer"], None, r), r)  # type: ignore[arg-type]
        fill(t, "agency", row.get("agency"), r)
        fill(t, "procedure", row.get("procedure"), r)
        row_wan_ceiling = unit_code(row, "ceiling_unit", wan_ceiling, r)
        ceiling_text = row.get("ceiling_price") if row_wan_ceiling is not None else None
        fill(t, "ceiling_price", _with_unit(ceiling_text, bool(row_wan_ceiling)), r)
        row_wan_bond = unit_code(row, "bond_unit", wan_bond, r)
        if row_wan_bond is not None:
            fill(t, "bid_bond", _with_unit(row.get("bid_bond"), row_wan_bond), r)
        fill(t, "bid_deadline", row.get("bid_deadline"), r)
        fill(t, "publicity_until", row.get("publicity_until") if kind == CANDIDATES else None, r)
        if kind == RESULT and row.get("publicity_until"):
            log.append((label, r, f"{tender_id} 结果公告的公示截止日期“{row['publicity_until']}”未使用：法定公示期（条例 第54条）"
                                      "是中标候选人公示的；如这份公告实为候选人公示，请在公告类型中注明 / a result notice's "
                                      "publicity end is not used: the statutory period is the candidates'"))
        fill(t, "awarded_on", row.get("awarded_on"), r)
        notice = row.get("notice_no") or row.get("notice_title")
        if kind == CANDIDATES:
            fill(t, "candidates_published_on", row.get("published_on"), r)
            fill(t, "candidates_notice", notice, r)
        elif kind == RESULT:
            fill(t, "result_published_on", row.get("published_on"), r)
            fill(t, "result_notice", notice, r)
        name = row.get("company")
        if name is None:
            log.append((label, r, "没有候选人/中标人名称，仅导入标段信息 / no candidate or winner named: only the "
                                      "tender's fields imported"))
            continue
        if kind == OPENING:
            read_out.setdefault(tender_id, [0, 0])[0] += 1
        lead, members = _consortium(name)
        if members:
            log.append((label, r, f"{tender_id} 联合体：牵头人“{lead}”为投标人，成员“{'、'.join(members)}”记入"
                                      "“联合体成员”列 / consortium: the lead is the bidder, the members are kept in "
                                      "the column 联合体成员"))
            name = lead
        if len(name) > MAX_NAME_CHARS:
            log.append((label, r, f"{tender_id} 单位名称长 {len(name)} 字（“{name[:20]}…”），是一段说明文字而不是单位"
                                      f"名称，未导入 / a {len(name)}-character company name is a paragraph, not a "
                                      "name: not imported"))
            out.bidders_not_imported.add((label, r))
            continue
        cid = company(name, row.get("uscc"), r)
        rank = _rank(row.get("rank"))
        # the unit code of the price (PRICE_UNIT) on this row, where the export gives one
        row_wan = unit_code(row, "price_unit", wan_award if kind == RESULT else wan_price, r)
        if kind == RESULT:
            if rank not in (None, "1"):
                log.append((label, r, f"结果公告中排名 {rank} 的单位不是中标人，未导入 / a company ranked {rank} "
                                          f"in a result notice is not the winner: not imported"))
                out.bidders_not_imported.add((label, r))
                continue
            fill(t, "winner_id", cid, r)
            award = row.get("price") if row_wan is not None else None
            if award is None and row_wan is not None and row.get("award_text"):
                stated = row["award_text"]
                award = stated if money_like(stated) else _one_amount(stated)
                said = (f"{tender_id} 中标价取自“报价承诺”中唯一的总金额（“{stated[:40]}”）= {award} / the award price is "
                        "the one amount of the stated offer" if award is not None else
                        f"{tender_id} “报价承诺”中没有唯一的总金额（“{stated[:40]}”），中标价未导入 / the stated offer "
                        "holds no one total amount: the award price is left empty")
                log.append((label, r, said))
            figure, clash = _words_price(award)
            if clash:
                log.append((label, r, _words_clash(tender_id, "中标价", "the award price", award or "", clash)))
                award = None
            elif figure is not None:
                log.append((label, r, f"{tender_id} 中标价按大写金额读取：“{(award or '')[:40]}” = {figure} 元 / the award "
                                      f"price is read from its amount in words"))
                award = figure
            if award is not None and not money_like(award) and _one_amount(award) is not None:
                award = _one_amount(award)
            if award is not None and not money_like(award):
                log.append((label, r, f"{tender_id} 中标价“{award[:30]}”不是金额，未导入 / the award price is no "
                                          "amount: left empty"))
                award = None
            fill(t, "award_price", _with_unit(award, bool(row_wan)), r)
            continue
        if row_wan is None:  # a unit code the spec does not define: logged above, no price guessed
            out.bidders_not_imported.add((label, r))
            continue
        price = _with_unit(row.get("price"), row_wan)
        rate_text = row.get("rate") or (row.get("price") if row.get("price") and _RATE.search(row["price"] or "") else None)
        if pct_rate and row.get("rate") and _NUMBER.match(row["rate"] or ""):
            rate_text = f"{row['rate']}%"  # under a 下浮率（%） header
        source = None
        text_price = None
        figure, clash = _words_price(price)
        if clash:  # 第十九条 says the words stand where a bid gives both; a notice that disagrees with itself is not read
            log.append((label, r, _words_clash(tender_id, f"候选人“{name}”的报价", "the candidate's price", price or "",
                                               clash, ("未作为投标导入", "not imported as a bid"))))
            out.bidders_not_imported.add((label, r))
            continue
        if figure is not None:
            source, price = f"大写金额（“{(price or '')[:40]}”） / the amount in words", figure
        amount = _one_amount(price) if price is not None and not money_like(price) else None
        if amount is not None:  # 勘察费下浮率 0.26%，设计费下浮率 0.26%/4214214.48 元: the one amount is the price
            source = f"单元格中唯一的金额（“{price[:40]}”） / the one amount in the cell"
            price = amount
        elif price is not None and _RATE.search(price):
            price = None  # 下浮率 5% written in the price column
        elif price is not None and not money_like(price):
            text_price, price = price, None  # 未提供, /, 详见附件: no amount
        if price is None:
            rate = None if fee_rates else _rate(rate_text, pct_rate and rate_text == row.get("rate"))
            ceiling = money_decimal(ceiling_text, bool(row_wan_ceiling))
            if price_from_rate and rate is not None and ceiling is not None and not (discount_paid and rate > 1):
                paid = rate if discount_paid else 1 - rate
                price = str((ceiling * paid).quantize(Decimal("0.01")))
                source = (f"最高投标限价×折扣率 {rate_text} / ceiling × discount rate" if discount_paid
                          else f"最高投标限价×(1−下浮率 {rate_text}) / ceiling × (1 − rate)")
            else:
                if rate is not None:
                    why, why_en = "只有费率/下浮率，不是金额", "a rate is not an amount"
                elif text_price or (rate_text and rate_text == row.get("price")):
                    why = f"报价为文字“{(text_price or rate_text or '')[:30]}”，不是金额"
                    why_en = "the price is a text, not an amount"
                elif rate_text:  # the rate column's cell, not read as a rate (0.03: a fraction or 0.03 %?), is no price
                    why, why_en = f"没有报价（下浮率“{rate_text[:30]}”）", "no price (only a rate)"
                else:
                    why, why_en = "没有报价", "no price"
                need = ("（可用 --price-from-rate 按最高投标限价×(1−下浮率)计算）"
                        if rate is not None and ceiling is not None and not price_from_rate else "")
                log.append((label, r, f"{tender_id} 候选人“{name}”{why}{need}，未作为投标导入 / candidate "
                                          f"not imported as a bid: {why_en}"))
                out.bidders_not_imported.add((label, r))
                continue
        if kind == OPENING:
            rank = None  # an opening record's order is the order of reading out, no ranking
        bid_id = f"{tender_id}-{rank}" if rank and rank.isdigit() else stable_id("NB", tender_id, cid)
        if kind == OPENING:
            read_out[tender_id][1] += 1  # a repeated row names a bidder already read: nothing is missing
        if kind == OPENING:
            earlier = read_prices.setdefault(bid_id, [])
            earlier.append((r, price))
            if any(not _same_amount(p, price) for _, p in earlier[:-1]):
                # one bidder read out with two prices: which is its bid is not guessed, and the list is not whole
                said = "，".join(f"第{row_at}行“{p}”" for row_at, p in earlier)
                said_en = ", ".join(f"row {row_at}: {p}" for row_at, p in earlier)
                log.append((label, r, f"{tender_id} 开标记录中投标人“{name}”的报价不一致：{said}；无法判断哪一个是其投标，均未"
                                          f"作为投标导入，投标名单不完整：bid_list = none / the bidder is read out with "
                                          f"different prices ({said_en}): none is imported as its bid, and the bid "
                                          f"list is not whole (bid_list = none)"))
                conflicts.add(bid_id)
                incomplete.add(tender_id)
                out.bidders_not_imported.update((label, row_at) for row_at, _p in earlier)
                continue
        if bid_id in bids:
            log.append((label, r, f"{bid_id} 重复的候选人行，保留第一行 / repeated candidate row, first kept"))
            continue
        score = row.get("score")
        if score is not None and score.endswith("分"):
            score = score[:-1].strip(WHITESPACE)  # 95.5分
        bids[bid_id] = {"bid_id": bid_id, "tender_id": tender_id, "company_id": cid, "price": price,
                        "rank": rank, "score": score, "status": "valid",
                        "下浮率": rate_text, "项目经理": row.get("project_manager"), "价格来源": source}
        if members:
            bids[bid_id]["联合体成员"] = "；".join(members)
        born("bids", bid_id, r)
    for bid_id in conflicts:  # neither price of a bidder read out with two is its bid
        bids.pop(bid_id, None)
    opened = {tid for tid, k in kinds.items() if OPENING in k}
    if opened:
        # a candidates notice of a tender whose opening record is here too: the candidate is one of the bids read out;
        # its rank and score go to that bid instead of making a second bid of the company
        by_company = {(b["tender_id"], b["company_id"]): b for b in bids.values()
                      if b["tender_id"] in opened and b["bid_id"] == stable_id("NB", str(b["tender_id"]),
                                                                                 str(b["company_id"]))}
        for bid_id in [k for k, b in bids.items() if b["tender_id"] in opened and b.get("rank")]:
            b = bids[bid_id]
            same = by_company.get((b["tender_id"], b["company_id"]))
            if same is None or same is b:
                continue
            for col in ("rank", "score"):
                same[col] = same.get(col) or b.get(col)
            del bids[bid_id]
            log.append((out.source, out.origins.get("bids", {}).get(bid_id), f"{bid_id} 候选人即开标记录中的投标，排名并入"
                        f"该投标 / the candidate is a bid of the opening record: its rank joins that bid"))
    for tender_id, t in tenders.items():
        # the opening record reads out every bid: the whole list; a candidates notice its top three only
        t["bid_list"] = ("all" if OPENING in kinds[tender_id] else
                         "candidates" if CANDIDATES in kinds[tender_id] else "none")
        named, kept = read_out.get(tender_id, (0, 0))
        if tender_id in incomplete:  # said on its rows: a bidder with two prices, a row of no known opening
            t["bid_list"] = "none"
            out.incomplete.add(tender_id)
        elif named > kept:
            t["bid_list"] = "none"
            out.incomplete.add(tender_id)
            log.append((label, None, f"{tender_id} 开标记录的 {named} 个投标人中 {named - kept} 个未作为投标导入（见上），"
                                     f"投标名单不完整：bid_list = none，不据此计数或比较投标人 / {named - kept} of the "
                                     f"opening record's {named} bidders not imported as bids: the bid list is "
                                     f"incomplete (bid_list = none)"))
    out.tables = {"companies": list(companies.values()), "projects": list(projects.values()),
                  "tenders": list(tenders.values()), "bids": list(bids.values())}
    return out

#: a tender's bid list as several sheets give it: the fullest stands
_BID_LIST_ORDER = {"none": 0, "candidates": 1, "all": 2}


def _merged(name: str, results: list[NoticeImport], passed: list[tuple[str, str, str]]) -> NoticeImport:
    """The sheets' tables as one import: a company, project or bid once (the first sheet's), a tender's fields from
    the first sheet that gives each, its bid list the fullest; each record keeps the sheet it came from."""
    out = NoticeImport(tables={t: [] for t in ("companies", "projects", "tenders", "bids")},
                       wan_price=any(r.wan_price for r in results), source=name)
    kept: dict[str, dict[str, dict[str, str | None]]] = {t: {} for t in out.tables}

    def take(r: NoticeImport, table: str, k: str, cols: Iterable[str]) -> None:
        """The row of ``r`` each of ``cols`` of record ``k`` was read from: a field's origin goes with its value."""
        for col in cols:
            origin = r.field_origins.get((table, k, col))
            if origin is not None:
                out.field_origins[(table, k, col)] = origin
                out.field_sources[(table, k, col)] = r.source
    for label, why, kind in passed:
        said = ("该工作表未导入", "sheet not imported") if kind == "sheet" else ("该文件未导入", "file not imported")
        out.log.append((label, None, f"{said[0]}：{why} / {said[1]}"))
    conflicts: set[str] = set()
    for r in results:
        out.log.extend(r.log)
        # a code another sheet or file gave another name: this part's company of that name is its own (by its name)
        renamed: dict[str, str] = {}
        for row in r.tables.get("companies", []):
            k = str(row["company_id"])
            first = kept["companies"].get(k)
            if first is not None and row.get("uscc") and not _same_name(str(first["name"]), str(row["name"])):
                renamed[k] = stable_id("NC", _name_key(str(row["name"])))
                out.log.append((r.source, r.origins.get("companies", {}).get(k),
                                _code_conflict(k, str(first["name"]), out.origins["companies"].get(k), str(row["name"]),
                                               str(out.record_sources.get(("companies", k), "")))))
                r.origins.setdefault("companies", {})[renamed[k]] = r.origins.get("companies", {}).get(k, 0)
                row.update(company_id=renamed[k], uscc=None)
        if renamed:
            for table, col in (("tenders", "winner_id"), ("tenders", "tenderer_id"), ("bids", "company_id")):
                for row in r.tables.get(table, []):
                    if row.get(col) in renamed:
                        row[col] = renamed[str(row[col])]
        out.rows_not_imported |= r.rows_not_imported
        out.bidders_not_imported |= r.bidders_not_imported
        out.rows_read += r.rows_read
        out.incomplete |= r.incomplete
        for table, rows in r.tables.items():
            key = EMPTY_COLUMNS[table][0]
            for row in rows:
                k = str(row[key])
                first = kept[table].get(k)
                if first is None:
                    kept[table][k] = row
                    out.tables[table].append(row)
                    out.origins.setdefault(table, {})[k] = r.origins.get(table, {}).get(k)  # type: ignore[assignment]
                    out.record_sources[(table, k)] = r.source
                    take(r, table, k, row)
                elif table == "tenders":
                    filled = [col for col, value in row.items() if value is not None and first.get(col) is None]
                    for col in filled:
                        first[col] = row[col]
                    take(r, table, k, filled)
                    if _BID_LIST_ORDER.get(str(row.get("bid_list")), 0) > _BID_LIST_ORDER.get(str(first.get("bid_list")), 0):
                        first["bid_list"] = row["bid_list"]
                elif (table == "bids" and first.get("rank") is None and row.get("rank") is None
                      and not _same_amount(first.get("price"), row.get("price"))):
                    # one bidder read out with two prices on two sheets: as on one sheet, neither is its bid
                    here, there = r.origins.get("bids", {}).get(k), out.origins.get("bids", {}).get(k)
                    sheet = out.record_sources.get(("bids", k))
                    out.log.append((r.source, here, f"{row['tender_id']} 投标 {k} 的报价与{sheet} 第{there}行不一致："
                                                    f"“{first.get('price')}”与“{row.get('price')}”；无法判断哪一个是其投标，"
                                                    f"均未作为投标导入，投标名单不完整：bid_list = none / the bid's "
                                                    f"price differs from the one on {sheet} row {there}: neither is "
                                                    f"imported, the bid list is not whole (bid_list = none)"))
                    conflicts.add(k)
                    out.incomplete.add(str(row["tender_id"]))
                    both = ((r.source, here), (str(sheet), there))
                    out.bidders_not_imported.update((src, at) for src, at in both if at is not None)
                elif table == "bids":
                    out.log.append((r.source, r.origins.get("bids", {}).get(k),
                                    f"{k} 已由前一个工作表或文件导入，本行未导入 / the bid is imported from an earlier sheet or "
                                    f"file"))
    out.tables["bids"] = [b for b in out.tables["bids"] if b["bid_id"] not in conflicts]
    for t in out.tables["tenders"]:
        if t["tender_id"] in out.incomplete:  # a sheet that found the list not whole outweighs one that did not
            t["bid_list"] = "none"
    return out


#: an amount with its unit inside a longer text (``…设计费下浮率 0.26%/4214214.48 元``)
#: an amount in 元 or 万元 in a text; a unit price (6400 元/吨, 355.01元/米, 12元/㎡, 元每平方米) is none
_AMOUNT_IN_TEXT = re.compile(r"([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(万元|元)(?!\s*[/／每])")
#: a part of a consortium's name as 广东's platforms write it: ``(主)甲公司;(成)乙公司`` (牵头人 and 成员 too)
_CONSORTIUM_PART = re.compile(r"^[(（\[【]\s*(主|成|牵头人?|成员)\s*[)）\]】]\s*")


def _one_amount(text: str) -> str | None:
    """The amount of a text that holds exactly one amount in 元 or 万元 (``4214214.48元``; unit prices such as
    ``6400 元/吨`` do not count), else None: with two (勘察费 … 元，设计费 … 元) which one is the bid is not guessed."""
    found = _AMOUNT_IN_TEXT.findall(text)
    if len(found) != 1:
        return None
    number, unit = found[0]
    return number.replace(",", "").replace("，", "") + unit


#: a name followed by its price in brackets, the price labelled: 甲公司（投标报价：235.00万元）, 乙公司(报价 2,360,000元)
_NAME_AND_PRICE = re.compile(r"^(.+?)\s*[（(]\s*(?:投标|中标|成交)?(?:总?报价|总?价格?|金额|总价)\s*[:：为]?\s*([^（）()]+?)\s*[)）]$")


def _name_and_price(text: str) -> tuple[str, str] | None:
    """(name, price) of a cell holding both, the price in brackets after a label and with its unit (元, 万元) or in
    words; None for any other cell (``某某（中国）有限公司``, ``甲公司（牵头人）``, a bare number: in what unit?)."""
    m = _NAME_AND_PRICE.match(text)
    if m is None:
        return None
    name, amount = m.group(1).strip(WHITESPACE), m.group(2).strip(WHITESPACE)
    if money_like(amount) and re.search(r"元|[¥￥]", amount) or _words_price(amount)[0] is not None:
        return name, amount
    return None


def _words_price(text: str | None) -> tuple[str | None, str | None]:
    """(the amount in 元, None) of a price cell written in words, alone (``壹佰贰拾万元整``) or with its figure in
    brackets that agrees (``人民币壹佰贰拾万元整（¥1,200,000.00）``), read as the dataset loader reads them (words.py);
    (None, ``figure ≠ words``) where the figure and the words disagree; (None, None) for any other cell."""
    if text is None or money_like(text):
        return None, None
    clash = words_conflict(text)
    if clash is not None:
        return None, clash
    value = words_amount(text)
    if value is None:
        return None, None
    return str(Decimal(repr(value)).quantize(Decimal("0.01"))), None


def _words_clash(tender_id: str, what: str, what_en: str, text: str, clash: str,
                 then: tuple[str, str] = ("未导入该金额", "the amount is not imported")) -> str:
    """The log's note of an amount whose figure and words disagree (``then``: what was done about it)."""
    return (f"{tender_id} {what}“{text[:60]}”的小写与大写不一致（{clash}）：无法判断哪一个是该金额，{then[0]} / "
            f"{what_en}: the figure and the amount in words disagree ({clash}): {then[1]}")


def _consortium(name: str) -> tuple[str, list[str]]:
    """(lead, members) of a consortium written ``(主)甲公司;(成)乙公司``; (name, []) for any other name. The lead is
    the bidder (data-contract.md, bids.company_id); the members are kept beside the bid."""
    parts = [p.strip(WHITESPACE) for p in re.split(r"[;；]", name) if p.strip(WHITESPACE)]
    tags = [(_CONSORTIUM_PART.match(p), p) for p in parts]
    if len(parts) < 2 or not all(m for m, _ in tags):
        return name, []
    leads = [p[m.end():] for m, p in tags if m and m.group(1)[0] in "主牵"]
    members = [p[m.end():] for m, p in tags if m and m.group(1)[0] not in "主牵"]
    return (leads[0], members) if len(leads) == 1 and all(leads + members) else (name, [])


@functools.lru_cache(maxsize=4096)
def _uscc_valid(code: str) -> bool:
    """The loader's check of a 统一社会信用代码 (:func:`values.uscc_valid`), once per code."""
    return uscc_valid(code)


def _with_unit(v: str | None, wan: bool) -> str | None:
    """A bare number under a (万元) header written with its unit, so the loader reads 万元."""
    if v is None or not wan or not _NUMBER.match(v.replace(",", "")):
        return v
    return f"{v}万元"


#: the columns a table is written with when no row gives them (an export of result notices only has no bids):
#: an empty table is a header, which the loader reads as zero rows
EMPTY_COLUMNS: dict[str, tuple[str, ...]] = {
    "companies": ("company_id", "name", "uscc"),
    "projects": ("project_id", "name", "owner_name"),
    "tenders": ("tender_id", "title", "bid_list"),
    "bids": ("bid_id", "tender_id", "company_id", "price", "rank", "score", "status"),
}


def write_import(result: NoticeImport, out_dir: str | Path) -> Path:
    """Write the tables as ``<table>.csv`` (UTF-8) and ``import_log.csv`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "problems.csv").unlink(missing_ok=True)  # of an earlier import into the same folder
    for name, rows in result.tables.items():
        starts = _write_csv(out / f"{name}.csv", rows, EMPTY_COLUMNS.get(name, ()))
        key = EMPTY_COLUMNS[name][0] if name in EMPTY_COLUMNS else None
        result.lines[name] = {line: str(row.get(key)) for line, row in zip(starts, rows, strict=True)} if key else {}
    with (out / LOG_FILE).open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "row", "what"])
        w.writerows([f, "" if r is None else r, what] for f, r, what in result.log)
    return out


def _write_csv(path: Path, rows: Iterable[dict[str, str | None]], empty: tuple[str, ...] = ()) -> list[int]:
    """Write the rows; return the line each record starts on (as the loader numbers it: the header is line 1, and a
    quoted cell with line breaks pushes the records below it down)."""
    rows = list(rows)
    columns: list[str] = [] if rows else list(empty)
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    starts, line = [], 2
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for row in rows:
            cells = [("" if row.get(c) is None else row[c]) for c in columns]
            w.writerow(cells)
            starts.append(line)
            line += 1 + sum(len(re.findall(r"\r\n|\r|\n", str(c))) for c in cells)
    return starts


def input_place(result: NoticeImport, problem: Problem) -> Problem:
    """A problem of the imported dataset as the input file's: named by the input file and the row that gave the
    value (or the record), with the generated table's row after the message; unchanged where no row is known."""
    if problem.row is None:
        return problem
    key = result.lines.get(problem.table, {}).get(problem.row)
    if key is None:
        return problem
    field_key = (problem.table, key, problem.column or "")
    row = result.field_origins.get(field_key) or result.origins.get(problem.table, {}).get(key)
    if row is None:
        return problem
    source = (result.field_sources.get(field_key) if result.field_origins.get(field_key)
              else result.record_sources.get((problem.table, key))) or result.source
    return Problem(source, row, problem.column, problem.value,
                   f"{problem.expected}（导入后 {problem.table}.csv 第{problem.row}行 / {problem.table}.csv row "
                   f"{problem.row} as imported）")


# --------------------------------------------------------------------------- command line

#: the files a dataset folder's tables may be (what the loader reads): any of them in --out is someone's data
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".xlsx", ".xls")


def _previous_import(folder: Path) -> bool:
    """Whether ``folder`` holds an earlier ``bidwatch notices`` import: its import_log.csv, with the log's
    header."""
    log = folder / LOG_FILE
    try:
        with log.open(encoding="utf-8-sig", newline="") as fh:
            return fh.readline().strip() == "file,row,what"
    except (OSError, UnicodeDecodeError):
        return False


def unusable_out(out: Path, source: Path) -> str | None:
    """Why ``--out`` cannot take the import, said before the file is read, else None: a file (or a file where one
    of its parent folders should be), the input file's own folder (its tables would replace or join the input), or
    a folder holding data files that are not an earlier notices import's (the import would replace or mix with
    them). An earlier import's folder, known by its import_log.csv, is replaced: its tables and log are written anew,
    other files kept.

    (``bidwatch scan`` has its own guard, ``commands._unusable_out``: it lets a scan's results folder be written
    over and refuses a notices import's folder; the import needs the opposite.)"""
    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        return (f"--out {out}：{existing} 是文件，不是文件夹；请指定一个新的或空的文件夹 / --out {out}: {existing} is a "
                f"file, not a folder; give a new or empty folder")
    if not out.exists():
        return None
    if out.resolve() == source.resolve().parent:
        return (f"--out {out} 是输入文件 {source.name} 所在的文件夹：导入的表会覆盖或混入其中的文件；请另选一个新的或空的"
                f"文件夹 / --out {out} is the folder of the input file {source.name}: the imported tables would "
                f"replace or join its files; choose a new or empty folder")
    data = sorted(p.name for p in out.iterdir() if p.is_file() and p.suffix.lower() in _DATA_SUFFIXES)
    if data and not _previous_import(out):
        return (f"--out {out} 已有数据文件（{'、'.join(data[:5])}{'…' if len(data) > 5 else ''}），且不是此前 bidwatch "
                f"notices 导入的文件夹（没有 {LOG_FILE}）：导入会替换或混入这些表；请选择一个新的或空的文件夹 / --out {out} "
                f"holds data files ({', '.join(data[:5])}{', …' if len(data) > 5 else ''}) and is no earlier notices "
                f"import (no {LOG_FILE}): the import would replace or mix with them; choose a new or empty folder")
    return None


#: how many reasons, and rows of each, are shown on screen when nothing is imported
SHOWN_REASONS = 5
SHOWN_ROWS = 5


def _reasons(result: NoticeImport) -> list[str]:
    """The log's distinct notes, each with how many rows say it and its first rows (at most
    :data:`SHOWN_REASONS` notes)."""
    groups: dict[str, list[tuple[str, int | None]]] = {}
    for file, row, what in result.log:
        groups.setdefault(what, []).append((file, row))
    several = len({file for file, _row, _what in result.log}) > 1
    lines = []
    for what, where in list(groups.items())[:SHOWN_REASONS]:
        rows = [f"{file} {row}" if several else str(row) for file, row in where if row is not None]
        more = "…" if len(rows) > SHOWN_ROWS else ""
        at = f"（第 {'、'.join(rows[:SHOWN_ROWS])}{more} 行）" if rows else ""
        at_en = f" (row {', '.join(rows[:SHOWN_ROWS])}{more})" if rows else ""
        lines.append(f"  {len(where)} 行{at} / {len(where)} row(s){at_en}: {what}")
    if len(groups) > SHOWN_REASONS:
        lines.append(f"  另有 {len(groups) - SHOWN_REASONS} 种说明未列出 / {len(groups) - SHOWN_REASONS} more kind(s) of "
                     "note not shown")
    return lines


def _hints(result: NoticeImport) -> list[str]:
    """What would make an export that gave no tender readable, by the reasons its rows were refused."""
    said = {what for _f, _r, what in result.log}
    hints = []
    if not result.rows_read:
        hints.append("表头以下没有数据行 / there are no rows below the header")
    if KIND_UNKNOWN in said:
        hints.append("提示：如这是开标记录（每个投标人及其报价），请加一列“公告类型”写“开标记录”，或在文件名、工作表名或表头上方的"
                     "标题行写明“开标记录”（如“某工程一标段开标记录.csv”）；中标候选人公示、中标结果公告请在“公告类型”或“公告标题”"
                     "列注明 / hint: for a bid-opening record (every bidder and its price) add a column 公告类型 saying "
                     "开标记录, or say 开标记录 in the file name, the sheet name or a title row above the header; for "
                     "candidates or result notices say so in a 公告类型 or 公告标题 column")
    if NO_TENDER in said:
        hints.append("提示：请加一列“项目名称”（或“标段编号”“公告标题”），每行写明所属的项目或标段；“标段名称”单独不足以区分"
                     "标段 / hint: add a column 项目名称 (or 标段编号, 公告标题) naming each row's project or tender; a "
                     "标段名称 alone does not tell tenders apart")
    return hints


def register(subparsers: object) -> None:
    p = subparsers.add_parser(  # type: ignore[attr-defined]
        "notices", help="导入平台公告（中标候选人公示/中标结果公告）为数据集 / import platform notices as a dataset",
        description="把中标候选人公示、中标结果公告、开标记录的导出表（CSV 或 .xlsx/.xls，每个候选人一行；可多个文件或文件夹，"
                    "合并导入）转换为数据集文件夹，并按数据接口规范校验。/ Convert exports of candidates and result "
                    "notices and bid-opening records (one row per candidate; several files or folders are merged) "
                    "into a dataset folder and validate it. See docs/data-contract.md.")
    p.add_argument("file", nargs="+", metavar="FILE",
                   help="公告导出文件或文件夹，可多个（文件夹中的每个 .csv/.xlsx/.xls/.txt 文件，按文件名排序）/ notices "
                        "exports (.csv, .xlsx, .xls, .txt) or folders of them, one or more, merged")
    p.add_argument("--out", required=True, help="数据集输出文件夹 / dataset folder to write")
    p.add_argument("--price-from-rate", action="store_true",
                   help="只有下浮率时按 最高投标限价×(1−下浮率) 计算报价 / compute a price given only as a discount "
                        "rate as ceiling × (1 − rate)")
    p.set_defaults(func=cmd_notices)


def input_files(given: list[Path]) -> tuple[list[Path], list[tuple[str, int | None, str]], list[str]]:
    """The files to read of the FILE arguments: a file as given, a folder as the files of :data:`INPUT_SUFFIXES` in it
    (not in its subfolders), sorted by name; each file once. Also the log's notes of what was passed over (Excel's
    lock files ``~$…``, a file given twice) and the messages of what is missing (a path that is not there, a folder
    with no such file)."""
    files: list[Path] = []
    notes: list[tuple[str, int | None, str]] = []
    missing: list[str] = []
    seen: set[Path] = set()
    for path in given:
        if path.is_dir():
            inside = sorted((p for p in path.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES),
                            key=lambda p: p.name)
            for p in inside:
                if p.name.startswith("~$"):
                    notes.append((p.name, None, "Excel/WPS 打开文件时留下的临时文件（~$…），未读取 / a lock file of "
                                                "Excel or WPS, not read"))
            inside = [p for p in inside if not p.name.startswith("~$")]
            if not inside:
                missing.append(f"文件夹 {path} 中没有 .csv、.xlsx、.xls 或 .txt 文件（子文件夹不读取）/ the folder {path} "
                               f"holds no .csv, .xlsx, .xls or .txt file (subfolders are not read)")
        elif path.is_file():
            inside = [path]
        else:
            missing.append(_("file not found: %(path)s", path=path))
            continue
        for p in inside:
            if p.resolve() in seen:
                notes.append((p.name, None, "该文件已给出一次，只读取一次 / the file is given twice: read once"))
                continue
            seen.add(p.resolve())
            files.append(p)
    return files, notes, missing


def cmd_notices(args: object) -> int:
    import sys

    from .dataset import load_dataset
    from .problems import DatasetInvalid, write_problems_csv

    given = args.file  # type: ignore[attr-defined]
    out = Path(args.out)  # type: ignore[attr-defined]
    sources, notes, missing = input_files([Path(f) for f in ([given] if isinstance(given, str) else given)])
    if missing:
        for line in missing:
            print(line, file=sys.stderr)
        return 2
    for source in sources:  # the guard of --out, for each input's own folder
        refused = unusable_out(out, source)
        if refused:
            print(refused, file=sys.stderr)
            return 2
    replacing = out.is_dir() and _previous_import(out)
    try:
        result = map_notices(sources, price_from_rate=args.price_from_rate)  # type: ignore[attr-defined]
    except NoticesUnreadable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    result.log[:0] = notes
    if not result.tables["tenders"]:
        # an empty dataset would load and scan as "valid": nothing is written, and why is said here
        print(f"未导入任何标段，未写出数据集 / no tender imported, no dataset written: {result.source}（读取 "
              f"{result.rows_read} 行 / {result.rows_read} row(s) read）", file=sys.stderr)
        for line in _reasons(result) + _hints(result):
            print(line, file=sys.stderr)
        return 2
    if replacing:
        print(f"替换此前导入的数据集 / replacing the earlier import: {out}", file=sys.stderr)
    try:
        write_import(result, out)
    except OSError as exc:
        print(f"无法写入 --out {out}：{exc.strerror or exc} / cannot write --out {out}", file=sys.stderr)
        return 2
    counts = result.counts()
    lists: dict[str, int] = {}
    for t in result.tables["tenders"]:
        lists[str(t["bid_list"])] = lists.get(str(t["bid_list"]), 0) + 1
    print(f"已导入 / imported: {counts['tenders']} 个标段（开标记录完整 {lists.get('all', 0)}，仅候选人 "
          f"{lists.get('candidates', 0)}，无投标或名单不完整 {lists.get('none', 0)}），{counts['bids']} 个投标，"
          f"{counts['companies']} 家单位 → {out} / {counts['tenders']} tenders ({lists.get('all', 0)} with the whole "
          f"bid list of an opening record, {lists.get('candidates', 0)} candidates only, {lists.get('none', 0)} "
          f"with no or an incomplete bid list), {counts['bids']} bids, {counts['companies']} companies")
    whole, bidders = len(result.rows_not_imported), len(result.bidders_not_imported - result.rows_not_imported)
    if whole or bidders:
        print(f"有 {whole} 行未导入，{bidders} 行的单位未作为投标或中标人导入（共读取 {result.rows_read} 行），原因见 "
              f"{out / LOG_FILE} / {whole} row(s) not imported and {bidders} row(s) whose company was not imported "
              f"as a bid or winner, of {result.rows_read} read: see {out / LOG_FILE}", file=sys.stderr)
    if result.log:
        print(f"导入说明 {len(result.log)} 条 / {len(result.log)} import note(s): {out / LOG_FILE}", file=sys.stderr)
    try:
        load_dataset(out)
    except DatasetInvalid as exc:
        problems = [input_place(result, p) for p in exc.problems]  # the input file's rows, not the generated tables'
        write_problems_csv(problems, out / "problems.csv")
        print(f"数据集未通过校验，共 {len(problems)} 个问题 / dataset rejected: {out / 'problems.csv'}",
              file=sys.stderr)
        for p in problems[:20]:
            print(f"  {p}", file=sys.stderr)
        return 2
    print(f"数据集有效，可扫描 / dataset valid: bidwatch scan {out} --out …")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m bidwatch.contract.notices FILE... --out DATASET``."""
    import argparse

    parser = argparse.ArgumentParser(prog="bidwatch")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["notices", *(argv if argv is not None else __import__("sys").argv[1:])])
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["map_notices", "write_import", "input_files", "NoticeImport", "NoticesUnreadable", "stable_id",
           "NOTICE_COLUMNS", "LOG_FILE"]
