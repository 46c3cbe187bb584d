"""PDF by layout (pdfplumber): glyph positions into lines and paragraphs, ruled tables into rows of cells.

pdfplumber was chosen by measurement against pypdf (see docs/reader.md): pypdf's text comes in content-stream
order with guessed line breaks, so table cells and wrapped lines come apart and quotation marks land elsewhere;
pdfplumber gives each glyph's box and the page's ruling lines, from which lines, paragraphs and table cells
are rebuilt. PyMuPDF is AGPL, which does not suit this Apache-2.0 project. Pages without a text layer are read
through OCR (`ocr.py`).
"""

from __future__ import annotations

import io
import os

from ..document import Document, Progress, ReadingFinding
from .errors import ReaderError
from .layout import (
    Glyph,
    Line,
    Page,
    TableItem,
    assemble,
    cell_text,
    glyphs_to_lines,
    header_tables,
    is_justified,
)
from .limits import Budget, check_pages

_TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "intersection_tolerance": 4,
}


def _glyphs(chars: list[dict]) -> list[Glyph]:
    return [
        Glyph(
            c["text"],
            float(c["x0"]),
            float(c["x1"]),
            float(c["top"]),
            float(c["bottom"]),
            float(c.get("size") or 10),
        )
        for c in chars
        if c.get("upright", True) and c["text"]
    ]


def _inside(glyph: Glyph, box: tuple[float, float, float, float]) -> bool:
    x, y = (glyph.x0 + glyph.x1) / 2, (glyph.top + glyph.bottom) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _table_rows(
    table, glyphs: list[Glyph], page_number: int
) -> tuple[list[list[str | None]], list[list[int]], list[bool]]:
    """The table's grid of cell texts and, per cell, the row its text comes from.

    A cell merged across columns gives its text once (the columns it covers are None, dropped later); one
    merged down repeats its text in the rows it covers, as Word's vertical merge reads.
    """
    xs = sorted({cell[0] for cell in table.cells})
    cell_lines = {
        box: glyphs_to_lines([g for g in glyphs if _inside(g, box)], page_number, cell=True)
        for box in table.cells
    }
    justified = is_justified([line for lines in cell_lines.values() for line in lines])
    ended: list[bool] = []
    rows: list[list[str | None]] = []
    origins: list[list[int]] = []
    above: dict[int, tuple[str, int]] = {}
    for r, row in enumerate(table.rows):
        cells = row.cells
        out: list[str | None] = []
        origin: list[int] = []
        for index, box in enumerate(cells):
            if box is None:
                left = next((c for c in reversed(cells[:index]) if c is not None), None)
                if left is not None and left[2] > xs[index] + 1:
                    out.append(None)  # covered by a cell spanning from the left: its text was given once
                    origin.append(r)
                    continue
                text, source = above.get(index, ("", r))
                out.append(text)
                origin.append(source)
                continue
            text, ended_here = cell_text(cell_lines[box], box[0], box[2], justified)
            if r == len(table.rows) - 1:
                ended.append(ended_here)
            above[index] = (text, r)
            out.append(text)
            origin.append(r)
        rows.append(out)
        origins.append(origin)
    return rows, origins, ended


def _column_x(table, index: int) -> float | None:
    xs = sorted({cell[0] for cell in table.cells})
    return xs[index] if index < len(xs) else None


def read_pdf(
    data: bytes,
    path: str | os.PathLike | None = None,
    *,
    progress: Progress | None = None,
    budget: Budget | None = None,
) -> Document:
    """A PDF's paragraphs and tables by layout; pages without text go through OCR."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    budget = budget or Budget(path)  # the PDF's content limit was checked by read_bytes (check_file)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        page_count = len(pdf.pages)
    except PDFPasswordIncorrect as error:
        raise ReaderError(
            path, "该 PDF 设有打开密码，无法读取。", "the PDF is protected by an open password."
        ) from error
    except Exception as error:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        raise ReaderError(
            path,
            "无法读取该 PDF 文件（文件可能已损坏或加密）。",
            "the PDF cannot be read (it may be damaged or encrypted).",
        ) from error
    check_pages(page_count, path)
    document = Document(source=str(path) if path else None, kind="pdf", pages=page_count)
    pages: list[Page] = []
    scanned: list[int] = []
    try:
        for number, page in enumerate(pdf.pages, start=1):
            budget.check()
            glyphs = _glyphs(page.chars)
            layout_page = Page(number, float(page.width), float(page.height))
            pages.append(layout_page)
            if not any(g.text.strip() for g in glyphs):
                if page.images:  # a picture of a page: read it through OCR (a blank page has nothing)
                    scanned.append(number)
                continue
            # one ruled row of three or more cells is a table too: a header row or a row a page break left
            # alone at the foot of a page, continued on the next (two cells alone are a framed box)
            tables = [
                t
                for t in page.find_tables(_TABLE_SETTINGS)
                if len(t.rows[0].cells) >= (2 if len(t.rows) >= 2 else 3)
            ]
            items: list[tuple[float, Line | TableItem]] = []
            in_table: set[int] = set()
            for table in tables:
                box = table.bbox
                inside = [g for g in glyphs if _inside(g, box)]
                in_table.update(id(g) for g in inside)
                grid, origins, ended = _table_rows(table, inside, number)
                items.append((box[1], TableItem(grid, box[1], box[3], number, origins, ended)))
            free = [g for g in glyphs if id(g) not in in_table]
            items += [(line.top, line) for line in glyphs_to_lines(free, number)]
            layout_page.items = [item for _, item in sorted(items, key=lambda pair: pair[0])]
            page.flush_cache()
    except ReaderError:
        raise
    except Exception as error:  # noqa: BLE001
        raise ReaderError(
            path, "无法读取该 PDF 文件（文件可能已损坏）。", "the PDF cannot be read (it may be damaged)."
        ) from error
    finally:
        pdf.close()
    header_tables(pages)  # borderless tables on the text pages (the scanned ones are still empty here)
    if scanned:
        from .ocr import ocr_pdf_pages

        ocr_pages, findings = ocr_pdf_pages(data, scanned, path, progress=progress, budget=budget)
        for ocr_page in ocr_pages:
            pages[ocr_page.number - 1] = ocr_page
        document.findings += findings
        if len(scanned) == page_count:
            document.kind = "pdf-scan"
    assemble(pages, document)
    if not any(block.text.strip() or block.rows for block in document.body()):
        raise ReaderError(
            path,
            "该 PDF 没有文字层，文字识别（OCR）也未得到文字。",
            "the PDF has no readable text (no text layer, and OCR found none).",
        )
    return document


__all__ = ["read_pdf", "ReadingFinding"]
