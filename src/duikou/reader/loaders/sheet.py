"""Spreadsheets (.xlsx; .xls/.et after LibreOffice): each sheet a table, merged cells resolved."""

from __future__ import annotations

import io
import os

from ..document import Document
from .errors import ReaderError
from .limits import check_zip

MAX_CELLS = 2_000_000


def read_xlsx(data: bytes, path: str | os.PathLike | None = None) -> Document:
    """Every sheet's used rows as a table; a merged range gives its text once across, repeated down."""
    check_zip(data, path, ("表格文件", "the spreadsheet"))
    try:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
        raise ReaderError(
            path,
            "无法读取该表格文件（文件可能已损坏）。",
            "the spreadsheet cannot be read (it may be damaged).",
        ) from error
    document = Document(source=str(path) if path else None, kind="xlsx")
    for sheet in book.worksheets:
        if (sheet.max_row or 0) * (sheet.max_column or 0) > MAX_CELLS:
            raise ReaderError(path, f"工作表“{sheet.title}”过大。", f"sheet '{sheet.title}' is too large.")
        covered_across: set[tuple[int, int]] = set()
        merged_value: dict[tuple[int, int], object] = {}
        for merged in sheet.merged_cells.ranges:
            top_left = sheet.cell(merged.min_row, merged.min_col).value
            for row in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    if col > merged.min_col:
                        covered_across.add((row, col))
                    else:
                        merged_value[(row, col)] = top_left
        rows: list[list[str]] = []
        for r, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for c, cell in enumerate(row, start=1):
                if (r, c) in covered_across:
                    continue
                value = merged_value.get((r, c), cell.value)
                cells.append("" if value is None else " ".join(str(value).split()))
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                rows.append(cells)
        if rows:
            if len(book.worksheets) > 1:
                document.add_paragraph(sheet.title)
            document.add_table(rows)
    return document
