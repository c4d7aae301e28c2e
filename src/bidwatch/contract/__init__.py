"""The tender data contract (招投标数据接口规范): schemas, loading with validation, writing.

>>> from bidwatch.contract import load_dataset, DatasetInvalid, write_problems_csv
>>> try:                                                      # doctest: +SKIP
...     ds = load_dataset("path/to/dataset")                  # folder of CSV/Parquet, or .xlsx
... except DatasetInvalid as exc:
...     write_problems_csv(exc.problems, "problems.csv")      # every problem, for the uploader
>>> ds.con.sql("SELECT tender_id, count(*) FROM bids GROUP BY 1")   # doctest: +SKIP

The spec is ``shared/data-contract.md``.  Choices made where it leaves room:

* **Headers.** English name (case, spaces, ``-`` ignored) or the Chinese alias, whitespace around
  ignored.  ``docs_from`` / ``docs_until`` share the alias 招标文件发售起止 in the spec, which
  cannot name two columns: we accept 招标文件发售起始日期 / 发售开始日期 / 发售起始日期 and
  招标文件发售截止日期 / 发售截止日期.  ``tenders.ceiling_price`` also takes 招标控制价 and
  ``contracts.procedure`` 招标方式.  A unit in the header (``投标报价（万元）``) makes bare
  numbers of that money column count as 万元.  Table files and sheets may also be named by the
  Chinese table name (``投标.csv``) or a common variant (``企业``, ``标段``, ``2.投标记录表``);
  a CSV whose header has tabs and no comma is tab-separated.
* **A clerk's sheet.** The header is found below title rows (the row among the first 20 that names
  the most columns); a "单位：万元" title row makes bare amounts 万元; totals rows (合计/小计/总计)
  and trailing signature or note rows (填表人, 审核人, 填报日期, 备注：…) are skipped, never records.
  Each is a *notice* (``Dataset.notices``, ``DatasetInvalid.notices``): a non-fatal message with
  its place.  In a workbook, problems and notices name the sheet as the user named it.
* **Cells.** Trimmed (also ideographic space, NBSP); empty = NULL.  Money: ``1,234.50``,
  ``1234.5元``, ``123.45万元``, ``0.5万``, ``¥``/``人民币``, full-width digits, exponents; 万 is an
  exact decimal shift, so ``123.45万元`` equals ``1234500`` bit for bit.  Numbers may end in ``%``.
  A rate in a money column (``下浮率 5%``, ``费率3.5%``) is refused as "这是费率/下浮率，不是金额".
  Dates: ``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY.M.D``, ``YYYY年M月D日``, ``YYYYMMDD``; a time part
  is dropped.  Timestamps: ISO-8601 or ``YYYY-MM-DD HH:MM[:SS[.f]]`` (also ``/`` and 年月日时分秒:
  ``2025年06月13日 18时00分``, ``2025年6月13日9点30分整``), naive Asia/Shanghai;
  ``Z``/``+hh:mm`` are converted.  Enumerations: code or Chinese word, case,
  spaces, ``_`` and ``-`` ignored; a word written ``A/B`` accepts ``A`` and ``B`` (否决, 废标);
  竞争性磋商 is ``negotiated``.  ``uscc`` is upper-cased, ``mac`` becomes ``AA:BB:CC:DD:EE:FF``,
  ``text_path`` uses ``/``.  Excel cells: integral numbers lose ``.0``; dates at midnight are dates.
* **Rows.** Record number with the header as row 1, or the header's own line below title rows
  (CSV: the physical line of a broken record; XLSX: the sheet row; Parquet: file row + 2).
  Blank rows are skipped (XLSX; CSV empty lines and rows of empty fields) without renumbering.  A record with the wrong number of fields is an
  error, not padded.
* **Loading** is one DuckDB transaction: a rejected dataset leaves no table in the connection; a
  valid one replaces the contract tables there and drops contract tables it does not have.
  ``max_problems_per_check`` (default 1000) bounds the rows listed per rule, with one "N more"
  problem after them; ``None`` lists all.
* **Appending** (``add_sanctions``): sanction records kept outside the dataset (the web
  application's sanctions registry) join a loaded dataset's ``sanctions`` table through the same
  staging and checks, all or nothing; a ``sanction_id`` the dataset already has is refused.
* **Writing** (``save_dataset``) also writes tables outside the contract (e.g. ``labels``) as they
  are.  XLSX keeps Excel's 15 significant digits.
"""

from __future__ import annotations

from .append import add_sanctions
from .dataset import Dataset, load_dataset
from .problems import DatasetInvalid, Problem, write_notices_csv, write_problems_csv
from .schema import REQUIRED_TABLES, TABLES, Column, ForeignKey, Table
from .writer import save_dataset

__all__ = [
    "TABLES",
    "REQUIRED_TABLES",
    "Table",
    "Column",
    "ForeignKey",
    "load_dataset",
    "add_sanctions",
    "Dataset",
    "DatasetInvalid",
    "Problem",
    "write_problems_csv",
    "write_notices_csv",
    "save_dataset",
]
