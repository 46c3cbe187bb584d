"""Word (.docx) as printed: list numbers rendered, tables with merged cells, tracked changes accepted.

Read from the document's XML rather than python-docx's `.text`: that text has no list numbers, keeps deleted
revisions, and repeats a merged cell. Headers, footers and comments live in other parts and are not read.
"""

from __future__ import annotations

import io
import os

from ..document import Document
from .errors import ReaderError
from .limits import check_zip
from .numbering import Numbering, W, load_numbering

_SKIP = {W + t for t in ("del", "moveFrom", "delText", "instrText", "delInstrText", "rPr", "pPr", "footnoteReference",
                         "endnoteReference", "commentReference", "annotationRef", "drawing", "pict", "object")}  # fmt: skip
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _run_text(element, out: list[str]) -> None:
    """Text of a paragraph's content in order, accepting insertions and dropping deletions."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP or tag == _MC_FALLBACK:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab" or tag == W + "ptab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "sym":
            out.append("")
        else:
            _run_text(child, out)


class _Reader:
    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering

    def paragraph(self, p) -> tuple[str, str, int | None]:
        """(label, text, level) of a w:p."""
        out: list[str] = []
        _run_text(p, out)
        text = "".join(out)
        label, level = "", None
        ppr = p.find(W + "pPr")
        num_id, ilvl = None, None
        style = None
        if ppr is not None:
            num_pr = ppr.find(W + "numPr")
            style_node = ppr.find(W + "pStyle")
            style = style_node.get(W + "val") if style_node is not None else None
            if num_pr is not None:
                num_node, ilvl_node = num_pr.find(W + "numId"), num_pr.find(W + "ilvl")
                num_id = num_node.get(W + "val") if num_node is not None else None
                ilvl = int(ilvl_node.get(W + "val")) if ilvl_node is not None else None
            # a paragraph whose own mark is a deleted revision merges into the next: keep it simple, keep it
        if num_id is None and style and style in self.numbering.style_numbering:
            num_id, style_ilvl = self.numbering.style_numbering[style]
            if ilvl is None:
                ilvl = style_ilvl
            if ilvl is None:
                ilvl = self.numbering.level_for_style(num_id, style)
        if num_id and num_id != "0" and (text.strip() or True):
            if ilvl is None and style:
                ilvl = self.numbering.level_for_style(num_id, style)
            ilvl = ilvl or 0
            label, suffix = self.numbering.next_label(num_id, ilvl)
            level = ilvl
            if label and suffix != "nothing" and label[-1] not in "、.．)）:：」" and not label[-1].isspace():
                label += " "
        return label, text, level

    def cell_text(self, tc) -> str:
        parts = []
        for child in tc:
            if child.tag == W + "p":
                label, text, _ = self.paragraph(child)
                parts.append(label + text)
            elif child.tag == W + "tbl":
                parts += ["\t".join(row) for row in self.table(child)]
            elif child.tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    parts.append(self.cell_text(content))
        return " ".join(" ".join(parts).split())

    def table(self, tbl) -> list[list[str]]:
        """Rows of cells; a horizontally merged cell once, a vertically merged one repeated down its rows."""
        rows: list[list[str]] = []
        above: dict[int, str] = {}  # grid column -> text of the cell that started a vertical merge there
        for tr in tbl.iterfind(W + "tr"):
            row: list[str] = []
            column = 0
            before = tr.find(f"{W}trPr/{W}gridBefore")
            if before is not None:
                column += int(before.get(W + "val", "0") or 0)
            cells = []
            for child in tr:
                if child.tag == W + "tc":
                    cells.append(child)
                elif child.tag == W + "sdt":
                    content = child.find(W + "sdtContent")
                    if content is not None:
                        cells += content.findall(W + "tc")
            for tc in cells:
                tcpr = tc.find(W + "tcPr")
                span, merge = 1, None
                if tcpr is not None:
                    span_node, merge_node = tcpr.find(W + "gridSpan"), tcpr.find(W + "vMerge")
                    if span_node is not None:
                        span = max(1, int(span_node.get(W + "val", "1") or 1))
                    if merge_node is not None:
                        merge = merge_node.get(W + "val", "continue")
                if merge == "continue":
                    text = above.get(column, "")
                else:
                    text = self.cell_text(tc)
                    if merge == "restart":
                        above[column] = text
                    else:
                        above.pop(column, None)
                row.append(text)
                column += span
            rows.append(row)
        return rows


def read_docx(data: bytes, path: str | os.PathLike | None = None) -> Document:
    """Paragraphs (with their list numbers) and tables of a Word document in document order."""
    check_zip(data, path, ("Word 文档", "the Word document"))
    try:
        import docx

        package = docx.Document(io.BytesIO(data))
        part = package.part
        try:
            numbering_element = part.numbering_part.element
        except (NotImplementedError, KeyError):
            numbering_element = None
        styles_element = part.styles.element if part.styles is not None else None
        body = package.element.body
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds on damaged files
        raise ReaderError(
            path,
            "无法读取该 Word 文档（文件可能已损坏）。",
            "the Word document cannot be read (it may be damaged).",
        ) from error
    reader = _Reader(load_numbering(numbering_element, styles_element))
    document = Document(source=str(path) if path else None, kind="docx")

    def visit(container) -> None:
        for block in container.iterchildren():
            tag = block.tag
            if tag == W + "p":
                label, text, level = reader.paragraph(block)
                if text.strip() or label:
                    document.add_paragraph(text, label=label, level=level)
                else:
                    document.add_paragraph("")
            elif tag == W + "tbl":
                document.add_table(reader.table(block))
            elif tag == W + "sdt":
                content = block.find(W + "sdtContent")
                if content is not None:
                    visit(content)
            elif tag in (W + "ins", W + "moveTo", W + "customXml"):
                visit(block)

    visit(body)
    return document
