"""XLSX workbooks (sheet = table), read with openpyxl in read-only (streaming) mode.

Cells are turned into text in Python, as a CSV export would hold them, and handed to DuckDB as an
Arrow table of strings; row numbers are the sheet's own.  A sheet is recognised by its table's
English or Chinese name or a common variant (:func:`bidwatch.contract.sources.table_for_name`);
the header is found below title rows (:func:`bidwatch.contract.sources.find_header`), blank rows
are skipped, and problems name the sheet.

Bounds.  A workbook is small by nature (Excel stops at 1,048,576 rows) but a sheet's *used range*
is not: one stray formatted cell in column XFD makes openpyxl pad every row to 16,384 cells
(20,000 such rows would take GBs).  So rows are read only as wide as :data:`MAX_COLUMNS`, the
cells right of the header are ignored, and a sheet whose header is wider than :data:`MAX_COLUMNS`
or whose data exceeds :data:`MAX_CELLS` (rows × header columns) is refused with a message that
says to use CSV or Parquet instead, before memory runs out.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import replace
from collections.abc import Iterator
from pathlib import Path

from .problems import Problem
from .schema import TABLES, Table
from .sources import (HEADER_SEARCH_ROWS, Scratch, Source, find_header, first_line, header_score,
                      map_headers, note_title_rows, section_name, table_for_name, two_row_header)
from .sqltext import ident
from .values import WHITESPACE
from .xls import is_ole, xls_to_xlsx

#: Columns read per row: the contract's widest table has 24 columns; extras are kept, up to this.
MAX_COLUMNS = 256
#: Cells (data rows × header columns) a sheet may hold: ~1 GB of Python strings at most.
MAX_CELLS = 10_000_000


FORMULA_WITHOUT_VALUE = ("公式没有保存计算结果：请在 Excel 或 WPS 中打开该工作簿并保存后再导入 / a formula without its "
                         "computed value: open the workbook in Excel or WPS, save it, and load it again")


class SheetTooLarge(Exception):
    """A sheet beyond :data:`MAX_COLUMNS` or :data:`MAX_CELLS`; the message says where."""


def discover_workbook(path: Path, scratch: Scratch, only: Table | None = None) -> tuple[list[Source], list[Problem]]:
    """The sources of a workbook's sheets, each by its name; ``only``: the workbook is that table's file in a dataset
    folder (投标.xlsx), read from its sheet of that name, else its first sheet, and named by the file."""
    import pyarrow as pa
    from openpyxl import load_workbook

    if path.suffix.lower() == ".xls" or is_ole(path):
        # an old .xls (also one renamed .xlsx), or an encrypted .xlsx (the same OLE container, which xlrd refuses):
        # read as the .xlsx it is converted to, every message naming the file as given
        converted = Path(tempfile.mkdtemp(dir=scratch.temp_path("xls").parent)) / f"{path.stem}.xlsx"
        refused = xls_to_xlsx(path, converted)
        if refused is not None:
            return [], [refused]
        sources, problems = discover_workbook(converted, scratch, only)
        for src in sources:
            src.path = path
            if src.sheet == converted.name:
                src.sheet = path.name
        return sources, [replace(p, table=path.name) if p.table == converted.name else p for p in problems]
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a corrupt file
        return [], [Problem(path.name, None, None, None,
                            f"无法读取 Excel 工作簿 / unreadable workbook: {first_line(exc)}")]
    locale_dates(wb)
    sources: list[Source] = []
    problems: list[Problem] = []
    merges = sheet_facts(path)
    try:
        seen: dict[str, str] = {}
        plan, section_problems = _sheet_tables(wb) if only is None else (_only_sheet(wb, only), [])
        problems.extend(section_problems)
        for ws, table in plan:
            if table.name in seen:
                problems.append(Problem(table.name, None, None, f"{seen[table.name]}, {ws.title}",
                                        f"同一张表 {table.name}（{table.zh}）只能有一个工作表 / "
                                        f"table given by more than one sheet"))
                continue
            seen[table.name] = ws.title
            src = Source(table, path, "xlsx", sheet=ws.title if only is None else path.name)
            src.date1904 = str(getattr(wb, "epoch", "")).startswith("1904")
            try:
                facts = merges.get(ws.title) or SheetFacts()
                headers, rows = _sheet_rows(ws, src, facts.merges, facts.uncached)
            except SheetTooLarge as exc:
                src.problems.append(Problem(table.name, None, None, None, str(exc)))
                sources.append(src)
                continue
            if headers is None:
                src.problems.append(Problem(table.name, 1, None, None, "工作表为空 / empty sheet, no header row"))
                sources.append(src)
                continue
            map_headers(src, headers)
            src.problems.extend(_mangled_ids(src))
            # a formula's problem names the contract column, as the cell's other problems would (they are left out)
            by_position = {i: name for name, i in src.positions.items()}
            src.problems = [Problem(p.table, p.row, by_position.get(headers.index(p.column), p.column), p.value, p.expected)
                            if p.expected == FORMULA_WITHOUT_VALUE and p.column in headers else p for p in src.problems]
            src.notices.extend(_hidden_notices(src, facts, rows[0]))
            src.types = ["VARCHAR"] * len(headers)
            arrays = {"__row": pa.array(rows[0], pa.int64())}
            for i in range(len(headers)):
                arrays[f"c{i}"] = pa.array(rows[i + 1], pa.string())
            view = f"__bidwatch_xlsx_{table.name}"
            scratch.con.register(view, pa.table(arrays))
            scratch.on_close(lambda v=view: scratch.con.unregister(v))
            src.from_sql = f"SELECT * FROM {ident(view)}"
            sources.append(src)
    finally:
        wb.close()
    return sources, problems


#: Excel's built-in number formats whose code depends on the locale (ECMA-376 §18.8.30, numFmtId 27–36 and 50–58): in
#: Chinese Excel and WPS the dates yyyy"年"m"月"d"日", yyyy"年"m"月", m"月"d"日" and the times h"时"mm"分",
#: 上午/下午h"时"mm"分". A workbook saved there refers to them by id only; openpyxl knows the English built-ins alone and
#: would hand over the serial number (45352), which the loader must refuse as no date.
LOCALE_DATE_FORMAT_IDS = frozenset((*range(27, 37), *range(50, 59)))


def _only_sheet(wb: object, table: Table) -> list[tuple[object, Table]]:
    """The sheet of a table's own workbook: the one named for the table, else the first."""
    sheets = wb.worksheets  # type: ignore[attr-defined]
    named = [ws for ws in sheets if table_for_name(ws.title) is table]
    return [((named or sheets)[0], table)] if sheets else []


def _sheet_tables(wb: object) -> tuple[list[tuple[object, Table]], list[Problem]]:
    """The sheets to read and the table of each, with the problems of sheets named after one 标段.

    A sheet per 标段 (一标段, 二标段, 01标段: :func:`~bidwatch.contract.sources.section_name`) is read as bids when its
    header names bid columns and it is the workbook's only bids: the loader reads one sheet per table, so several
    are a problem that lists them (their bids go into one 投标 sheet, with a 标段编号 column)."""
    plan: list[tuple[object, Table]] = []
    sections: list[object] = []
    bids = TABLES["bids"]
    for ws in wb.worksheets:  # type: ignore[attr-defined]
        table = table_for_name(ws.title)
        if table is not None:
            plan.append((ws, table))
        elif section_name(ws.title):
            head, rows = [], _text_rows(ws, MAX_COLUMNS + 1)
            for item in rows:
                head.append(item[1])
                if len(head) >= HEADER_SEARCH_ROWS:
                    break
            rows.close()  # the sheet's XML stream: read again from the top if the sheet is taken
            if max((header_score(bids, cells) for cells in head), default=0) >= 2:
                sections.append(ws)
    if len(sections) == 1 and not any(t.name == "bids" for _, t in plan):
        plan.append((sections[0], bids))
    elif sections:
        listed = "、".join(ws.title for ws in sections)  # type: ignore[attr-defined]
        problems = [Problem("bids", None, None, listed,
                            f"每个标段一张工作表（{listed}）：请将各标段的投标记录合并到一张名为“投标”的工作表，"
                            f"用“标段编号”列区分标段 / one sheet per 标段 ({listed}): put the bids of every 标段 "
                            f"into one sheet named 投标, with a 标段编号 (tender_id) column")]
        return plan, problems
    return plan, []


def locale_dates(wb: object) -> None:
    """Make openpyxl read the cells of :data:`LOCALE_DATE_FORMAT_IDS` as dates and times, as Chinese Excel shows them:
    their styles join the workbook's date styles before a row is read (openpyxl converts a cell whose style is one)."""
    styles, dates = getattr(wb, "_cell_styles", None), getattr(wb, "_date_formats", None)
    if styles is None or not isinstance(dates, set):
        return
    for index, style in enumerate(styles):
        if getattr(style, "numFmtId", None) in LOCALE_DATE_FORMAT_IDS:
            dates.add(index)


def _hidden_notices(src: Source, facts: SheetFacts, rows: list[int]) -> list[Problem]:
    """Notices for a hidden sheet and for records in hidden rows (hidden by hand or by a filter): read like any other,
    which the clerk, who does not see them in Excel, may not expect."""
    out = []
    if facts.hidden:
        out.append(Problem(src.table.name, None, None, src.sheet,
                           "该工作表在 Excel 中为隐藏工作表，已照常读取 / the sheet is hidden in Excel: read as any other"))
    hidden = [r for r in rows if r in facts.hidden_rows]
    if hidden:
        listed = "、".join(map(str, hidden[:20])) + ("…" if len(hidden) > 20 else "")
        out.append(Problem(src.table.name, hidden[0], None, listed,
                           f"第 {listed} 行在 Excel 中为隐藏行（或被筛选隐藏），共 {len(hidden)} 行，已照常读取 / rows "
                           f"{listed.replace('、', ', ')} are hidden in Excel (or filtered out), {len(hidden)} in all: "
                           f"read as any other"))
    return out


SECOND_TABLE = ("同一工作表上的第二张表（有自己的表头，列的顺序不同）：本行起不再读取；请将其移到单独的工作表，或按上表的列顺序"
                "并入上表 / a second table on the same sheet (its own header, in another column order): not read from "
                "here; move it to a sheet of its own or merge it into the table above in its column order")


def _second_header(src: Source, headers: list[str], row: list[str | None]) -> bool:
    """Whether a row below the header is the header of another table: text without digits naming several contract
    columns, most of its cells, but not the header itself again (a printed export repeats that on every page: the
    trailers skip it)."""
    filled = [c.strip(WHITESPACE) for c in row if c and c.strip(WHITESPACE)]
    if len(filled) < 3 or any(re.search(r"[0-9０-９]", c) for c in filled):
        return False
    if [(c or "").strip(WHITESPACE) for c in row] == [h.strip(WHITESPACE) for h in headers]:
        return False
    return header_score(src.table, row) * 2 > len(filled)


def _mangled_ids(src: Source) -> list[Problem]:
    """The numeric cells of 1e15 or more in an id column (:data:`~bidwatch.contract.validate.EXCEL_MANGLED_ID`); those
    Excel shows in scientific notation (3.4110020240325e+17) are left to the rule that finds them in any file."""
    from .validate import EXCEL_MANGLED_ID, MANGLED_ID_PATTERN, mangled_id_column

    columns = {i: name for name, i in src.positions.items() if mangled_id_column(src.table.column(name))}
    return [Problem(src.table.name, r, columns[i], text, EXCEL_MANGLED_ID) for r, i, text in src.big_numbers
            if i in columns and not re.fullmatch(MANGLED_ID_PATTERN, text)]


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"')
# a formula cell without a computed value (a workbook written by a program, never opened and saved in Excel)
# (a cell typed t="str" with an empty value is a formula whose result is "": LibreOffice's =IFERROR(…,""))
_UNCACHED_RE = re.compile(rb'<c\s+r="([A-Z]+)([0-9]+)"(?![^>]*\bt="str")[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>([^<]*)</f>)'
                          rb'\s*(?:<v\s*/>|<v></v>)?\s*</c>')


_HIDDEN_ROW_RE = re.compile(rb'<(?:\w+:)?row\s[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER_RE = re.compile(rb'\br="([0-9]+)"')


class SheetFacts:
    """What the streaming reader does not give: merged cells, formulas without a computed value, hidden rows (hidden
    by hand or by a filter) and whether the sheet itself is hidden."""

    def __init__(self) -> None:
        self.merges: list[tuple[int, int, int, int]] = []  # (first row, first column, last row, last column)
        self.uncached: dict[tuple[int, int], str] = {}  # (row, column) -> the formula
        self.hidden_rows: set[int] = set()
        self.hidden = False


def sheet_facts(path: Path) -> dict[str, SheetFacts]:
    """Per sheet name, its merged cells (1-based) and its formulas without a computed value — read from the
    workbook's XML (openpyxl's streaming mode gives neither); {} where the file will not say."""
    import html
    import xml.etree.ElementTree as ET  # noqa: N817 - the usual name
    import zipfile

    from openpyxl.utils import column_index_from_string as col_of

    def read(facts: SheetFacts, xml: bytes) -> None:
        facts.merges += [(int(r1), col_of(c1.decode()), int(r2), col_of(c2.decode()))
                         for c1, r1, c2, r2 in _MERGE_RE.findall(xml)]
        for col, row, formula in _UNCACHED_RE.findall(xml):
            facts.uncached[(int(row), col_of(col.decode()))] = "=" + html.unescape(formula.decode("utf-8", "replace"))
        for tag in _HIDDEN_ROW_RE.findall(xml):
            number = _ROW_NUMBER_RE.search(tag)
            if number:
                facts.hidden_rows.add(int(number.group(1)))

    out: dict[str, SheetFacts] = {}
    try:
        with zipfile.ZipFile(path) as z:
            rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
            targets = {r.get("Id"): r.get("Target", "") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
            for sheet in ET.fromstring(z.read("xl/workbook.xml")).iter():
                if not sheet.tag.endswith("}sheet"):
                    continue
                target = targets.get(sheet.get(rel_ns), "")
                part = target.lstrip("/") if target.startswith("/") else "xl/" + target
                if part not in z.namelist():
                    continue
                facts, tail = SheetFacts(), b""
                facts.hidden = sheet.get("state", "visible") in ("hidden", "veryHidden")
                with z.open(part) as fh:
                    while chunk := fh.read(1 << 20):
                        data = tail + chunk
                        # the last cell may be cut by the chunk: it is searched again with the next one
                        cut = max(data.rfind(b"<c "), data.rfind(b"<mergeCell"), data.rfind(b"<row "))
                        whole, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                        read(facts, whole)
                read(facts, tail)  # the sheet's last cell, its merges
                out[sheet.get("name", "")] = facts
    except Exception:  # noqa: BLE001 - merges are a convenience: an odd file is read without them
        return {}
    return out


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook (for messages about sheets not recognised); [] if unreadable."""
    from openpyxl import load_workbook

    if path.suffix.lower() == ".xls":
        import xlrd

        try:
            book = xlrd.open_workbook(str(path), on_demand=True)
        except Exception:  # noqa: BLE001 - the load itself reports an unreadable workbook
            return []
        try:
            return list(book.sheet_names())
        finally:
            book.release_resources()
    try:
        wb = load_workbook(path, read_only=True)
    except Exception:  # noqa: BLE001 - the load itself reports an unreadable workbook
        return []
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _blank(cells: list[str | None]) -> bool:
    return all(c is None or c.strip(WHITESPACE) == "" for c in cells)


def _text_rows(ws: object, width: int, min_row: int = 1,
               big: list[tuple[int, int, str]] | None = None) -> Iterator[tuple[int, list[str | None]]]:
    """(sheet row, cells as text) of the non-blank rows from ``min_row``, ``width`` cells wide; ``big`` collects the
    numeric cells of 1e15 or more (an id Excel took as a number has lost its last digits: known only here, where the
    cell is still a number).

    openpyxl pads each row to ``max_col``, so the width is what a row costs, whatever the sheet's
    used range says."""
    rows = ws.iter_rows(min_row=min_row, max_col=width)  # type: ignore[attr-defined]
    # (the sheet's own <dimension> is not trusted: some writers say A1 whatever the data, :func:`_sheet_rows`)
    for r, row in enumerate(rows, start=min_row):
        if all(c.value is None for c in row):
            continue
        cells = [_cell_text(c.value, getattr(c, "number_format", None)) for c in row]
        if not _blank(cells):
            if big is not None:
                big.extend((r, i, cells[i]) for i, c in enumerate(row)  # type: ignore[misc]
                           if isinstance(c.value, int | float) and not isinstance(c.value, bool)
                           and abs(c.value) >= 1e15)
            yield r, cells


def _sheet_rows(ws: object, src: Source, merges: list[tuple[int, int, int, int]] = (),  # type: ignore[assignment]
                uncached: dict[tuple[int, int], str] | None = None) -> tuple[list[str] | None, list[list]]:
    """The header (None for an empty sheet) and the columns: ``[rows, c0, c1, …]``.

    The header is the row among the first non-blank ones that names the most contract columns;
    the rows above it are titles (notices).  The first rows are read MAX_COLUMNS + 1 wide to find
    the header; the rest only as wide as the header (cells right of it are ignored).

    A cell merged down over records (标段编号 over its bidders' rows, as clerks lay out a 开标记录) holds its value in
    its first row only: the value is given to every row of the merge, with a notice. A formula whose value the file
    does not hold (written by a program, never saved in Excel or WPS) is a problem naming the cell, not an empty one.
    """
    head: list[tuple[int, list[str | None]]] = []
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # a sheet whose <dimension> says A1 (fastexcel) or too few rows: read to its last row
    first = _text_rows(ws, MAX_COLUMNS + 1)
    for item in first:
        head.append(item)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    first.close()  # closes the sheet's XML stream before the second pass opens it again
    if not head:
        return None, []
    h, depth = find_header(src.table, [cells for _, cells in head], [r for r, _ in head])
    src.header_row = head[h + depth - 1][0]
    note_title_rows(src, head[:h])
    cells = head[h][1]
    if depth == 2:
        cells = two_row_header(src.table, head[h][1], head[h + 1][1])
        src.notices.append(Problem(src.table.name, head[h][0], None, None,
                                   f"表头占两行（第 {head[h][0]}–{src.header_row} 行，合并单元格），合并读取 / header "
                                   f"in two rows ({head[h][0]}–{src.header_row}, merged cells), read together"))
    while cells and (cells[-1] is None or cells[-1].strip(WHITESPACE) == ""):
        cells = cells[:-1]
    if len(cells) > MAX_COLUMNS:
        raise SheetTooLarge(f"工作表“{src.sheet}”的表头超过 {MAX_COLUMNS} 列，请删除多余的列或改用 CSV/Parquet / "
                            f"sheet {src.sheet!r}: header wider than {MAX_COLUMNS} columns; remove the extra "
                            f"columns or use CSV/Parquet")
    headers = [c or "" for c in cells]
    width = len(headers)
    columns: list[list] = [[] for _ in range(width + 1)]
    max_rows = MAX_CELLS // max(width, 1)
    down: dict[int, list[tuple[int, int, int]]] = {}  # first row -> (first column, last row, last column)
    for r1, c1, r2, c2 in merges:
        if r1 > src.header_row and r2 > r1 and c1 <= width:
            down.setdefault(r1, []).append((c1, r2, c2))
    formulas: dict[int, list[tuple[int, str]]] = {}  # row -> (column index, formula)
    for (r, c), formula in (uncached or {}).items():
        if c <= width:
            formulas.setdefault(r, []).append((c - 1, formula))
    held: dict[int, tuple[int, str | None]] = {}  # column index -> (last row of its merge, the value)
    for r, row in _text_rows(ws, width, src.header_row + 1, src.big_numbers):
        for c1, r2, c2 in down.get(r, ()):
            if row[c1 - 1] is not None:
                for c in range(c1, min(c2, width) + 1):
                    held[c - 1] = (r2, row[c1 - 1])
                src.notices.append(Problem(src.table.name, r, headers[c1 - 1] or None, row[c1 - 1],
                                           f"合并单元格（第 {r}–{r2} 行）的值已填入其下各行 / a cell merged over "
                                           f"rows {r}–{r2}: its value is given to each of them"))
        for c, (last, value) in list(held.items()):
            if r > last:
                del held[c]
            elif row[c] is None:
                row[c] = value
        for c, formula in formulas.get(r, ()):
            if row[c] is None:
                src.problems.append(Problem(src.table.name, r, headers[c] or None, formula, FORMULA_WITHOUT_VALUE))
        if _second_header(src, headers, row):
            if columns[0] and sum(1 for i in range(width) if columns[i + 1][-1]) == 1:
                for column in columns:  # its title (二标段开标记录表) is no record either
                    column.pop()
            shown = "  ".join(c.strip(WHITESPACE) for c in row if c and c.strip(WHITESPACE))
            src.problems.append(Problem(src.table.name, r, None, shown, SECOND_TABLE))
            break
        if len(columns[0]) >= max_rows:
            raise SheetTooLarge(f"工作表“{src.sheet}”第 {r} 行起超过 {MAX_CELLS:,} 个单元格（{width} 列 × "
                                f"{max_rows:,} 行）的上限，请改用 CSV 或 Parquet / sheet {src.sheet!r}: more than "
                                f"{MAX_CELLS:,} cells from row {r} on; use CSV or Parquet for a table this large")
        columns[0].append(r)
        for i in range(width):
            columns[i + 1].append(row[i])
    return headers, columns


def _cell_text(v: object, number_format: str | None = None) -> str | None:
    """A cell as the text a CSV export would hold — as Excel shows it where its number format says what the
    number is: ``0.00"万元"`` shows 385.64 as 385.64万元 (the loader reads the unit: 3,856,400 元, not 385.64 元),
    ``0%`` shows 0.05 as 5% (a rate, which a money column refuses as one, not 0.05 元)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if number_format and isinstance(v, int | float) and number_format != "General":
        bare = re.sub(r'"[^"]*"|\\.', "", number_format)  # the format without its quoted and escaped literals
        # 万 shown beside the number: the number is in 万元 (0.00"万元") — unless the format only *displays* yuan in 万
        # by moving the point (0!.0000"万元", 0"."0000"万元") or scaling (0.00,,"万元"): then the value is yuan, as is
        scaled = "!." in number_format or '"."' in number_format or "\\." in number_format or \
            re.search(r"[0#],+(?:$|[^0#])", bare) is not None
        if not scaled and "%" in bare:
            return f"{round(v * 100, 10):g}%"
        if "万" in number_format and not scaled:
            return f"{_cell_text(v)}万元"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            return v.isoformat()
        if (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0):
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)
