"""The one document model between the file formats and the rules.

Every loader (text, web page, Word, PDF, OFD, OCR of scans, LibreOffice conversions) fills a `Document`: blocks
in reading order, each a paragraph with its numbering label as printed ("一、", "（三）", "1.") or a table as rows
of cells (merged cells resolved to their text), with the page it sits on and whether it is page furniture.
`Document.lines()` renders the line stream the rules read: the label prefixed to its paragraph, table rows as
tab-joined cells, page numbers and running headers left out. No Django here (the reader is a plain library).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

# what a furniture block is: never part of the plan's text, kept so a reviewer can see what was removed
Furniture = Literal["page_number", "running_header", "running_footer", "chrome"]
# a block that belongs to the document but not to its body: kept in the line stream, marked for the rules
Role = Literal["body", "distribution", "signature", "note"]

# progress of a long parse (OCR): (done, total, what) — e.g. (3, 10, "OCR")
Progress = Callable[[int, int, str], None]


@dataclass
class Block:
    """A paragraph (text, label) or a table (rows); `page` counts from 1 where the format has pages."""

    text: str = ""
    label: str = ""
    level: int | None = None
    page: int | None = None
    furniture: Furniture | None = None
    role: Role = "body"
    rows: list[list[str]] | None = None

    @property
    def is_table(self) -> bool:
        return self.rows is not None

    def line(self) -> str:
        """The paragraph as printed: numbering label, then text."""
        return f"{self.label}{self.text}" if self.label else self.text


@dataclass
class ReadingFinding:
    """Something uncertain about the reading itself (not the plan): a low-confidence OCR page, say."""

    kind: str
    zh: str
    en: str
    page: int | None = None

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Document:
    """A file's content in reading order, whatever its format."""

    blocks: list[Block] = field(default_factory=list)
    source: str | None = None
    kind: str = "text"
    pages: int | None = None
    findings: list[ReadingFinding] = field(default_factory=list)

    @property
    def read_by_ocr(self) -> bool:
        """Its text came through OCR (a scanned PDF, a page image): the same words may read differently."""
        return self.kind in ("pdf-scan", "image")

    def add_paragraph(self, text: str, **fields) -> Block:
        block = Block(text=text, **fields)
        self.blocks.append(block)
        return block

    def add_table(self, rows: Iterable[Iterable[str]], **fields) -> Block:
        block = Block(rows=[list(row) for row in rows], **fields)
        self.blocks.append(block)
        return block

    def body(self) -> list[Block]:
        """Blocks that are not page furniture."""
        return [block for block in self.blocks if block.furniture is None]

    def lines(self) -> list[str]:
        """The line stream the rules read: labels prefixed, table rows tab-joined, furniture left out."""
        out: list[str] = []
        for block in self.blocks:
            if block.furniture is not None:
                continue
            if block.rows is not None:
                for row in block.rows:
                    cells = [" ".join(cell.split()) for cell in row]
                    if any(cells):
                        out.append("\t".join(cells))
            else:
                out.append(block.line())
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def from_lines(lines: Iterable[str], source: str | None = None, kind: str = "text") -> Document:
    """A document whose blocks are the given lines, one paragraph each (plain text: nothing else is known)."""
    document = Document(source=source, kind=kind)
    for line in lines:
        document.add_paragraph(line)
    return document
