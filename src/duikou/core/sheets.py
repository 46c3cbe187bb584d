"""The one .xlsx writer: every workbook duikou hands out (list exports, national exports, the dashboard, the
indicator tables, the 督办 ledger, new accounts, assessment scores) is written here, streamed row by row
(openpyxl write-only: memory stays flat however many rows), each text cell through `core.cells` (a text that
starts like a formula stays text). The one exception is the 任务分工 table (exchange/tasktable.py): a printable
form read back in, laid out cell by cell, saved through `to_bytes`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from duikou.core.cells import as_text_cell, looks_like_formula
from duikou.core.dates import XLSX_DATE_FORMAT as DATE_FORMAT

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "宋体"
CAPTION_FONT = "方正小标宋简体"
MONEY_FORMAT = "#,##0.00"
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")


@dataclass
class Sheet:
    """One sheet: an optional caption (a title merged across, large) and lines above the header, the header
    (bold, grey, frozen), the rows as they come, lines below. `formats` gives a column (0-based) its number
    format; `wrap` wraps every cell (top-aligned); `borders` boxes the header and the rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[float] = ()
    caption: str | None = None
    above: Sequence[Sequence] = ()
    below: Sequence[Sequence] = ()
    formats: Mapping[int, str] = field(default_factory=dict)
    wrap: bool = False
    borders: bool = False


def sheet_name(name: str, used: set[str]) -> str:
    """A sheet title Excel accepts (≤ 31 characters, none of []:*?/\\), unique among `used` (which it joins)."""
    base = "".join(c for c in str(name) if c not in "[]:*?/\\")[-28:] or "sheet"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:25]}-{n}", n + 1
    used.add(candidate)
    return candidate


def _text_row(ws, values: Iterable) -> list:
    return [as_text_cell(WriteOnlyCell(ws, value=v)) if looks_like_formula(v) else v for v in values]


def _write(book: Workbook, spec: Sheet, used: set[str]) -> None:
    ws = book.create_sheet(sheet_name(spec.title, used))
    width = len(spec.headers)
    for i, w in enumerate(spec.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    # Write-only sheets write their view (the frozen header) with the first row: set before any row.
    ws.freeze_panes = f"A{(1 if spec.caption else 0) + len(spec.above) + 2}"
    row = 0
    if spec.caption:
        cell = WriteOnlyCell(ws, value=spec.caption)
        cell.font = Font(name=CAPTION_FONT, size=16)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.append([cell])
        row += 1
        if width > 1:
            ws.merged_cells.add(CellRange(min_col=1, min_row=row, max_col=width, max_row=row))
    for line in spec.above:
        ws.append(_text_row(ws, line))
        row += 1
    header = []
    for text in spec.headers:
        cell = WriteOnlyCell(ws, value=str(text))
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if spec.borders:
            cell.border = _BOX
        header.append(cell)
    ws.append(header)
    styled = spec.wrap or spec.borders
    alignment = Alignment(wrap_text=True, vertical="top") if spec.wrap else None
    for values in spec.rows:
        out = []
        for i, value in enumerate(values):
            number_format = spec.formats.get(i)
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                number_format = number_format or DATE_FORMAT
            if not (styled or number_format or looks_like_formula(value)):
                out.append(value)
                continue
            cell = as_text_cell(WriteOnlyCell(ws, value=value))
            if number_format:
                cell.number_format = number_format
            if alignment is not None:
                cell.alignment = alignment
            if spec.borders:
                cell.border = _BOX
            out.append(cell)
        ws.append(out)
    for line in spec.below:
        ws.append(_text_row(ws, line))


def write_book(sheets: Iterable[Sheet], *, out: str | os.PathLike | None = None) -> bytes | None:
    """A workbook of `sheets`, as bytes or written to the file `out` (a queued export)."""
    book = Workbook(write_only=True)
    used: set[str] = set()
    for spec in sheets:
        _write(book, spec, used)
    if not used:
        _write(book, Sheet("Sheet1", [], []), used)
    if out is not None:
        book.save(out)
        return None
    return to_bytes(book)


def write_sheet(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths: Sequence[float] = (),
    out: str | os.PathLike | None = None,
    **options,
) -> bytes | None:
    """A workbook with one sheet (see Sheet), as bytes or written to the file `out`."""
    return write_book([Sheet(title, headers, rows, widths, **options)], out=out)


def to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
