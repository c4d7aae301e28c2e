"""A web page saved as ``.xls``: the tables of an HTML page as the sheets of an .xlsx workbook.

Public resource trading platforms' "导出Excel" often writes the page's HTML table under an ``.xls`` name: Excel and WPS
open it (with a warning) and a clerk sees a spreadsheet, but it is no workbook, and xlrd refuses it ("Expected BOF
record"). ``bidwatch notices`` reads such an export as the spreadsheet it looks like (:func:`html_to_xlsx`): each
table of the page with at least two rows of two filled cells becomes a sheet, the one with the most rows first; a cell
spanning rows or columns (``rowspan``/``colspan``) is written in its first cell with the others left blank, as
openpyxl reads a merged range of a workbook; ``<br>`` is a line break; scripts and styles are not text. Parsing is
the standard library's :class:`html.parser.HTMLParser` (tolerant of the unclosed ``<td>`` and ``<tr>`` such pages
have), so no dependency is added for it.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from .problems import Problem
from .textfiles import decode_text

#: the most columns a row keeps (the .xlsx reader's bound is of the same order), and of rows a cell may span
MAX_COLUMNS = 256
MAX_SPAN = 1000


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[str | None]] = []
        self.pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
        self.row: list[str | None] | None = None
        self.cell: list[str] | None = None
        self.colspan = 1

    def start_row(self) -> None:
        self.end_row()
        self.row = []

    def _skip_covered(self) -> None:
        assert self.row is not None
        while self.pending.get(len(self.row), 0) > 0:
            self.row.append(None)

    def start_cell(self, attrs: dict[str, str | None]) -> None:
        if self.row is None:
            self.start_row()
        self.end_cell()
        self._skip_covered()
        self.cell = []
        self.colspan = _span(attrs.get("colspan"))
        rowspan = _span(attrs.get("rowspan"))
        assert self.row is not None
        if rowspan > 1:
            for c in range(len(self.row), len(self.row) + self.colspan):
                self.pending[c] = rowspan  # counted down as each row ends, this one included

    def end_cell(self) -> None:
        if self.cell is None or self.row is None:
            return
        text = "".join(self.cell)
        lines = [" ".join(line.split()) for line in text.split("\n")]
        value = "\n".join(line for line in lines if line) or None
        self.row.append(value)
        self.row.extend([None] * (self.colspan - 1))
        self.cell = None
        self.colspan = 1

    def end_row(self) -> None:
        self.end_cell()
        if self.row is None:
            return
        self._skip_covered()
        row = self.row[:MAX_COLUMNS]
        self.rows.append(row)
        width = max(len(row), max(self.pending, default=-1) + 1)
        self.pending = {c: n - 1 for c, n in self.pending.items() if n > 1 and c < width}
        self.row = None


def _span(value: str | None) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), MAX_SPAN)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[_Table] = []
        self.done: list[_Table] = []
        self.skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self.open.append(_Table())
        elif not self.open:
            return
        elif tag == "tr":
            self.open[-1].start_row()
        elif tag in ("td", "th"):
            self.open[-1].start_cell(dict(attrs))
        elif tag == "br" and self.open[-1].cell is not None:
            self.open[-1].cell.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and self.open and self.open[-1].cell is not None:
            self.open[-1].cell.append("\n")
        elif tag in ("td", "th") and self.open:
            self.open[-1].start_cell(dict(attrs))
            self.open[-1].end_cell()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif not self.open:
            return
        elif tag == "table":
            table = self.open.pop()
            table.end_row()
            self.done.append(table)
        elif tag == "tr":
            self.open[-1].end_row()
        elif tag in ("td", "th"):
            self.open[-1].end_cell()
        elif tag in ("p", "div", "li") and self.open[-1].cell is not None:
            self.open[-1].cell.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip and self.open and self.open[-1].cell is not None:
            self.open[-1].cell.append(data)

    def close(self) -> None:
        super().close()
        while self.open:
            table = self.open.pop()
            table.end_row()
            self.done.append(table)


def _filled(row: list[str | None]) -> int:
    return sum(1 for v in row if v)


def page_tables(html: str) -> list[list[list[str | None]]]:
    """The data tables of a page (at least two rows of at least two filled cells), the one with the most such rows
    first, the others in the page's order; each a list of rows of cells (``None`` for a blank or covered cell)."""
    parser = _Tables()
    parser.feed(html)
    parser.close()
    tables = [t.rows for t in parser.done if sum(1 for r in t.rows if _filled(r) >= 2) >= 2]
    if not tables:
        return []
    first = max(range(len(tables)), key=lambda i: (sum(1 for r in tables[i] if _filled(r) >= 2), -i))
    return [tables[first]] + [t for i, t in enumerate(tables) if i != first]


def html_to_xlsx(source: Path, target: Path) -> Problem | None:
    """Write the tables of the web page ``source`` (named .xls) as the sheets of the .xlsx ``target``; a problem
    naming ``source`` where the page holds no table of data."""
    from openpyxl import Workbook

    try:
        text = decode_text(source.read_bytes())
    except UnicodeDecodeError:
        return Problem(source.name, None, None, None,
                       "网页文件的编码无法识别（不是 UTF-8 或 GB18030） / the web page is neither UTF-8 nor GB18030")
    tables = page_tables(text)
    if not tables:
        return Problem(source.name, None, None, None,
                       "文件是网页（以 .xls 命名），但其中没有数据表格（至少两行、每行两个以上单元格） / the file is a web page "
                       "named .xls with no table of data in it (two rows of two cells at least)")
    wb = Workbook(write_only=True)
    for n, rows in enumerate(tables, start=1):
        ws = wb.create_sheet(title=f"表{n}")
        for row in rows:
            ws.append(row)
    wb.save(target)
    return None
