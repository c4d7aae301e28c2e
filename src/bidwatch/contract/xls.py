"""Old Excel 97–2003 workbooks (.xls, BIFF8), as WPS and many trading platforms' exports still save them.

The workbook is read with xlrd and written as an .xlsx in the load's scratch folder, with what the .xlsx reader
looks at: each cell's value and number format (``0.00"万元"``, ``0%``), dates as dates (in the workbook's date
system), merged ranges, hidden rows and sheets. So every habit the .xlsx reader knows (title rows, two-row headers,
totals and signature rows, a sheet per 标段, the 万元 of a format) applies to an .xls alike, and problems name the
same sheets and rows. Numbers in an .xls are all floats: a whole number is written as an integer, as Excel shows it
(an id 1001 stays 1001, not 1001.0).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .problems import Problem

#: The OLE compound file's signature: an .xls, or an encrypted .xlsx (Excel wraps those in the same container)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
def is_ole(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(8) == OLE_SIGNATURE


def xls_to_xlsx(source: Path, target: Path) -> Problem | None:
    """Write the .xls ``source`` as the .xlsx ``target``; a problem naming ``source`` where xlrd cannot read it (an
    encrypted workbook, an encrypted .xlsx, a damaged file)."""
    import xlrd
    from openpyxl import Workbook

    from .xlsx import MAX_COLUMNS  # the .xlsx reader's own bound on the columns read per row
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    from openpyxl.worksheet.cell_range import CellRange

    try:
        book = xlrd.open_workbook(str(source), formatting_info=True, on_demand=True)
    except Exception as exc:  # noqa: BLE001 - xlrd raises XLRDError, struct and compound-document errors
        text = str(exc)
        encrypted = "encrypt" in text.lower() or "EncryptionInfo" in text or "EncryptedPackage" in text
        why = ("工作簿设有打开密码（已加密）：请在 Excel/WPS 中取消密码（文件→信息→保护工作簿）并另存为 .xlsx 后再导入 / "
               "the workbook is password-protected (encrypted): remove the password and save it as .xlsx"
               if encrypted or source.suffix.lower() != ".xls" else
               f"无法读取旧版 .xls 工作簿：{text.splitlines()[0] if text else type(exc).__name__}；请在 Excel/WPS 中另存为 "
               f".xlsx 后再导入 / unreadable .xls workbook: save it as .xlsx in Excel or WPS")
        return Problem(source.name, None, None, None, why)
    try:
        # write-only: rows streamed to the file as they are read (an .xls sheet of 65,536 rows × 30 columns would be
        # 2M openpyxl cells in memory otherwise); merged ranges and hidden rows are set before the rows are written
        wb = Workbook(write_only=True)
        if book.datemode == 1:
            wb.epoch = CALENDAR_MAC_1904
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            ws = wb.create_sheet(title=sheet.name)
            if sheet.visibility:
                ws.sheet_state = "hidden"
            for rlo, rhi, clo, chi in sheet.merged_cells:
                if rhi - rlo > 1 or chi - clo > 1:
                    ws.merged_cells.add(CellRange(min_row=rlo + 1, max_row=rhi, min_col=clo + 1, max_col=chi))
            for r, info in sheet.rowinfo_map.items():
                if info.hidden and r < sheet.nrows:
                    ws.row_dimensions[r + 1].hidden = True
            for r in range(sheet.nrows):
                row: list[object] = []
                for c in range(min(sheet.row_len(r), MAX_COLUMNS)):
                    cell = sheet.cell(r, c)
                    value = _value(cell, book.datemode)
                    fmt = _number_format(book, cell.xf_index) if value is not None else None
                    if fmt and not isinstance(value, dt.datetime | dt.time | str | bool):
                        out = WriteOnlyCell(ws, value=value)
                        out.number_format = fmt
                        value = out
                    row.append(value)
                ws.append(row)
            book.unload_sheet(index)
        wb.save(target)
    finally:
        book.release_resources()
    return None


def _value(cell: object, datemode: int) -> object:
    import xlrd

    kind, value = cell.ctype, cell.value  # type: ignore[attr-defined]
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_TEXT:
        return value or None
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() and abs(value) < 1e15 else value
    if kind == xlrd.XL_CELL_DATE:
        try:
            stamp = xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value  # no date in either system: the number, which the loader then refuses as a date
        return stamp.time() if value < 1 else stamp
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    return value


def _number_format(book: object, xf_index: int) -> str | None:
    """The number format string of an XF record (``0.00"万元"``), None for General."""
    try:
        xf = book.xf_list[xf_index]  # type: ignore[attr-defined]
        fmt = book.format_map[xf.format_key].format_str  # type: ignore[attr-defined]
    except (IndexError, KeyError, AttributeError):
        return None
    return None if not fmt or fmt == "General" else fmt
