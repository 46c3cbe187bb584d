"""One-sheet .xlsx files streamed row by row (openpyxl write-only): Chinese header, frozen header, widths."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from duikou.core.cells import xlsx_row

FONT_NAME = "宋体"


def write_sheet(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths: Sequence[float],
    out: str | os.PathLike | None = None,
) -> bytes | None:
    """A workbook with one sheet: the header row (bold, grey, frozen), then `rows` as they come. Returned as
    bytes, or written to the file `out` (a queued export: memory stays flat however many rows)."""
    # Write-only keeps memory flat however many rows a national export has.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append(xlsx_row(ws, row))
    if out is not None:
        wb.save(out)
        return None
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
